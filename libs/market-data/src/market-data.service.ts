// The tick pipeline's entrance: every feed tick and every admin tick goes through ingest().
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { counter, EventBus, gauge, HealthRegistry } from '@tradepulse/platform';
import { CandleBook } from './candle-book';
import { MARKET_FEED } from './feeds/market-feed';
import type { MarketFeed } from './feeds/market-feed';
import { MarketCandlesRepository } from './market-candles.repository';
import { MarketPricesRepository } from './market-prices.repository';
import { PriceBook } from './price-book';
import { checkTicks } from './tick-check';
import { Tick } from './tick';

const ticksTotal = counter({ name: 'tradepulse_market_ticks_total', help: 'Ticks accepted', labelNames: ['source'] });
const outOfOrderTotal = counter({ name: 'tradepulse_market_ticks_out_of_order_total', help: 'Ticks left out: older than their symbol\'s latest price', labelNames: ['source'] });
const tickLag = gauge({ name: 'tradepulse_market_last_tick_lag_ms', help: 'Age of the newest tick when it was accepted' });

const PERSIST_INTERVAL_MS = 1000;
const PRUNE_INTERVAL_MS = 3_600_000;

/** A symbol's last price as an earlier process persisted it, and the time of its tick. */
export interface PersistedPrice {
  price: number;
  atMs: number;
}

@Injectable()
export class MarketDataService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('MarketData');
  readonly prices: PriceBook;
  readonly candles = new CandleBook();
  /** last prices found in the database at start: what the market looked like before this process */
  private persistedAtStart?: Promise<Map<string, PersistedPrice>>;
  private readonly dirty = new Set<string>();
  private persistTimer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private persisting?: Promise<void>;
  private lastTickLagMs = 0;

  constructor(
    config: AppConfig,
    @Inject(MARKET_FEED) private readonly feed: MarketFeed,
    private readonly lastPrices: MarketPricesRepository,
    private readonly storedCandles: MarketCandlesRepository,
    private readonly bus: EventBus,
    private readonly profiles: ProfileService,
    private readonly health: HealthRegistry,
  ) {
    this.prices = new PriceBook(config.env.MARKET_SYMBOLS);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.persistedPrices(), this.restoreCandles()]);
    this.health.register({ name: 'marketFeed', critical: this.feed.automatic, check: async () => this.feedHealth() });
    this.persistTimer = setInterval(() => void this.persist(), PERSIST_INTERVAL_MS);
    this.persistTimer.unref();
    this.pruneTimer = setInterval(() => void this.pruneCandles(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  /** Starts the configured feed; called by the worker role once every listener is subscribed. */
  startFeed(): void {
    const lastPrices = new Map(this.prices.all().map((e) => [e.symbol, e.price]));
    this.feed.start((ticks) => {
      try {
        this.ingest(ticks, this.feed.name);
      } catch (error) {
        this.logger.error(`feed ${this.feed.name} sent a bad batch: ${(error as Error).message}`);
      }
    }, lastPrices);
    this.profiles.onChange('market', (next) => this.feed.setIntervalMs?.(next.tickIntervalMs));
  }

  /**
   * Validates and publishes a batch of ticks. Throws (changing nothing) if any tick is bad. Returns the ticks that
   * entered the pipeline: a tick older than its symbol's latest price is left out of all of it (prices, candles,
   * alerts), so every part sees one price path, in time order, whatever order ticks arrive in.
   */
  ingest(offered: Tick[], source: string): Tick[] {
    const now = Date.now();
    checkTicks(offered, this.prices, now);
    const ticks: Tick[] = [];
    for (const tick of offered) {
      if (!this.prices.set(tick.symbol, tick.price, tick.ts)) continue;
      this.candles.add(tick.symbol, tick.price, tick.ts);
      this.dirty.add(tick.symbol);
      ticks.push(tick);
    }
    if (ticks.length < offered.length) outOfOrderTotal.inc({ source }, offered.length - ticks.length);
    if (!ticks.length) return ticks;
    this.lastTickLagMs = Math.max(0, now - ticks[ticks.length - 1].ts);
    tickLag.set(this.lastTickLagMs);
    ticksTotal.inc({ source }, ticks.length);
    this.bus.emit('market.ticks', { ticks, source });
    return ticks;
  }

  /** Last prices found in the database at start, with their tick times: where the market was before this process (loaded once). */
  persistedPrices(): Promise<Map<string, PersistedPrice>> {
    this.persistedAtStart ??= this.loadPersistedPrices();
    return this.persistedAtStart;
  }

  private async loadPersistedPrices(): Promise<Map<string, PersistedPrice>> {
    const prices = new Map<string, PersistedPrice>();
    for (const row of await this.lastPrices.all()) {
      if (!this.prices.has(row.symbol)) continue;
      // a time ahead of the clock (stored before tick times were checked) would hold back every real tick after it
      const atMs = Math.min(row.updatedAtMs, Date.now());
      prices.set(row.symbol, { price: row.price, atMs });
      this.prices.set(row.symbol, row.price, atMs);
    }
    return prices;
  }

  /** The candles an earlier process stored, for the configured symbols. */
  private async restoreCandles(): Promise<void> {
    this.candles.restore((await this.storedCandles.recent()).filter((candle) => this.prices.has(candle.symbol)));
  }

  get lastTickLag(): number {
    return this.lastTickLagMs;
  }

  /** The first shutdown hook: no tick starts new work (firings, orders) while the rest drains. */
  onModuleDestroy(): void {
    this.feed.stop();
  }

  /** After the alert engine's drain, before the database pool closes (onApplicationShutdown): the last prices are saved. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.persistTimer);
    clearInterval(this.pruneTimer);
    // a pass under way may have started before the last ticks: one more after it
    await this.persisting;
    await this.persist();
  }

  /**
   * Once a second: one multi-row upsert for every symbol that moved, one for every candle ticks changed. A pass
   * starts only once the one before it has ended (with the database slow or down, an older candle put back by a
   * failed pass must not be written after a newer one).
   */
  private persist(): Promise<void> {
    this.persisting ??= Promise.all([this.persistPrices(), this.persistCandles()])
      .then(() => undefined)
      .finally(() => (this.persisting = undefined));
    return this.persisting;
  }

  private async persistPrices(): Promise<void> {
    if (!this.dirty.size) return;
    const entries = [...this.dirty].map((s) => this.prices.get(s)!).filter(Boolean);
    this.dirty.clear();
    try {
      await this.lastPrices.saveNewer(entries.map((e) => ({ symbol: e.symbol, price: e.price, updatedAtMs: e.updatedAt })));
    } catch (error) {
      for (const e of entries) this.dirty.add(e.symbol);
      this.logger.warn(`could not persist last prices (will retry): ${(error as Error).message}`);
    }
  }

  private async persistCandles(): Promise<void> {
    const changed = this.candles.takeChanged();
    try {
      await this.storedCandles.save(changed);
    } catch (error) {
      this.candles.putBack(changed);
      this.logger.warn(`could not persist candles (will retry): ${(error as Error).message}`);
    }
  }

  private async pruneCandles(): Promise<void> {
    await this.storedCandles.prune().catch((error: Error) => this.logger.warn(`could not prune stored candles (will retry in an hour): ${error.message}`));
  }

  private feedHealth() {
    const maxAgeMs = this.profiles.section('market').staleAfterSec * 1000;
    const stale = this.prices.stale(Date.now(), maxAgeMs);
    // a manual feed is silent by design: it is healthy, its silent symbols are only listed
    return { ...this.feed.status?.(), feed: this.feed.name, staleSymbols: stale, up: !this.feed.automatic || stale.length === 0 };
  }
}
