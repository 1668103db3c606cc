// Turns OHLCV bars into the steps of a replay: what to emit, and when in file time. Pure.
import { OhlcvRow } from './replay-csv';

export interface ReplayPrice {
  symbol: string;
  price: number;
}

export interface ReplayStep {
  /** file time since the first bar, ms; the feed divides it by the speed */
  offsetMs: number;
  prices: ReplayPrice[];
}

export interface ReplayPlanOptions {
  /** four ticks per bar (open, high, low, close) spread over the bar, instead of its close alone */
  ohlcTicks?: boolean;
}

/** Bars of one timestamp make one step, so every symbol of that moment arrives in one tick batch. */
export function planReplay(rows: readonly OhlcvRow[], options: ReplayPlanOptions = {}): ReplayStep[] {
  const groups = groupByTime(rows);
  if (groups.length === 0) return [];
  const firstTs = groups[0][0].ts;
  const steps: ReplayStep[] = [];
  for (const [i, bars] of groups.entries()) {
    const offsetMs = bars[0].ts - firstTs;
    if (!options.ohlcTicks) {
      steps.push({ offsetMs, prices: bars.map((bar) => ({ symbol: bar.symbol, price: bar.close })) });
      continue;
    }
    // a bar lasts until the next one; the last bar is given the length of the one before it
    const barMs = i + 1 < groups.length ? groups[i + 1][0].ts - bars[0].ts : i > 0 ? bars[0].ts - groups[i - 1][0].ts : 0;
    (['open', 'high', 'low', 'close'] as const).forEach((field, quarter) => {
      steps.push({ offsetMs: offsetMs + (barMs * quarter) / 4, prices: bars.map((bar) => ({ symbol: bar.symbol, price: bar[field] })) });
    });
  }
  return steps;
}

/** `rows` sorted by time, as parseOhlcvCsv returns them */
function groupByTime(rows: readonly OhlcvRow[]): OhlcvRow[][] {
  const groups: OhlcvRow[][] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last && last[0].ts === row.ts) last.push(row);
    else groups.push([row]);
  }
  return groups;
}
