// The sends that succeeded in one event-loop turn, recorded 'sent' together once the turn ends: one outcome
// request per channel and a metrics update per channel, instead of an outcome request (two promises, each
// paying the process-wide async hooks) and labelled metric calls per batch.
import { Injectable } from '@nestjs/common';
import type { StoredNotification } from '../notification';
import { notificationMetrics } from '../notification-metrics';
import { DeliveryRecords } from './delivery-records';

@Injectable()
export class SentOutcomes {
  private pending?: Map<string, StoredNotification[]>;
  /** the turns being recorded (usually one) */
  private readonly recording = new Set<Promise<void>>();

  constructor(private readonly deliveries: DeliveryRecords) {}

  /** Returns the recording of this turn's sends when this call opened it (for the caller to track), else undefined. */
  add(channel: string, items: readonly StoredNotification[]): Promise<void> | undefined {
    let opened: Promise<void> | undefined;
    if (!this.pending) {
      const pending = (this.pending = new Map());
      opened = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.pending = undefined;
        return this.record(pending);
      });
      const done = opened.catch(() => undefined).finally(() => this.recording.delete(done));
      this.recording.add(done);
    }
    const own = this.pending.get(channel);
    if (own) own.push(...items);
    else this.pending.set(channel, [...items]);
    return opened;
  }

  /**
   * Resolves once every send added so far is recorded (or its recording failed): a replay read after it finds
   * what this process emitted before, as sent.
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
