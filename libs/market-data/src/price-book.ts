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

  has(symbol: string): boolean {
    return this.symbols.includes(symbol);
  }

  set(symbol: string, price: number, ts: number): void {
    const current = this.prices.get(symbol);
    if (current && current.updatedAt > ts) return; // an older tick never overwrites a newer price
    this.prices.set(symbol, { symbol, price, updatedAt: ts });
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
