// Turns outbox rows into notifications, at least once: every notifications.relayIntervalMs, and at once when
// a producer says it committed rows. One statement per batch (see NotificationsRepository.relayOutbox);
// a full batch is followed by another until the outbox is drained. Runs in processes with the worker role;
// several processes share the work through `for update skip locked`.
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { EventBus, OutboxWriter } from '@tradepulse/platform';
import { NotificationDispatcher } from '../dispatch/notification-dispatcher';
import { notificationMetrics } from '../notification-metrics';
import { NotificationsRepository } from '../store/notifications.repository';

const ERROR_LOG_INTERVAL_MS = 30_000;
/** how long the last passes at shutdown may take; what is left then waits for another process or the next start */
const LAST_PASSES_MS = 1_000;

@Injectable()
export class OutboxRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private unsubscribe?: () => void;
  private lastErrorLogAt = 0;
  /** while stopping: the time after which no further pass starts */
  private passesUntil = Infinity;

  constructor(
    private readonly config: AppConfig,
    private readonly profiles: ProfileService,
    private readonly bus: EventBus,
    private readonly outbox: OutboxWriter,
    private readonly notifications: NotificationsRepository,
    private readonly dispatcher: NotificationDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('worker')) return;
    this.unsubscribe = this.bus.on('outbox.committed', () => this.relayNow());
    this.schedule();
    this.relayNow();
  }

  /**
   * Shutdown, before the dispatcher flushes its batches (NotificationsShutdown): once the producers have written
   * what they had queued (the alert engine commits the firings of the last ticks), the outbox is drained for at
   * most LAST_PASSES_MS. Rows committed later stay in the outbox, for another process's relay or the next start's.
   */
  async finish(): Promise<void> {
    if (!this.config.hasRole('worker')) return;
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    this.passesUntil = Date.now() + LAST_PASSES_MS;
    await this.running;
    await this.outbox.queuedWritesDone();
    this.passesUntil = Date.now() + LAST_PASSES_MS;
    await this.drain();
  }

  /** Starts a relay pass, or asks the running one for another pass (so a commit is never missed). */
  relayNow(): Promise<void> {
    if (this.stopped) return this.running ?? Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.relayNow();
      this.schedule();
    }, this.profiles.section('notifications').relayIntervalMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      const limit = this.profiles.section('notifications').relayBatchSize;
      try {
        const { picked, created } = await this.notifications.relayOutbox(limit);
        if (created.length) {
          notificationMetrics.relayed.inc(created.length);
          await this.dispatcher.accept(created);
        }
        if (picked >= limit) this.again = true;
      } catch (error) {
        this.logFailure(error as Error);
        return;
      }
    } while (this.again && Date.now() < this.passesUntil);
  }

  private logFailure(error: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLogAt < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLogAt = now;
    this.logger.warn(`relay pass failed; pending outbox rows stay for the next pass: ${error.message}`);
  }
}
