// The delivery records as the dispatcher and the webhook worker write them: per batch and channel, the way a
// flush thinks, but every claim (and every outcome) of one event-loop turn goes to the database as one
// statement. A burst of critical notifications, each its own flush, thus costs one claim statement and one
// outcome statement per turn, not two per notification.
import { Injectable } from '@nestjs/common';
import { StatementCoalescer } from '../engine';
import { DeliveriesRepository, DeliveryOutcome, DeliveryStatus, PlannedDelivery } from '../store/deliveries.repository';

/** What to write for one channel of a batch: claim it to send, or record why it is skipped. */
export interface ChannelPlan {
  channel: string;
  status: 'claimed' | 'skipped';
  reason?: string;
}

/**
 * One statement at a time per kind: rows that arrive while it runs join the next one, so statements grow with
 * the load instead of queueing for the pool (which HTTP requests and the relay share).
 */
const MAX_IN_FLIGHT = 1;
/** a few thousand rows keep one statement's JSON parameter well under a megabyte */
const MAX_ROWS = 5_000;

@Injectable()
export class DeliveryRecords {
  private readonly claims: StatementCoalescer<PlannedDelivery, boolean>;
  private readonly outcomes: StatementCoalescer<DeliveryOutcome, void>;

  constructor(repository: DeliveriesRepository) {
    const options = { maxInFlight: MAX_IN_FLIGHT, maxRows: MAX_ROWS };
    this.claims = new StatementCoalescer(async (rows) => {
      const won = new Set(await repository.claim(rows));
      return rows.map((row) => won.has(row));
    }, options);
    this.outcomes = new StatementCoalescer(async (rows) => {
      await repository.mark(rows);
      return rows.map(() => undefined);
    }, options);
  }

  /**
   * Writes one record per id × plan and marks the notifications dispatched. Returns, per channel, the ids this
   * call claimed: ids another process or an earlier try holds are not returned.
   */
  async claim(ids: readonly string[], plans: readonly ChannelPlan[]): Promise<Map<string, string[]>> {
    const rows = ids.flatMap((id) => plans.map((plan): PlannedDelivery => ({ id, ...plan })));
    const won = await this.claims.submit(rows);
    const claimed = new Map<string, string[]>();
    rows.forEach((row, index) => {
      if (!won[index]) return;
      const list = claimed.get(row.channel) ?? [];
      list.push(row.id);
      claimed.set(row.channel, list);
    });
    return claimed;
  }

  /** Records the outcome of one channel's send of these ids. */
  async mark(channel: string, ids: readonly string[], status: Exclude<DeliveryStatus, 'claimed'>, error?: string): Promise<void> {
    await this.outcomes.submit(ids.map((id) => ({ id, channel, status, error })));
  }
}
