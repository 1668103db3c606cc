// Every query on `deliveries`: one record per notification × channel. A record is claimed before its channel
// sends, so a notification is sent at most once per channel whatever process or retry tries again.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { fromRow, NOTIFICATION_COLUMNS, StoredNotification } from '../notification';
import { BIGINT_ARRAY, query, run } from './sql';

export type DeliveryStatus = 'claimed' | 'sent' | 'failed' | 'skipped';

/** What to write for one channel: claim it to send, or record why it is skipped. */
export interface ChannelPlan {
  channel: string;
  status: 'claimed' | 'skipped';
  reason?: string;
}

export interface StaleClaim {
  channel: string;
  notification: StoredNotification;
}

const COLUMNS = NOTIFICATION_COLUMNS.split(', ').map((column) => `n.${column}`).join(', ');
const MAX_ERROR_LENGTH = 500;

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Writes one record per id × channel in one statement and marks the notifications dispatched. Returns, per
   * channel, the ids this call claimed: ids another process or an earlier try holds are not returned.
   */
  async claim(ids: readonly string[], plans: readonly ChannelPlan[]): Promise<Map<string, string[]>> {
    const claimed = new Map<string, string[]>();
    if (!ids.length) return claimed;
    const rows = await query(
      this.em,
      `with claimed as (
         insert into deliveries (notification_id, channel, status, attempts, last_error)
         select n.id, p.channel, p.status, case when p.status = 'claimed' then 1 else 0 end, p.reason
         from unnest(${BIGINT_ARRAY}) as n(id)
         cross join jsonb_to_recordset(?::jsonb) as p(channel text, status text, reason text)
         on conflict do nothing
         returning notification_id, channel, status
       ), dispatched as (
         update notifications set dispatched_at = now() where id = any(${BIGINT_ARRAY}) and dispatched_at is null
       )
       select notification_id, channel from claimed where status = 'claimed' order by notification_id`,
      [ids, JSON.stringify(plans), ids],
    );
    for (const row of rows) {
      const channel = String(row.channel);
      const list = claimed.get(channel) ?? [];
      list.push(String(row.notification_id));
      claimed.set(channel, list);
    }
    return claimed;
  }

  /** Records the outcome of one channel's send of these ids, in one statement. */
  async mark(channel: string, ids: readonly string[], status: Exclude<DeliveryStatus, 'claimed'>, error?: string): Promise<void> {
    if (!ids.length) return;
    await run(
      this.em,
      `update deliveries set status = ?, last_error = ?, updated_at = now() where channel = ? and notification_id = any(${BIGINT_ARRAY})`,
      [status, error ? error.slice(0, MAX_ERROR_LENGTH) : null, channel, ids],
    );
  }

  /** Counts one more try of records still claimed (a channel that retries by itself, e.g. webhooks). */
  async recordAttempt(channel: string, ids: readonly string[], error: string): Promise<void> {
    if (!ids.length) return;
    await run(
      this.em,
      `update deliveries set attempts = attempts + 1, last_error = ?, updated_at = now()
       where channel = ? and status = 'claimed' and notification_id = any(${BIGINT_ARRAY})`,
      [error.slice(0, MAX_ERROR_LENGTH), channel, ids],
    );
  }

  /**
   * Claims left by a process that stopped between claim and acknowledgement, older than `staleSec`:
   * counted as a new attempt and returned to be sent again (with the same dedupe key). Claims that used up
   * `maxAttempts` are marked failed instead.
   */
  async reclaimStale(staleSec: number, maxAttempts: number, limit: number): Promise<StaleClaim[]> {
    await run(
      this.em,
      `update deliveries set status = 'failed', last_error = 'never acknowledged', updated_at = now()
       where status = 'claimed' and attempts >= ? and updated_at < now() - make_interval(secs => ?)`,
      [maxAttempts, staleSec],
    );
    const rows = await query(
      this.em,
      `with stale as (
         select notification_id, channel from deliveries
         where status = 'claimed' and updated_at < now() - make_interval(secs => ?)
         order by updated_at limit ? for update skip locked
       ), retried as (
         update deliveries d set attempts = d.attempts + 1, updated_at = now()
         from stale s where d.notification_id = s.notification_id and d.channel = s.channel
         returning d.notification_id, d.channel
       )
       select r.channel, ${COLUMNS} from retried r join notifications n on n.id = r.notification_id order by n.id`,
      [staleSec, limit],
    );
    return rows.map((row) => ({ channel: String(row.channel), notification: fromRow(row) }));
  }
}
