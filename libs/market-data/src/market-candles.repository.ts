// Candles kept across restarts: written in batches by the persist loop, read once at start, pruned to what a
// series keeps in memory.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { queryBound } from '@tradepulse/platform';
import { CandleInterval, MAX_CANDLES, SeriesCandle } from './candle-book';

interface CandleRow {
  symbol: string;
  interval: CandleInterval;
  open_time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The newest MAX_CANDLES of every series, oldest first within a series. */
const RECENT_CANDLES = `
  select symbol, "interval", open_time, open, high, low, close, volume from (
    select c.*, row_number() over (partition by symbol, "interval" order by open_time desc) as age from market_candles c
  ) ranked where age <= ? order by symbol, "interval", open_time`;

/** One statement for a batch: the rows travel as one JSON parameter; a stored candle takes the newer state. */
const SAVE_CANDLES = `
  insert into market_candles (symbol, "interval", open_time, open, high, low, close, volume)
  select symbol, "interval", to_timestamp(open_time / 1000.0), open, high, low, close, volume
  from jsonb_to_recordset(?::jsonb) as r(symbol text, "interval" text, open_time bigint, open float8, high float8, low float8, close float8, volume int)
  on conflict (symbol, "interval", open_time) do update
    set open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`;

const PRUNE_CANDLES = `
  delete from market_candles c using (
    select symbol, "interval", open_time from (
      select symbol, "interval", open_time, row_number() over (partition by symbol, "interval" order by open_time desc) as age from market_candles
    ) ranked where age > ?
  ) old
  where c.symbol = old.symbol and c."interval" = old."interval" and c.open_time = old.open_time`;

@Injectable()
export class MarketCandlesRepository {
  constructor(private readonly em: EntityManager) {}

  async recent(): Promise<SeriesCandle[]> {
    const rows = await queryBound<CandleRow>(this.em.fork(), RECENT_CANDLES, [MAX_CANDLES]);
    return rows.map((row) => ({
      symbol: row.symbol,
      interval: row.interval,
      openTime: new Date(row.open_time).getTime(),
      open: row.open,
      high: row.high,
      low: row.low,
      close: row.close,
      volume: row.volume,
    }));
  }

  async save(candles: readonly SeriesCandle[]): Promise<void> {
    if (!candles.length) return;
    const rows = candles.map((c) => ({ symbol: c.symbol, interval: c.interval, open_time: c.openTime, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume }));
    await queryBound(this.em.fork(), SAVE_CANDLES, [JSON.stringify(rows)]);
  }

  /** Deletes what lies beyond the newest MAX_CANDLES of each series: no series in memory could show it. */
  async prune(): Promise<void> {
    await queryBound(this.em.fork(), PRUNE_CANDLES, [MAX_CANDLES]);
  }
}
