// Every query on `deliveries`: one record per notification × channel. A record is claimed before its channel
// sends, so a notification is sent at most once per channel whatever process or retry tries again.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { fromRow, NOTIFICATION_COLUMNS, StoredNotification } from '../notification';
import { BIGINT_ARRAY, COMMIT_WITHOUT_FLUSH, query, run } from './sql';

export type DeliveryStatus = 'claimed' | 'sent' | 'failed' | 'skipped';

/** What to write for one channel of a notification: claim it to send, or record why it is skipped. */
export interface ChannelPlan {
  channel: string;
  status: 'claimed' | 'skipped';
  reason?: string;
}

/**
 * One notification leaving the undispatched queue, with the records to write for it: one per channel that can
 * reach its user (none when no channel can).
 */
export interface DispatchClaim {
  id: string;
  plans: readonly ChannelPlan[];
  /** the dedupe key of the batch the notification is sent in, kept on its claimed records */
  dedupeKey: string;
}

/** A record this process claimed: it may send the notification on that channel. */
export interface ClaimedDelivery {
  id: string;
  channel: string;
}

/** The outcome of one notification × channel send. */
export interface DeliveryOutcome {
  id: string;
  channel: string;
  status: Exclude<DeliveryStatus, 'claimed'>;
  error?: string;
}

export interface StaleClaim {
  channel: string;
  /** the key of the batch it was claimed in (a record claimed before keys were kept is a batch of its own) */
  dedupeKey: string;
  notification: StoredNotification;
}

/** The batch a record of `deliveries` (as `alias`) was claimed in: its dedupe key, or the record alone when claimed before keys were kept. */
const batchOf = (alias: string) => `coalesce(${alias}.dedupe_key, 'record:' || ${alias}.notification_id)`;

const COLUMNS = NOTIFICATION_COLUMNS.split(', ').map((column) => `n.${column}`).join(', ');
const MAX_ERROR_LENGTH = 500;

/**
 * An error message PostgreSQL text and jsonb accept: at most MAX_ERROR_LENGTH, no NUL, no unpaired surrogate
 * (the cut can split a pair). One refused message would fail the outcomes of a whole coalesced statement.
 */
export function storableError(message: string): string {
  return message
    .slice(0, MAX_ERROR_LENGTH)
    .replace(/\u0000/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Takes the notifications out of the undispatched queue and writes their planned records, in one statement
   * (the flushes of many users together). Only a notification this statement took out of the queue gets records:
   * a notification another process or an earlier try dispatched already gets none, so nothing is claimed twice
   * (the records' primary key stands behind that). Returns the records claimed to send, not the skipped ones.
   */
  async claim(requests: readonly DispatchClaim[]): Promise<ClaimedDelivery[]> {
    if (!requests.length) return [];
    const claimed = await query(
      this.em,
      `with requested as (
         select r.plans, n.id, n.dedupe_key
         from jsonb_to_recordset(?::jsonb) as r(plans jsonb, ids bigint[], keys text[])
         cross join lateral unnest(r.ids, r.keys) as n(id, dedupe_key)
       ), taken as (
         delete from undispatched_notifications where notification_id = any(${BIGINT_ARRAY}) returning notification_id
       ), claimed as (
         insert into deliveries (notification_id, channel, status, attempts, last_error, dedupe_key)
         select r.id, p.channel, p.status, case when p.status = 'claimed' then 1 else 0 end, p.reason,
           case when p.status = 'claimed' then r.dedupe_key end
         from requested r
         join taken t on t.notification_id = r.id
         cross join lateral jsonb_to_recordset(r.plans) as p(channel text, status text, reason text)
         on conflict do nothing
         returning notification_id, channel, status
       )
       select notification_id, channel from claimed where status = 'claimed'`,
      [
        JSON.stringify(
          groupIds(
            requests,
            (request) => request.plans,
            (request) => ({ plans: request.plans.map(({ channel, status, reason }) => ({ channel, status, reason: reason ?? null })) }),
            (request) => request.dedupeKey,
          ),
        ),
        // the ids again as an array literal: the planner then knows how many there are and deletes through the
        // primary key (from the recordset it guessed 1,000 rows and scanned the queue, dead rows and all)
        requests.map((request) => request.id),
      ],
    );
    return claimed.map((row) => ({ id: String(row.notification_id), channel: String(row.channel) }));
  }

  /**
   * Records the outcomes of sends (any channels, any users) in one statement, without waiting for the disk
   * (COMMIT_WITHOUT_FLUSH): an outcome lost in a database crash leaves its claim to be sent again, as a process
   * killed after the send would.
   */
  async mark(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    if (!outcomes.length) return;
    const groups = groupIds(
      outcomes,
      // the usual outcome has no error: channel and status name its group without a JSON key per row
      (outcome) => (outcome.error === undefined ? `${outcome.channel}\u0000${outcome.status}` : outcome),
      (outcome) => ({ channel: outcome.channel, status: outcome.status, error: outcome.error === undefined ? null : storableError(outcome.error) }),
    );
    // one UPDATE per (channel, status, error) with its ids as an array literal, so each goes through the primary
    // key: joined to a recordset (whose size the planner guesses) it hashed the whole of `deliveries` instead
    const updates = groups.map(
      (_, index) =>
        `u${index} as (update deliveries set status = ?, last_error = ?, updated_at = now() where channel = ? and notification_id = any(${BIGINT_ARRAY}))`,
    );
    await run(
      this.em,
      `with ${updates.join(', ')} select * from ${COMMIT_WITHOUT_FLUSH}`,
      groups.flatMap((group) => [group.status, group.error, group.channel, group.ids]),
    );
  }

  /**
   * Gives claims back without an outcome (not sent, and certainly not received), in one statement (one UPDATE per
   * channel): they stay claimed but count as stale from now on, so the next recovery sweep of any process sends them
   * again, with their dedupe keys.
   */
  async release(claims: readonly ClaimedDelivery[]): Promise<void> {
    if (!claims.length) return;
    const groups = groupIds(claims, (claim) => claim.channel, (claim) => ({ channel: claim.channel }));
    const updates = groups.map(
      (_, index) => `r${index} as (update deliveries set updated_at = 'epoch' where channel = ? and status = 'claimed' and notification_id = any(${BIGINT_ARRAY}))`,
    );
    await run(this.em, `with ${updates.join(', ')} select 1`, groups.flatMap((group) => [group.channel, group.ids]));
  }

  /** Counts one more try of records still claimed (a channel that retries by itself, e.g. webhooks). */
  async recordAttempt(channel: string, ids: readonly string[], error: string): Promise<void> {
    if (!ids.length) return;
    await run(
      this.em,
      `update deliveries set attempts = attempts + 1, last_error = ?, updated_at = now()
       where channel = ? and status = 'claimed' and notification_id = any(${BIGINT_ARRAY})`,
      [storableError(error), channel, ids],
    );
  }

  /**
   * Claims left by a process that stopped between claim and acknowledgement, older than `staleSec`: counted as a
   * new attempt and returned to be sent again (with the same dedupe key). Whole batches, at most `batchLimit` of
   * them: a batch cut in two would reach its receiver as two sends it never saw. Claims that used up `maxAttempts`
   * are marked failed instead.
   */
  async reclaimStale(staleSec: number, maxAttempts: number, batchLimit: number): Promise<StaleClaim[]> {
    await run(
      this.em,
      `update deliveries set status = 'failed', last_error = 'never acknowledged', updated_at = now()
       where status = 'claimed' and attempts >= ? and updated_at < now() - make_interval(secs => ?)`,
      [maxAttempts, staleSec],
    );
    const rows = await query(
      this.em,
      `with stale_batches as (
         select channel, ${batchOf('d')} as batch from deliveries d
         where status = 'claimed' and updated_at < now() - make_interval(secs => ?)
         group by 1, 2 order by min(updated_at) limit ?
       ), stale as (
         select d.notification_id, d.channel from deliveries d
         join stale_batches b on b.channel = d.channel and b.batch = ${batchOf('d')}
         where d.status = 'claimed' and d.updated_at < now() - make_interval(secs => ?)
         for update of d skip locked
       ), retried as (
         update deliveries d set attempts = d.attempts + 1, updated_at = now()
         from stale s where d.notification_id = s.notification_id and d.channel = s.channel
         returning d.notification_id, d.channel, ${batchOf('d')} as batch
       )
       select r.channel, r.batch, ${COLUMNS} from retried r join notifications n on n.id = r.notification_id order by n.id`,
      [staleSec, batchLimit, staleSec],
    );
    return rows.map((row) => ({ channel: String(row.channel), dedupeKey: String(row.batch), notification: fromRow(row) }));
  }
}

/**
 * Rows that share everything but their notification id travel as one entry with an id list: a burst of a
 * thousand notifications is a handful of entries, not a thousand objects to quote and parse. Rows with the same
 * `sameAs` (the rows of one batch share their plans array) share without asking: `shared` and its JSON key run
 * once per distinct `sameAs`, not once per row. `keyOf`, when given, adds a list of one text per row beside the
 * ids (the dedupe keys of a claim).
 */
function groupIds<T extends { id: string }, K extends object>(
  rows: readonly T[],
  sameAs: (row: T) => unknown,
  shared: (row: T) => K,
  keyOf?: (row: T) => string,
): Array<K & { ids: string[]; keys?: string[] }> {
  const bySameAs = new Map<unknown, K & { ids: string[]; keys?: string[] }>();
  const byKey = new Map<string, K & { ids: string[]; keys?: string[] }>();
  for (const row of rows) {
    const same = sameAs(row);
    let group = bySameAs.get(same);
    if (!group) {
      const fields = shared(row);
      const key = JSON.stringify(fields);
      group = byKey.get(key) ?? { ...fields, ids: [], ...(keyOf ? { keys: [] } : {}) };
      byKey.set(key, group);
      bySameAs.set(same, group);
    }
    group.ids.push(row.id);
    if (keyOf) group.keys!.push(keyOf(row));
  }
  return [...byKey.values()];
}
