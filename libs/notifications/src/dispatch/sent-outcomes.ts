// The sends that succeeded in one event-loop turn, recorded 'sent' together once the turn ends: one outcome
// request per channel and a metrics update per channel, instead of an outcome request (two promises, each
// paying the process-wide async hooks) and labelled metric calls per batch.
import { Injectable, Logger } from '@nestjs/common';
import type { StoredNotification } from '../notification';
import { notificationMetrics } from '../notification-metrics';
import { DeliveryRecords } from './delivery-records';

@Injectable()
export class SentOutcomes {
  private readonly logger = new Logger('SentOutcomes');
  private pending?: Map<string, StoredNotification[]>;
  /** the turns being recorded (usually one) */
  private readonly recording = new Set<Promise<void>>();

  constructor(private readonly deliveries: DeliveryRecords) {}

  add(channel: string, items: readonly StoredNotification[]): void {
    if (!this.pending) {
      const pending = (this.pending = new Map());
      const recorded: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => {
          this.pending = undefined;
          return this.record(pending);
        })
        .catch((error: Error) => this.logger.error(`notification delivery failed: ${error.message}`))
        .finally(() => this.recording.delete(recorded));
      this.recording.add(recorded);
    }
    const own = this.pending.get(channel);
    if (own) own.push(...items);
    else this.pending.set(channel, [...items]);
  }

  /** Whether no send is waiting to be recorded. */
  get idle(): boolean {
    return this.recording.size === 0;
  }

  /**
   * Resolves once every send added so far is recorded (or its recording failed): a replay read after it finds
   * what this process emitted before, as sent; a shutdown waits for it.
   */
  async recorded(): Promise<void> {
    await Promise.all([...this.recording]);
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
