// The sends that succeeded in one event-loop turn, recorded 'sent' together once the turn ends: one outcome
// request per channel and a metrics update per channel, instead of an outcome request (two promises, each
// paying the process-wide async hooks) and labelled metric calls per batch.
import type { StoredNotification } from '../notification';
import { notificationMetrics } from '../notification-metrics';
import type { DeliveryRecords } from './delivery-records';

export class SentOutcomes {
  private pending?: Map<string, StoredNotification[]>;

  /** `track` holds the recording until it ends (a shutdown waits for it) and logs its failure. */
  constructor(
    private readonly deliveries: Pick<DeliveryRecords, 'mark'>,
    private readonly track: (work: Promise<void>) => void,
  ) {}

  add(channel: string, items: readonly StoredNotification[]): void {
    if (!this.pending) {
      const pending = (this.pending = new Map());
      this.track(
        new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          this.pending = undefined;
          return this.record(pending);
        }),
      );
    }
    const own = this.pending.get(channel);
    if (own) own.push(...items);
    else this.pending.set(channel, [...items]);
  }

  private async record(sent: ReadonlyMap<string, StoredNotification[]>): Promise<void> {
    await Promise.all([...sent].map(([channel, items]) => this.deliveries.mark(channel, items.map((item) => item.id), 'sent')));
    const now = Date.now();
    for (const [channel, items] of sent) {
      notificationMetrics.delivered.inc({ channel }, items.length);
      const latency = notificationMetrics.latency.labels({ channel });
      for (const item of items) latency.observe((now - item.occurredAt.getTime()) / 1000);
    }
  }
}
