// Polls an exchange for every symbol at once, once per market.tickIntervalMs. A failing exchange is retried
// with exponential backoff for as long as it fails; the process never crashes for it. While polls fail no
// ticks arrive, prices age, and after market.staleAfterSec /health/ready names the feed as down.
import { Logger } from '@nestjs/common';
import { counter } from '@tradepulse/platform';
import pRetry from 'p-retry';
import { FeedClock, systemClock } from './feed-clock';
import { FeedStatus, MarketFeed, TickSink } from './market-feed';

/** What the feed needs from an exchange; CcxtTickerSource is the real one. */
export interface TickerSource {
  readonly id: string;
  /** the exchange's own minimum spacing between requests, ms */
  readonly rateLimitMs: number;
  /** latest prices in one request; symbols without a price are left out */
  fetchPrices(symbols: readonly string[]): Promise<Map<string, number>>;
}

export interface CcxtFeedOptions {
  /** the longest wait between two attempts while the exchange keeps failing */
  maxBackoffMs?: number;
  clock?: FeedClock;
}

const pollErrorsTotal = counter({ name: 'tradepulse_market_feed_poll_errors_total', help: 'Failed exchange polls', labelNames: ['exchange', 'error'] });

const DEFAULT_MAX_BACKOFF_MS = 30_000;
/** backoff steps before the wait stays at its maximum (p-retry's `forever` repeats the last one) */
const BACKOFF_STEPS = 10;

export class CcxtFeed implements MarketFeed {
  readonly name = 'ccxt';
  readonly automatic = true;
  private readonly logger = new Logger('CcxtFeed');
  private readonly clock: FeedClock;
  private readonly maxBackoffMs: number;
  /** bumped by start and stop: a poll loop of an older generation ends at its next step */
  private generation = 0;
  private lastAttemptAt = 0;
  private sleepTimer?: unknown;
  private wake?: () => void;
  private lastSuccessAt?: number;
  private consecutiveFailures = 0;
  private failuresTotal = 0;
  private lastError?: string;

  constructor(
    private readonly symbols: readonly string[],
    private intervalMs: number,
    private readonly source: TickerSource,
    options: CcxtFeedOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  }

  start(sink: TickSink): void {
    this.stop();
    const generation = this.generation;
    void this.run(generation, sink);
  }

  stop(): void {
    this.generation++;
    this.interruptSleep();
  }

  /** takes effect from the poll being waited for */
  setIntervalMs(intervalMs: number): void {
    this.intervalMs = intervalMs;
    if (this.wake) this.sleepUntil(this.lastAttemptAt + this.spacingMs, this.wake);
  }

  status(): FeedStatus {
    return {
      exchange: this.source.id,
      lastSuccessAt: this.lastSuccessAt === undefined ? null : new Date(this.lastSuccessAt).toISOString(),
      consecutiveFailures: this.consecutiveFailures,
      failuresTotal: this.failuresTotal,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  /** never faster than the exchange allows */
  private get spacingMs(): number {
    return Math.max(this.intervalMs, this.source.rateLimitMs);
  }

  private async run(generation: number, sink: TickSink): Promise<void> {
    while (generation === this.generation) {
      try {
        const prices = await pRetry(() => this.poll(generation), {
          forever: true,
          retries: BACKOFF_STEPS,
          factor: 2,
          minTimeout: this.spacingMs,
          maxTimeout: Math.max(this.spacingMs, this.maxBackoffMs),
          randomize: true,
          unref: true,
          onFailedAttempt: (error) => this.recordFailure(error),
        });
        if (generation !== this.generation) return;
        this.recordSuccess();
        // stamped with our receipt time: staleness then measures the time since the last successful poll
        const ts = this.lastSuccessAt!;
        if (prices.size) sink([...prices].map(([symbol, price]) => ({ symbol, price, ts })));
      } catch (error) {
        // p-retry gives up only on AbortError (we stopped) or on a TypeError, a bug rather than the exchange failing
        if (generation !== this.generation) return;
        this.recordFailure(error as Error);
      }
      await new Promise<void>((resolve) => {
        if (generation !== this.generation) return resolve();
        this.sleepUntil(this.lastAttemptAt + this.spacingMs, resolve);
      });
    }
  }

  private async poll(generation: number): Promise<Map<string, number>> {
    if (generation !== this.generation) throw new pRetry.AbortError('the feed was stopped');
    this.lastAttemptAt = this.clock.now();
    return this.source.fetchPrices(this.symbols);
  }

  private recordSuccess(): void {
    if (this.consecutiveFailures > 0) this.logger.log(`${this.source.id} answers again after ${this.consecutiveFailures} failed polls`);
    this.consecutiveFailures = 0;
    this.lastSuccessAt = this.clock.now();
  }

  private recordFailure(error: Error): void {
    this.consecutiveFailures++;
    this.failuresTotal++;
    this.lastError = `${error.name}: ${error.message}`.slice(0, 500);
    pollErrorsTotal.inc({ exchange: this.source.id, error: error.name });
    this.logger.warn(`poll of ${this.source.id} failed (${this.consecutiveFailures} in a row; backing off): ${this.lastError}`);
  }

  private sleepUntil(at: number, wake: () => void): void {
    if (this.sleepTimer !== undefined) this.clock.clearTimeout(this.sleepTimer);
    this.wake = wake;
    this.sleepTimer = this.clock.setTimeout(() => this.interruptSleep(), Math.max(0, at - this.clock.now()));
  }

  private interruptSleep(): void {
    if (this.sleepTimer !== undefined) this.clock.clearTimeout(this.sleepTimer);
    this.sleepTimer = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
