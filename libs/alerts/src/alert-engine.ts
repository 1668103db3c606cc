// Wires the pure TriggerIndex to I/O: loads active alerts at start, evaluates every tick batch, commits
// firings through AlertFiringWriter (serially; retried for as long as the database is unreachable), and
// publishes AlertTriggered.
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ProfileService } from '@tradepulse/config';
import { MarketDataService, Tick } from '@tradepulse/market-data';
import { AppCache, counter, EventBus, histogram, isDatabaseUnavailable, OutboxWriter, retryWhileDatabaseUnavailable } from '@tradepulse/platform';
import PQueue from 'p-queue';
import { Alert } from './alert.entity';
import { AlertFiringWriter, CommittedFiring, Firing } from './alert-firing.writer';
import { AlertFields, toIndexedAlert } from './alert-view';
import { AlertsRepository } from './alerts.repository';
import { TriggerIndex } from './engine';

declare module '@tradepulse/platform' {
  interface DomainEvents {
    'alert.triggered': CommittedFiring;
  }
}

const evaluationsTotal = counter({ name: 'tradepulse_alert_evaluations_total', help: 'Ticks evaluated against the alert index' });
const triggersTotal = counter({ name: 'tradepulse_alert_triggers_total', help: 'Alert firings committed' });
const evaluationSeconds = histogram({ name: 'tradepulse_alert_evaluation_seconds', help: 'Time to evaluate one tick batch', buckets: [0.00001, 0.0001, 0.001, 0.01, 0.1] });
const commitSeconds = histogram({ name: 'tradepulse_alert_commit_seconds', help: 'Time to commit the firings of one tick batch', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1] });

const staleTicksTotal = counter({ name: 'tradepulse_alert_stale_ticks_total', help: 'Ticks older than market.staleAfterSec, not evaluated' });

@Injectable()
export class AlertEngine implements OnModuleInit, BeforeApplicationShutdown {
  /** a tick older than this is history, not a price to act on */
  private staleAfterMs: number;
  private readonly logger = new Logger('AlertEngine');
  private index = new TriggerIndex();
  /** symbols whose last price came from before this process, with that price: their first tick may fire "late" alerts */
  private readonly catchingUp = new Map<string, number>();
  private readonly commits = new PQueue({ concurrency: 1 });
  private evaluationsThisSecond = 0;
  private evaluationsPerSec = 0;
  private secondStartedAt = Date.now();

  constructor(
    private readonly repository: AlertsRepository,
    private readonly writer: AlertFiringWriter,
    private readonly market: MarketDataService,
    private readonly bus: EventBus,
    private readonly cache: AppCache,
    outbox: OutboxWriter,
    profiles: ProfileService,
  ) {
    outbox.addQueuedWriter(() => this.drain());
    this.staleAfterMs = profiles.section('market').staleAfterSec * 1000;
    profiles.onChange('market', (next) => (this.staleAfterMs = next.staleAfterSec * 1000));
  }

  async onModuleInit(): Promise<void> {
    await this.rebuild({ atStart: true });
    this.bus.on('market.ticks', ({ ticks }) => this.onTicks(ticks));
  }

  track(alert: AlertFields): void {
    if (alert.status === 'active') this.index.add(toIndexedAlert(alert));
    else this.index.remove(alert.id);
  }

  untrack(alertId: string): void {
    this.index.remove(alertId);
  }

  /** Loads the index from the database, the source of truth; `atStart`: see toIndexedAlert's `reloaded`. */
  async rebuild({ atStart = false } = {}): Promise<void> {
    const index = new TriggerIndex();
    const persisted = await this.market.persistedPrices();
    this.catchingUp.clear();
    for (const [symbol, { price }] of persisted) {
      const live = this.index.lastPrice(symbol);
      index.seedLastPrice(symbol, live ?? price);
      if (live === undefined) this.catchingUp.set(symbol, price);
    }
    let unloadable = 0;
    for await (const page of this.repository.activeAlerts()) {
      for (const alert of page) {
        // one row the index cannot hold (stored by an older version that let a bad value through) must not stop
        // the start or the other alerts: it stays in the database, listed, and is named here
        try {
          index.add(toIndexedAlert(alert, atStart, persisted.get(alert.symbol)?.atMs));
        } catch (error) {
          unloadable++;
          this.logger.error(`alert ${alert.id} is not evaluated: ${(error as Error).message}`);
        }
      }
    }
    if (unloadable) this.logger.error(`${unloadable} active alert(s) could not be loaded into the trigger index; fix or delete them`);
    this.index = index;
    this.logger.log(`trigger index holds ${index.size} active alerts over ${index.symbols().length} symbols`);
  }

  onTicks(ticks: Tick[]): void {
    const started = process.hrtime.bigint();
    // one firing per alert per batch: the latest, which is the one the index now counts its cooldown from
    const firings = new Map<string, Firing>();
    const oldestAcceptedMs = Date.now() - this.staleAfterMs;
    for (const tick of ticks) {
      if (tick.ts < oldestAcceptedMs) {
        staleTicksTotal.inc();
        continue;
      }
      const priceBeforeRestart = this.catchingUp.get(tick.symbol) ?? null;
      this.catchingUp.delete(tick.symbol);
      for (const fired of this.index.evaluate(tick.symbol, tick.price, tick.ts)) {
        firings.set(fired.id, { alertId: fired.id, price: fired.price, atMs: fired.atMs, priceBeforeRestart });
      }
    }
    this.countEvaluations(ticks.length);
    evaluationSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (firings.size) void this.commits.add(() => this.commit([...firings.values()]));
  }

  systemStats(): { activeAlerts: number; symbols: number; evaluationsPerSec: number } {
    return { activeAlerts: this.index.size, symbols: this.index.symbols().length, evaluationsPerSec: this.evaluationsPerSec };
  }

  /** Waits until every firing evaluated so far is committed (shutdown, tests). */
  async drain(): Promise<void> {
    await this.commits.onIdle();
  }

  /** Firings evaluated before SIGTERM are committed while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    const pending = this.commits.size + this.commits.pending;
    if (pending) this.logger.log(`committing the firings of ${pending} tick batch(es) before stopping`);
    await this.drain();
  }

  @Interval('alert-expiry', 5000)
  async expire(): Promise<void> {
    try {
      const expired = await this.repository.expireDue();
      for (const { id } of expired) this.index.remove(id);
      await Promise.all([...new Set(expired.map((e) => e.user_id))].map((userId) => this.cache.invalidateTag(`${userId}:alerts`)));
    } catch (error) {
      this.logger.warn(`expiry pass failed, will retry: ${(error as Error).message}`);
    }
  }

  private async commit(firings: Firing[]): Promise<void> {
    const end = commitSeconds.startTimer();
    try {
      const committed = await retryWhileDatabaseUnavailable(() => this.writer.commit(firings), {
        otherErrorAttempts: 3,
        log: { what: `committing ${firings.length} firings`, logger: this.logger },
      });
      triggersTotal.inc(committed.length);
      const users = new Set(committed.map((c) => c.userId));
      await Promise.all([...users].map((userId) => this.cache.invalidateTag(`${userId}:alerts`)));
      for (const firing of committed) this.bus.emit('alert.triggered', firing);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        // only a stopping process gives up on an unreachable database: the alerts are still active in it, and the
        // next start compares its first tick with the last persisted price, so a crossing fires then (late). Except
        // an every_time alert that had fired before, when the persisted price is already in its region: reloaded
        // disarmed, it fires on the next entry (the price of the lost firing was persisted, its firing was not)
        this.logger.error(
          `stopping with ${firings.length} alert firings not committed (database unreachable); they fire again after the restart, ` +
            'except every_time alerts that had fired before and whose region the last persisted price is in: those fire on the next entry',
        );
        return;
      }
      // the database is the truth: reload from it so nothing that did not commit stays out of the index
      this.logger.error(`could not commit ${firings.length} alert firings: ${(error as Error).message}; rebuilding the index from the database`);
      await this.rebuild().catch((e: Error) => this.logger.error(`index rebuild failed: ${e.message}`));
    } finally {
      end();
    }
  }

  private countEvaluations(count: number): void {
    evaluationsTotal.inc(count);
    const now = Date.now();
    if (now - this.secondStartedAt >= 1000) {
      this.evaluationsPerSec = Math.round((this.evaluationsThisSecond * 1000) / (now - this.secondStartedAt));
      this.evaluationsThisSecond = 0;
      this.secondStartedAt = now;
    }
    this.evaluationsThisSecond += count;
  }
}
