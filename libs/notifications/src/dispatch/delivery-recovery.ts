// Repairs what a stopped process left behind: notifications relayed but never dispatched (they waited in a
// batch window), and delivery claims never acknowledged (stopped between claim and send). The latter are sent
// again as the batches they were claimed in, with their dedupe keys (which claims are orphaned: ClaimStaleness).
// Worker role; shortly after start, then every RECOVERY_INTERVAL_MS. Without Redis this process is the only one,
// so at start everything older than the start is an orphan; with Redis other processes may still hold those in
// their windows, so only what outlived its window is.
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import type { StoredNotification } from '../notification';
import { DeliveriesRepository, StaleClaim } from '../store/deliveries.repository';
import { NotificationsRepository } from '../store/notifications.repository';
import { ClaimStaleness } from './claim-staleness';
import { NotificationDispatcher } from './notification-dispatcher';

const RECOVERY_INTERVAL_MS = 10_000;
const FIRST_PASS_DELAY_MS = 2_000;
/** beyond its batch window, how long a notification may stay undispatched before it counts as orphaned */
const UNDISPATCHED_GRACE_SEC = 10;
const MAX_CLAIM_ATTEMPTS = 3;
const BATCH_LIMIT = 500;

@Injectable()
export class DeliveryRecovery implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DeliveryRecovery');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private firstPass = true;

  constructor(
    private readonly config: AppConfig,
    private readonly profiles: ProfileService,
    private readonly notifications: NotificationsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly staleness: ClaimStaleness,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('worker')) return;
    const run = (delayMs: number) => {
      this.timer = setTimeout(() => {
        this.running = this.pass().finally(() => {
          this.running = undefined;
          if (this.timer) run(RECOVERY_INTERVAL_MS);
        });
      }, delayMs);
      this.timer.unref();
    };
    run(FIRST_PASS_DELAY_MS);
  }

  /** The first shutdown hook: the pass running hands its work to the dispatcher before the dispatcher flushes. */
  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async pass(): Promise<void> {
    try {
      const alone = this.firstPass && !this.config.distributed;
      this.firstPass = false;
      const { batchWindowMs } = this.profiles.section('notifications');
      const orphaned = alone
        ? await this.notifications.undispatchedBefore(this.staleness.processStartedAt, BATCH_LIMIT)
        : await this.notifications.undispatched(UNDISPATCHED_GRACE_SEC, batchWindowMs, BATCH_LIMIT);
      if (orphaned.length) {
        this.logger.log(`dispatching ${orphaned.length} notification(s) left undelivered by a stopped process`);
        await this.dispatcher.accept(orphaned, 0);
      }
      const stale = await this.deliveries.reclaimStale(this.staleness.staleAfterSec(), MAX_CLAIM_ATTEMPTS, BATCH_LIMIT);
      if (stale.length) this.logger.log(`sending again ${stale.length} delivery claim(s) never acknowledged`);
      for (const { channel, userId, dedupeKey, items } of groupByBatch(stale)) {
        await this.dispatcher.resend(channel, userId, items, dedupeKey);
      }
    } catch (error) {
      this.logger.warn(`recovery pass failed; it runs again in ${RECOVERY_INTERVAL_MS / 1000} s: ${(error as Error).message}`);
    }
  }
}

interface StaleBatch {
  channel: string;
  userId: string;
  dedupeKey: string;
  items: StoredNotification[];
}

/** Stale claims as the batches they were claimed in. */
export function groupByBatch(stale: readonly StaleClaim[]): StaleBatch[] {
  const batches = new Map<string, StaleBatch>();
  for (const { channel, dedupeKey, notification } of stale) {
    const key = `${channel}\u0000${dedupeKey}`;
    const batch = batches.get(key);
    if (batch) batch.items.push(notification);
    else batches.set(key, { channel, userId: notification.userId, dedupeKey, items: [notification] });
  }
  return [...batches.values()];
}
