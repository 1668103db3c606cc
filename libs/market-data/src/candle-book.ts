// 1m/5m/1h OHLCV candles built from ticks, the most recent MAX_CANDLES per symbol and interval.

export const CANDLE_INTERVALS = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000 } as const;
export type CandleInterval = keyof typeof CANDLE_INTERVALS;

export interface Candle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** number of ticks: the feeds carry no traded volume */
  volume: number;
}

const MAX_CANDLES = 1000;

export class CandleBook {
  private readonly series = new Map<string, Candle[]>();

  add(symbol: string, price: number, ts: number): void {
    for (const [interval, ms] of Object.entries(CANDLE_INTERVALS)) {
      const key = `${symbol}|${interval}`;
      const candles = this.series.get(key) ?? [];
      const openTime = Math.floor(ts / ms) * ms;
      const last = candles[candles.length - 1];
      if (last && last.openTime === openTime) {
        last.high = Math.max(last.high, price);
        last.low = Math.min(last.low, price);
        last.close = price;
        last.volume++;
      } else if (!last || openTime > last.openTime) {
        candles.push({ openTime, open: price, high: price, low: price, close: price, volume: 1 });
        if (candles.length > MAX_CANDLES) candles.splice(0, candles.length - MAX_CANDLES);
      }
      this.series.set(key, candles);
    }
  }

  get(symbol: string, interval: CandleInterval, limit: number): Candle[] {
    return (this.series.get(`${symbol}|${interval}`) ?? []).slice(-limit);
  }
}
