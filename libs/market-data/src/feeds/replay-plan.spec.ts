import { OhlcvRow } from './replay-csv';
import { planReplay } from './replay-plan';

const bar = (symbol: string, ts: number, open: number, high: number, low: number, close: number): OhlcvRow => ({ symbol, ts, open, high, low, close, volume: 1 });

describe('planReplay', () => {
  const rows = [bar('BTC/USDT', 60_000, 10, 12, 9, 11), bar('ETH/USDT', 60_000, 20, 22, 19, 21), bar('BTC/USDT', 120_000, 11, 13, 10, 12)];

  it('emits each bar close at its offset from the first bar, bars of one time in one step', () => {
    expect(planReplay(rows)).toEqual([
      { offsetMs: 0, prices: [{ symbol: 'BTC/USDT', price: 11 }, { symbol: 'ETH/USDT', price: 21 }] },
      { offsetMs: 60_000, prices: [{ symbol: 'BTC/USDT', price: 12 }] },
    ]);
  });

  it('with ohlcTicks emits open, high, low, close spread over each bar, the last bar as long as the one before', () => {
    const steps = planReplay(rows, { ohlcTicks: true });
    expect(steps.map((s) => s.offsetMs)).toEqual([0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000, 105_000]);
    expect(steps.slice(0, 4).map((s) => s.prices.map((p) => p.price))).toEqual([[10, 20], [12, 22], [9, 19], [11, 21]]);
    expect(steps.slice(4).map((s) => s.prices[0].price)).toEqual([11, 13, 10, 12]);
  });

  it('plans nothing for no rows', () => {
    expect(planReplay([])).toEqual([]);
  });
});
