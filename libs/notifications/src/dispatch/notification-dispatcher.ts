// From relayed notifications to channels: muted categories are recorded as skipped at once; the rest wait in
// the NotificationBatcher (user × category; critical skips the window; a digest widens it). A flushed batch
// asks the channels whether they can reach the user, is claimed on those that can (no record on the others),
// sent on each claimed channel, and its outcome recorded. The batches flushed in one event-loop turn go through
// these steps together, in one pass: one preferences read, one target lookup per channel and one claim for all
// of them (a relay pass of 500 critical notifications is 500 batches; stepping through each on its own cost
// about twenty promises per notification, each paying the process-wide async hooks). Outcomes of one turn share
// their statement (DeliveryRecords).
import { Injectable, Logger } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { ChannelSender, DeliveryDeferred, DeliverySkipped } from '../channels/notification-channel';
import { NotificationBatcher } from '../engine';
import type { StoredNotification } from '../notification';
import { notificationMetrics } from '../notification-metrics';
import { digestWindowMs, isMuted } from '../preferences/notification-preferences';
import { PreferencesService } from '../preferences/preferences.service';
import { ChannelRegistry } from './channel-registry';
import { ChannelTargets } from './channel-targets';
import { deliveryPlan, MUTED } from './delivery-plan';
import { DeliveryRecords, newBatchKey } from './delivery-records';
import { settledWithinGrace } from '../shutdown-grace';
import { SentOutcomes } from './sent-outcomes';

@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger('NotificationDispatcher');
  private readonly batcher: NotificationBatcher<StoredNotification>;
  /** ids waiting in this process's batcher: a recovery sweep must not add them twice */
  private readonly waiting = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly targets: ChannelTargets;
  /** the batches flushed in this turn, dispatched together once it ends */
  private flushed?: FlushedBatch[];
  /** from the start of shutdown: what arrives then stays undispatched in the store, for the recovery sweep */
  private closing = false;

  constructor(
    profiles: ProfileService,
    private readonly preferences: PreferencesService,
    private readonly deliveries: DeliveryRecords,
    private readonly channels: ChannelRegistry,
    private readonly sent: SentOutcomes,
  ) {
    this.targets = new ChannelTargets(channels);
    const { batchWindowMs, batchSize } = profiles.section('notifications');
    this.batcher = new NotificationBatcher<StoredNotification>(
      { batchWindowMs, batchSize },
      (userId, items) => this.collect(userId, items),
      undefined,
      (error, userId, items) => this.logger.error(`batch of ${items.length} for user ${userId} was not delivered: ${(error as Error).message}`),
    );
    profiles.onChange('notifications', (next) => this.batcher.setOptions({ batchWindowMs: next.batchWindowMs, batchSize: next.batchSize }));
  }

  /** `windowMs` overrides every window (0: deliver with the next flush), for notifications that waited already. */
  async accept(notifications: readonly StoredNotification[], windowMs?: number): Promise<void> {
    if (this.closing) return;
    const fresh = notifications.filter((notification) => !this.waiting.has(notification.id));
    if (!fresh.length) return;
    const preferences = await this.preferences.forUsers(fresh.map((notification) => notification.userId));
    if (this.closing) return;
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

  /** Sends items whose claim is already held (a stale claim being retried), as the batch they were claimed in. */
  resend(channel: string, userId: string, items: StoredNotification[], dedupeKey: string): Promise<void> {
    return this.track(this.send(channel, userId, items, dedupeKey));
  }

  /** Shutdown, after the relay's last pass (NotificationsShutdown). */
  async close(): Promise<void> {
    this.closing = true;
    this.batcher.flushAll();
    // what the channels can send soon goes out; what would wait longer (Telegram's 1 message/s per chat, retries
    // while Telegram is down) is dropped with its claim kept, and the next start's recovery sends it
    await settledWithinGrace(this.settled());
    await Promise.all(this.channels.names.map((name) => this.channels.get(name)?.stop?.()));
    await this.settled();
  }

  /** Resolves once no work is in flight (work may start more: a pass records its outcomes on a later turn). */
  private async settled(): Promise<void> {
    while (this.inFlight.size || !this.sent.idle) await Promise.allSettled([...this.inFlight, this.sent.recorded()]);
  }

  /** Muted notifications leave the queue with a 'skipped' record on each channel that could have reached their user. */
  private async recordMuted(muted: readonly StoredNotification[]): Promise<void> {
    const byUser = new Map<string, StoredNotification[]>();
    for (const notification of muted) {
      const own = byUser.get(notification.userId);
      if (own) own.push(notification);
      else byUser.set(notification.userId, [notification]);
    }
    const names = this.channels.names;
    const unreachable = await this.targets.unreachableForUsers([...byUser.keys()], names);
    const batches = [...byUser].map(([userId, items]) => {
      const unreachableOwn = unreachable.get(userId);
      const plans = names.filter((channel) => !unreachableOwn?.has(channel)).map((channel) => ({ channel, status: 'skipped' as const, reason: MUTED }));
      return { ids: items.map((item) => item.id), plans, dedupeKey: newBatchKey() };
    });
    await this.deliveries.claimBatches(batches);
    for (const channel of names) notificationMetrics.skipped.inc({ channel }, muted.length);
  }

  /** A batch leaves the batcher: it is dispatched with the others of this turn, after the turn's I/O callbacks. */
  private collect(userId: string, items: StoredNotification[]): void {
    for (const item of items) this.waiting.delete(item.id);
    notificationMetrics.batchSize.observe(items.length);
    if (!this.flushed) {
      const batches: FlushedBatch[] = (this.flushed = []);
      // tracked from now on, so a shutdown that flushes the batcher waits for this pass
      void this.track(
        new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          this.flushed = undefined;
          return this.dispatch(batches);
        }),
      );
    }
    this.flushed.push({ userId, items });
  }

  private async dispatch(batches: readonly FlushedBatch[]): Promise<void> {
    const names = this.channels.names;
    const userIds = [...new Set(batches.map((batch) => batch.userId))];
    // preferences read again (a PUT while the batch waited applies to it) and targets asked at the same time: every
    // channel is asked, even one the preferences turn off, which saves a round trip on every pass
    const [preferences, unreachable] = await Promise.all([this.preferences.forUsers(userIds), this.targets.unreachableForUsers(userIds, names)]);
    const plans = batches.map(({ userId, items }) => deliveryPlan(names, preferences.get(userId)!, items[0].category, unreachable.get(userId)));
    const claims = batches.map(({ items }, index) => ({ ids: items.map((item) => item.id), plans: plans[index], dedupeKey: newBatchKey() }));
    const claimed = await this.deliveries.claimBatches(claims);
    const sends: Array<Promise<void>> = [];
    // skips counted per channel over the pass: a labelled counter hashes its labels on every inc
    const skipped = new Map<string, number>();
    const skip = (channel: string, count: number) => skipped.set(channel, (skipped.get(channel) ?? 0) + count);
    batches.forEach(({ userId, items }, index) => {
      for (const channel of unreachable.get(userId)?.keys() ?? []) skip(channel, items.length);
      for (const plan of plans[index]) if (plan.status === 'skipped') skip(plan.channel, items.length);
      for (const [channel, ids] of claimed[index]) {
        const own = ids.length === items.length ? items : onlyIds(items, ids);
        sends.push(this.send(channel, userId, own, claims[index].dedupeKey).catch((error: Error) => this.logger.error(`notification delivery failed: ${error.message}`)));
      }
    });
    for (const [channel, count] of skipped) notificationMetrics.skipped.inc({ channel }, count);
    await Promise.all(sends);
  }

  /**
   * Sends items whose claim is held on this channel. A send that succeeds is recorded with the other sends of
   * its turn (SentOutcomes); a queued one reports its outcome later; one that throws is recorded at once.
   */
  private send(channel: string, userId: string, items: StoredNotification[], dedupeKey: string): Promise<void> {
    const sender = this.channels.get(channel);
    if (!sender) return this.deliveries.mark(channel, items.map((item) => item.id), 'skipped', NOT_IN_THIS_PROCESS);
    return startSend(sender, userId, items, dedupeKey).then(
      (outcome) => void (outcome !== 'queued' && this.sent.add(channel, items)),
      (error: unknown) => this.recordFailure(channel, userId, items, error),
    );
  }

  /** A send that threw: skipped when the user has no target on the channel, else failed. */
  private recordFailure(channel: string, userId: string, items: readonly StoredNotification[], error: unknown): Promise<void> {
    const ids = items.map((item) => item.id);
    if (error instanceof DeliveryDeferred) {
      this.logger.warn(`${channel} delivery of ${items.length} notification(s) to user ${userId} deferred (${error.message}); the recovery sweep sends it again`);
      return this.deliveries.release(channel, ids);
    }
    if (error instanceof DeliverySkipped) {
      notificationMetrics.skipped.inc({ channel }, items.length);
      return this.deliveries.mark(channel, ids, 'skipped', error.message);
    }
    notificationMetrics.failures.inc({ channel }, items.length);
    this.logger.warn(`${channel} delivery of ${items.length} notification(s) to user ${userId} failed: ${(error as Error).message}`);
    return this.deliveries.mark(channel, ids, 'failed', (error as Error).message);
  }

  private track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((error: Error) => this.logger.error(`notification delivery failed: ${error.message}`)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }
}

const NOT_IN_THIS_PROCESS = 'channel not available in this process';

/** A channel that throws before its promise fails its own batch, not the pass. */
function startSend(sender: ChannelSender, userId: string, items: StoredNotification[], dedupeKey: string): Promise<void | 'queued'> {
  try {
    return sender.send(userId, items, dedupeKey);
  } catch (error) {
    return Promise.reject(error);
  }
}

interface FlushedBatch {
  userId: string;
  items: StoredNotification[];
}

function onlyIds(items: readonly StoredNotification[], ids: readonly string[]): StoredNotification[] {
  const own = new Set(ids);
  return items.filter((item) => own.has(item.id));
}
