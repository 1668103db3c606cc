// The latest price per symbol, in memory. The database copy (market_prices) is written in batches by
// MarketDataService so that a restart knows where prices were.

export interface PriceEntry {
  symbol: string;
  price: number;
  updatedAt: number;
}

export class PriceBook {
  private readonly prices = new Map<string, PriceEntry>();

  constructor(readonly symbols: readonly string[]) {}

  /** "btc", "BTCUSDT", "btc-usdt" and "BTC/USDT" all name BTC/USDT; undefined when no known symbol matches. */
  resolve(input: string): string | undefined {
    const upper = input.trim().toUpperCase().replace(/[-_]/g, '/');
    if (this.symbols.includes(upper)) return upper;
    if (!upper.includes('/')) {
      const quoted = this.symbols.find((s) => s.replace('/', '') === upper);
      return quoted ?? this.symbols.find((s) => s.startsWith(`${upper}/`));
    }
    return undefined;
  }

  has(symbol: string): boolean {
    return this.symbols.includes(symbol);
  }

  /**
   * Takes the price unless the symbol has a newer one: an older tick never overwrites a newer price (ticks of equal
   * time keep arrival order). Returns whether it was taken.
   */
  set(symbol: string, price: number, ts: number): boolean {
    const current = this.prices.get(symbol);
    if (current && current.updatedAt > ts) return false;
    this.prices.set(symbol, { symbol, price, updatedAt: ts });
    return true;
  }

  get(symbol: string): PriceEntry | undefined {
    return this.prices.get(symbol);
  }

  all(): PriceEntry[] {
    return this.symbols.map((s) => this.prices.get(s)).filter((e): e is PriceEntry => Boolean(e));
  }

  /** Symbols with no price younger than `maxAgeMs`. */
  stale(now: number, maxAgeMs: number): string[] {
    return this.symbols.filter((s) => {
      const entry = this.prices.get(s);
      return !entry || now - entry.updatedAt > maxAgeMs;
    });
  }
}
