// Geometric Brownian motion per symbol with a fixed seed, so a run is reproducible.
import { MarketFeed, TickSink } from './market-feed';

const REFERENCE_PRICES: Record<string, number> = { 'BTC/USDT': 65000, 'ETH/USDT': 3200, 'SOL/USDT': 150, 'BNB/USDT': 580, 'XRP/USDT': 0.6 };
/** annualised volatility; crypto-like */
const VOLATILITY = 0.8;
const MS_PER_YEAR = 365 * 24 * 3600 * 1000;

export class SimulatedFeed implements MarketFeed {
  readonly name = 'simulated';
  readonly automatic = true;
  private timer?: NodeJS.Timeout;
  private readonly random: () => number;
  private readonly prices = new Map<string, number>();
  private sink?: TickSink;

  constructor(
    private readonly symbols: string[],
    private intervalMs: number,
    seed = 42,
  ) {
    this.random = mulberry32(seed);
  }

  start(sink: TickSink, lastPrices: Map<string, number>): void {
    this.stop();
    for (const symbol of this.symbols) {
      if (!this.prices.has(symbol)) this.prices.set(symbol, lastPrices.get(symbol) ?? REFERENCE_PRICES[symbol] ?? 10 + this.random() * 90);
    }
    this.sink = sink;
    this.timer = setInterval(() => sink(this.step(Date.now())), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  setIntervalMs(intervalMs: number): void {
    this.intervalMs = intervalMs;
    if (this.timer && this.sink) this.start(this.sink, this.prices);
  }

  step(ts: number) {
    const dt = this.intervalMs / MS_PER_YEAR;
    return this.symbols.map((symbol) => {
      const previous = this.prices.get(symbol)!;
      const shock = gaussian(this.random) * VOLATILITY * Math.sqrt(dt) - 0.5 * VOLATILITY * VOLATILITY * dt;
      const price = Number((previous * Math.exp(shock)).toPrecision(8));
      this.prices.set(symbol, price);
      return { symbol, price, ts };
    });
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box–Muller */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
