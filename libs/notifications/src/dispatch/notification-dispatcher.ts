// From relayed notifications to channels: muted categories are recorded as skipped at once; the rest wait in
// the NotificationBatcher (user × category; critical skips the window; a digest widens it). A flushed batch
// asks the channels whether they can reach the user, is claimed on those that can (no record on the others),
// sent on each claimed channel, and its outcome recorded. Lookups, claims and outcomes of the flushes of one
// event-loop turn share their statements (ChannelTargets, DeliveryRecords).
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { DeliverySkipped } from '../channels/notification-channel';
import { NotificationBatcher } from '../engine';
import type { StoredNotification } from '../notification';
import { notificationMetrics } from '../notification-metrics';
import { digestWindowMs, isMuted } from '../preferences/notification-preferences';
import { PreferencesService } from '../preferences/preferences.service';
import { ChannelRegistry } from './channel-registry';
import { ChannelTargets } from './channel-targets';
import { deliveryPlan, MUTED } from './delivery-plan';
import { DeliveryRecords } from './delivery-records';

@Injectable()
export class NotificationDispatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger('NotificationDispatcher');
  private readonly batcher: NotificationBatcher<StoredNotification>;
  /** ids waiting in this process's batcher: a recovery sweep must not add them twice */
  private readonly waiting = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly targets: ChannelTargets;

  constructor(
    profiles: ProfileService,
    private readonly preferences: PreferencesService,
    private readonly deliveries: DeliveryRecords,
    private readonly channels: ChannelRegistry,
  ) {
    this.targets = new ChannelTargets(channels);
    const { batchWindowMs, batchSize } = profiles.section('notifications');
    this.batcher = new NotificationBatcher<StoredNotification>(
      { batchWindowMs, batchSize },
      (userId, items) => this.track(this.flush(userId, items)),
      undefined,
      (error, userId, items) => this.logger.error(`batch of ${items.length} for user ${userId} was not delivered: ${(error as Error).message}`),
    );
    profiles.onChange('notifications', (next) => this.batcher.setOptions({ batchWindowMs: next.batchWindowMs, batchSize: next.batchSize }));
  }

  /** `windowMs` overrides every window (0: deliver with the next flush), for notifications that waited already. */
  async accept(notifications: readonly StoredNotification[], windowMs?: number): Promise<void> {
    const fresh = notifications.filter((notification) => !this.waiting.has(notification.id));
    if (!fresh.length) return;
    const preferences = await this.preferences.forUsers(fresh.map((notification) => notification.userId));
    const muted: StoredNotification[] = [];
    for (const notification of fresh) {
      const own = preferences.get(notification.userId)!;
      if (isMuted(own, notification.category)) {
        muted.push(notification);
        continue;
      }
      this.waiting.add(notification.id);
      this.batcher.add(notification, windowMs ?? digestWindowMs(own));
    }
    if (muted.length) await this.recordMuted(muted);
  }

  /** Sends items whose claim is already held (a stale claim being retried). */
  resend(channel: string, userId: string, items: StoredNotification[]): Promise<void> {
    return this.track(this.sendOn(channel, userId, items));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.batcher.flushAll();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Muted notifications leave the queue with a 'skipped' record on each channel that could have reached their user. */
  private async recordMuted(muted: readonly StoredNotification[]): Promise<void> {
    const byUser = new Map<string, StoredNotification[]>();
    for (const notification of muted) {
      const own = byUser.get(notification.userId);
      if (own) own.push(notification);
      else byUser.set(notification.userId, [notification]);
    }
    await Promise.all(
      [...byUser].map(async ([userId, items]) => {
        const unreachable = await this.targets.unreachable(userId, this.channels.names);
        const plans = this.channels.names.filter((channel) => !unreachable.has(channel)).map((channel) => ({ channel, status: 'skipped' as const, reason: MUTED }));
        await this.deliveries.claim(items.map((item) => item.id), plans);
        for (const channel of this.channels.names) notificationMetrics.skipped.inc({ channel }, items.length);
      }),
    );
  }

  private async flush(userId: string, items: StoredNotification[]): Promise<void> {
    for (const item of items) this.waiting.delete(item.id);
    notificationMetrics.batchSize.observe(items.length);
    // preferences read again (a PUT while the batch waited applies to it) and targets asked at the same time: every
    // channel is asked, even one the preferences turn off, which saves a round trip on every flush
    const [preferences, unreachable] = await Promise.all([this.preferences.get(userId), this.targets.unreachable(userId, this.channels.names)]);
    const plans = deliveryPlan(this.channels.names, preferences, items[0].category, unreachable);
    const claimed = await this.deliveries.claim(items.map((item) => item.id), plans);
    for (const channel of unreachable.keys()) notificationMetrics.skipped.inc({ channel }, items.length);
    for (const plan of plans) if (plan.status === 'skipped') notificationMetrics.skipped.inc({ channel: plan.channel }, items.length);
    await Promise.all(
      [...claimed].map(([channel, ids]) => {
        const own = new Set(ids);
        return this.sendOn(channel, userId, items.filter((item) => own.has(item.id)));
      }),
    );
  }

  private async sendOn(channelName: string, userId: string, items: StoredNotification[]): Promise<void> {
    const channel = this.channels.get(channelName);
    const ids = items.map((item) => item.id);
    if (!channel) return this.deliveries.mark(channelName, ids, 'skipped', 'channel not available in this process');
    try {
      const outcome = await channel.send(userId, items);
      if (outcome === 'queued') return;
      await this.deliveries.mark(channelName, ids, 'sent');
      notificationMetrics.delivered.inc({ channel: channelName }, items.length);
      const now = Date.now();
      for (const item of items) notificationMetrics.latency.observe({ channel: channelName }, (now - item.occurredAt.getTime()) / 1000);
    } catch (error) {
      if (error instanceof DeliverySkipped) {
        notificationMetrics.skipped.inc({ channel: channelName }, items.length);
        return this.deliveries.mark(channelName, ids, 'skipped', error.message);
      }
      notificationMetrics.failures.inc({ channel: channelName }, items.length);
      this.logger.warn(`${channelName} delivery of ${items.length} notification(s) to user ${userId} failed: ${(error as Error).message}`);
      await this.deliveries.mark(channelName, ids, 'failed', (error as Error).message);
    }
  }

  private track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((error: Error) => this.logger.error(`notification delivery failed: ${error.message}`)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }
}
