// 1m/5m/1h OHLCV candles built from ticks, the most recent MAX_CANDLES per symbol and interval. It remembers which
// candles ticks changed, so that the persist loop writes those and nothing else.

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

export interface SeriesCandle extends Candle {
  symbol: string;
  interval: CandleInterval;
}

export const MAX_CANDLES = 1000;

export class CandleBook {
  private readonly series = new Map<string, Candle[]>();
  /** the candles ticks changed since the last takeChanged(), by series key and open time */
  private readonly changed = new Map<string, SeriesCandle>();

  add(symbol: string, price: number, ts: number): void {
    for (const [interval, ms] of Object.entries(CANDLE_INTERVALS) as Array<[CandleInterval, number]>) {
      const key = seriesKey(symbol, interval);
      const candles = this.series.get(key) ?? [];
      const openTime = Math.floor(ts / ms) * ms;
      let last = candles[candles.length - 1];
      if (last && last.openTime === openTime) {
        last.high = Math.max(last.high, price);
        last.low = Math.min(last.low, price);
        last.close = price;
        last.volume++;
      } else if (!last || openTime > last.openTime) {
        last = { openTime, open: price, high: price, low: price, close: price, volume: 1 };
        candles.push(last);
        if (candles.length > MAX_CANDLES) candles.splice(0, candles.length - MAX_CANDLES);
      } else {
        continue;
      }
      this.series.set(key, candles);
      this.changed.set(candleId(symbol, interval, openTime), { symbol, interval, ...last });
    }
  }

  get(symbol: string, interval: CandleInterval, limit: number): Candle[] {
    return (this.series.get(seriesKey(symbol, interval)) ?? []).slice(-limit);
  }

  /**
   * Candles an earlier process stored, oldest first within each series, for the series this process has no tick of
   * yet (ticks that came first win: the stored candles end before them or are the same buckets, older).
   */
  restore(stored: readonly SeriesCandle[]): void {
    const restored = new Map<string, Candle[]>();
    for (const { symbol, interval, openTime, open, high, low, close, volume } of stored) {
      const key = seriesKey(symbol, interval);
      if (this.series.has(key)) continue;
      const series = restored.get(key) ?? [];
      series.push({ openTime, open, high, low, close, volume });
      restored.set(key, series);
    }
    for (const [key, candles] of restored) this.series.set(key, candles.slice(-MAX_CANDLES));
  }

  /** The candles ticks changed since the last call, as they are now; forgotten here, putBack() if not stored. */
  takeChanged(): SeriesCandle[] {
    const changed = [...this.changed.values()];
    this.changed.clear();
    return changed;
  }

  /** Candles whose storing failed: written with the next pass, unless a tick changed them again meanwhile. */
  putBack(candles: SeriesCandle[]): void {
    for (const candle of candles) {
      const id = candleId(candle.symbol, candle.interval, candle.openTime);
      if (!this.changed.has(id)) this.changed.set(id, candle);
    }
  }
}

function seriesKey(symbol: string, interval: CandleInterval): string {
  return `${symbol}|${interval}`;
}

function candleId(symbol: string, interval: CandleInterval, openTime: number): string {
  return `${seriesKey(symbol, interval)}|${openTime}`;
}
