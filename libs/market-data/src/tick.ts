/** One price observation. `price` is a float here: ticks feed trigger indexes; money math uses Decimal elsewhere. */
export interface Tick {
  symbol: string;
  price: number;
  /** epoch milliseconds */
  ts: number;
}

declare module '@tradepulse/platform' {
  interface DomainEvents {
    /** a batch of accepted ticks, in arrival order; every engine (alerts, orders, signals) listens here */
    'market.ticks': { ticks: Tick[]; source: string };
  }
}
