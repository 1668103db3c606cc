// The delivery records as the dispatcher and the webhook worker write them: per batch and channel, the way a
// flush thinks, but every claim (and every outcome) of one event-loop turn goes to the database as one
// statement. A burst of critical notifications, each its own flush, thus costs one claim statement and one
// outcome statement per turn, not two per notification.
import { Injectable, Logger } from '@nestjs/common';
import { retryWhileDatabaseUnavailable, StatementCoalescer, uniqueKey } from '@tradepulse/platform';
import { ChannelPlan, ClaimedDelivery, DeliveriesRepository, DeliveryOutcome, DeliveryStatus, DispatchClaim } from '../store/deliveries.repository';

export type { ChannelPlan } from '../store/deliveries.repository';

/**
 * One statement at a time per kind: rows that arrive while it runs join the next one, so statements grow with
 * the load instead of queueing for the pool (which HTTP requests and the relay share).
 */
const MAX_IN_FLIGHT = 1;
/** a few thousand notifications (or outcomes) keep one statement's JSON parameter well under a megabyte */
const MAX_ROWS = 5_000;

@Injectable()
export class DeliveryRecords {
  private readonly logger = new Logger('DeliveryRecords');
  private readonly claims: StatementCoalescer<DispatchClaim, string[]>;
  private readonly outcomes: StatementCoalescer<DeliveryOutcome, void>;
  private readonly releases: StatementCoalescer<ClaimedDelivery, void>;

  constructor(repository: DeliveriesRepository) {
    const options = { maxInFlight: MAX_IN_FLIGHT, maxRows: MAX_ROWS };
    // a database restart must not turn sent notifications into stale claims (sent again later) nor hold flushed
    // batches back until the recovery sweep: both statements wait for it, and what arrives meanwhile joins the next
    this.claims = new StatementCoalescer(async (requests) => {
      const won = new Map<string, string[]>();
      const claimed = await retryWhileDatabaseUnavailable(() => repository.claim(requests), { log: { what: 'claiming deliveries', logger: this.logger } });
      for (const { id, channel } of claimed) append(won, id, channel);
      // an id asked twice in one statement left the queue once: its claims go to the first asker only
      return requests.map((request) => {
        const channels = won.get(request.id) ?? [];
        won.delete(request.id);
        return channels;
      });
    }, options);
    this.outcomes = new StatementCoalescer(async (rows) => {
      await retryWhileDatabaseUnavailable(() => repository.mark(rows), { log: { what: 'recording delivery outcomes', logger: this.logger } });
      return rows.map(() => undefined);
    }, options);
    this.releases = new StatementCoalescer(async (rows) => {
      await retryWhileDatabaseUnavailable(() => repository.release(rows), { log: { what: 'releasing deferred deliveries', logger: this.logger } });
      return rows.map(() => undefined);
    }, options);
  }

  /**
   * Marks the notifications dispatched and writes one record per id × plan (no plans: no records, the user cannot
   * be reached); the claimed ones keep the batch's `dedupeKey`. Returns, per channel, the ids this call claimed:
   * ids another process or an earlier try dispatched are not returned.
   */
  async claim(ids: readonly string[], plans: readonly ChannelPlan[], dedupeKey = newBatchKey()): Promise<Map<string, string[]>> {
    return (await this.claimBatches([{ ids, plans, dedupeKey }]))[0];
  }

  /** claim() of several batches as one request (one promise, not one per batch): one answer per batch, in order. */
  async claimBatches(batches: readonly BatchClaim[]): Promise<Array<Map<string, string[]>>> {
    const rows: DispatchClaim[] = [];
    // equal plans as one array, so the statement groups their rows without a JSON key per batch (most batches of a
    // critical burst hold one notification, and their plans are alike)
    const alike = new Map<string, readonly ChannelPlan[]>();
    for (const batch of batches) {
      const key = planKey(batch.plans);
      const plans = alike.get(key) ?? batch.plans;
      alike.set(key, plans);
      for (const id of batch.ids) rows.push({ id, plans, dedupeKey: batch.dedupeKey });
    }
    const won = await this.claims.submit(rows);
    let row = 0;
    return batches.map(({ ids }) => {
      const claimed = new Map<string, string[]>();
      for (const id of ids) for (const channel of won[row++]) append(claimed, channel, id);
      return claimed;
    });
  }

  /** Hands claims back to the recovery sweep (a send deferred: see DeliveryDeferred), with the others of this turn. */
  async release(channel: string, ids: readonly string[]): Promise<void> {
    await this.releases.submit(ids.map((id) => ({ id, channel })));
  }

  /** Records the outcome of one channel's send of these ids. */
  async mark(channel: string, ids: readonly string[], status: Exclude<DeliveryStatus, 'claimed'>, error?: string): Promise<void> {
    await this.outcomes.submit(ids.map((id) => ({ id, channel, status, error })));
  }
}

export interface BatchClaim {
  ids: readonly string[];
  plans: readonly ChannelPlan[];
  /** newBatchKey(), or the key of the batch being sent again */
  dedupeKey: string;
}

/**
 * The dedupe key of a new batch: unique to it across processes and runs. (A key made of the batch's ids would not
 * do: two batches may ask for the same id, and only one claims it.)
 */
export function newBatchKey(): string {
  return uniqueKey();
}

function planKey(plans: readonly ChannelPlan[]): string {
  let key = '';
  for (const { channel, status, reason } of plans) key += `${channel}\u0000${status}\u0000${reason === undefined ? '\u0002' : reason}\u0001`;
  return key;
}

function append(lists: Map<string, string[]>, key: string, value: string): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
