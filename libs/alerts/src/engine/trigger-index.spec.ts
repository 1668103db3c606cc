import { TriggerIndex } from './trigger-index';
import type { IndexedAlert } from './types';

let next = 0;
function alert(fields: Partial<IndexedAlert> & Pick<IndexedAlert, 'condition'>): IndexedAlert {
  const id = `00000000-0000-4000-8000-${String(next++).padStart(12, '0')}`;
  return { id, symbol: 'BTCUSDT', frequency: 'once', cooldownMs: 0, ...fields };
}

/** Runs ticks (one per second) and returns the fired ids per tick. */
function run(index: TriggerIndex, prices: number[], symbol = 'BTCUSDT', startMs = 0): string[][] {
  return prices.map((price, i) => index.evaluate(symbol, price, startMs + i * 1000).map((f) => f.id));
}

describe('TriggerIndex: above / below', () => {
  it('fires a once-alert exactly once when two ticks are above it, and removes it', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'above', price: 100 });
    index.add(a);
    expect(run(index, [99, 100, 105])).toEqual([[], [a.id], []]);
    expect(index.has(a.id)).toBe(false);
    expect(index.size).toBe(0);
  });

  it('fires an above-alert on the first tick even when the price was already above when it was added', () => {
    const index = new TriggerIndex();
    index.seedLastPrice('BTCUSDT', 120);
    const a = alert({ condition: 'above', price: 100 });
    index.add(a);
    expect(run(index, [121])).toEqual([[a.id]]);
  });

  it('fires a below-alert at or under its price', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'below', price: 50 });
    index.add(a);
    expect(run(index, [51, 50])).toEqual([[], [a.id]]);
  });

  it('re-fires an every_time above-alert only after the price went back under it', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'above', price: 100, frequency: 'every_time' });
    index.add(a);
    expect(run(index, [101, 102, 99, 100, 100.5])).toEqual([[a.id], [], [], [a.id], []]);
    expect(index.has(a.id)).toBe(true);
  });

  it('misses an every_time entry inside the cooldown and waits for the next one', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'below', price: 10, frequency: 'every_time', cooldownMs: 2500 });
    index.add(a);
    // ticks at 0s, 1s, ...: enters at 0s (fires), 2s (suppressed: 2s < 2.5s), 3s stays in, 5s (fires)
    expect(run(index, [9, 11, 9, 8, 12, 9])).toEqual([[a.id], [], [], [], [], [a.id]]);
  });

  it('honours a persisted lastFiredAtMs for the cooldown', () => {
    const index = new TriggerIndex();
    index.seedLastPrice('BTCUSDT', 0.5);
    const a = alert({ condition: 'above', price: 1, frequency: 'every_time', cooldownMs: 10_000, lastFiredAtMs: 0 });
    const b = alert({ condition: 'above', price: 1, frequency: 'every_time', cooldownMs: 10_000 });
    index.add(a);
    index.add(b);
    expect(run(index, [2], 'BTCUSDT', 5000)).toEqual([[b.id]]);
  });

  it('does not fire a fired every_time alert again when it is re-added (a PATCH) while the price stays in its region', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'above', price: 100, frequency: 'every_time' });
    index.add(a);
    expect(run(index, [101, 102], 'BTCUSDT', 0)).toEqual([[a.id], []]);
    index.add({ ...a, lastFiredAtMs: 0 });
    expect(run(index, [103, 99, 104], 'BTCUSDT', 2000)).toEqual([[], [], [a.id]]);
  });

  it('fires a fired every_time alert PATCHed to once on the next tick in its region, as a new once alert would fire', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'above', price: 100, frequency: 'every_time' });
    index.add(a);
    expect(run(index, [101], 'BTCUSDT', 0)).toEqual([[a.id]]);
    index.add({ ...a, frequency: 'once', lastFiredAtMs: 0 });
    expect(run(index, [101, 102], 'BTCUSDT', 2000)).toEqual([[a.id], []]);
  });

  it('places a re-added alert whose threshold changed as a new one: it fires if the price is already past the new threshold', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'above', price: 110, frequency: 'every_time' });
    index.add(a);
    expect(run(index, [105], 'BTCUSDT', 0)).toEqual([[]]);
    index.add({ ...a, price: 100 });
    expect(run(index, [105], 'BTCUSDT', 1000)).toEqual([[a.id]]);
  });

  it('after a restart, fires a fired every_time alert only once the price has left its region and come back', () => {
    const index = new TriggerIndex();
    index.seedLastPrice('BTCUSDT', 61_600);
    const a = alert({ condition: 'above', price: 61_500, frequency: 'every_time', lastFiredAtMs: 0, placeByLastPrice: true });
    const fresh = alert({ condition: 'above', price: 61_500, frequency: 'every_time' });
    index.add(a);
    index.add(fresh);
    const fired = run(index, [63_000, 61_000, 62_000], 'BTCUSDT', 1000).map((ids) => [...ids].sort());
    expect(fired).toEqual([[fresh.id], [], [a.id, fresh.id].sort()]);
  });
});

describe('TriggerIndex: every_time alerts that fired after the persisted price (a process killed within the second)', () => {
  it('does not fire them again for the crossing they already fired on, only on the next one', () => {
    const index = new TriggerIndex();
    // persisted 100; each fired at 111, whose price the killed process never persisted
    index.seedLastPrice('BTCUSDT', 100);
    const fired = { frequency: 'every_time' as const, lastFiredAtMs: 0, placeByLastPrice: true, firedAfterLastPrice: true };
    const above = alert({ condition: 'above', price: 105, ...fired });
    const up = alert({ condition: 'crosses_up', price: 105, ...fired });
    const both = alert({ condition: 'crosses', price: 105, ...fired });
    for (const a of [above, up, both]) index.add(a);
    const ids = run(index, [112, 104, 106], 'BTCUSDT', 1000).map((tick) => [...tick].sort());
    expect(ids).toEqual([[], [both.id], [above.id, up.id, both.id].sort()]);
  });
});

describe('TriggerIndex: crossings', () => {
  it('fires crosses_up only when the previous price was under and the tick is at or over', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'crosses_up', price: 100, frequency: 'every_time' });
    index.add(a);
    expect(run(index, [101, 99, 100, 101, 98, 150])).toEqual([[], [], [a.id], [], [], [a.id]]);
  });

  it('fires crosses_down when the previous price was over and the tick is at or under', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'crosses_down', price: 100 });
    index.add(a);
    expect(run(index, [100, 99, 101, 100])).toEqual([[], [], [], [a.id]]);
  });

  it('fires crosses in both directions, touching the price counting as a crossing once', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'crosses', price: 100, frequency: 'every_time' });
    index.add(a);
    expect(run(index, [90, 110, 95, 100, 100, 104])).toEqual([[], [a.id], [a.id], [a.id], [], []]);
  });

  it('crosses nothing on the first tick without a seed', () => {
    const index = new TriggerIndex();
    index.add(alert({ condition: 'crosses', price: 100 }));
    expect(run(index, [200])).toEqual([[]]);
  });

  it('compares the first tick with a seeded last price', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'crosses_up', price: 100 });
    index.add(a);
    index.seedLastPrice('BTCUSDT', 95);
    expect(index.lastPrice('BTCUSDT')).toBe(95);
    expect(run(index, [101])).toEqual([[a.id]]);
  });

  it('ignores a seed once the symbol has a live price', () => {
    const index = new TriggerIndex();
    index.evaluate('BTCUSDT', 120, 0);
    index.seedLastPrice('BTCUSDT', 50);
    expect(index.lastPrice('BTCUSDT')).toBe(120);
  });

  it('removes both legs of a once crosses-alert when one fires', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'crosses', price: 100 });
    index.add(a);
    expect(run(index, [90, 110, 90])).toEqual([[], [a.id], []]);
  });
});

describe('TriggerIndex: percent moves', () => {
  it('fires pct_up when the price is the percent above the low of the window', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'pct_up', percent: 10, windowSec: 60 });
    index.add(a);
    expect(run(index, [100, 95, 104, 105])).toEqual([[], [], [], [a.id]]);
  });

  it('fires pct_down when the price is the percent below the high of the window', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'pct_down', percent: 5, windowSec: 60 });
    index.add(a);
    expect(run(index, [100, 120, 114.1, 114])).toEqual([[], [], [], [a.id]]);
  });

  it('forgets prices older than the window', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'pct_up', percent: 10, windowSec: 2 });
    index.add(a);
    // low 100 at 0s is out of the window by 3s; the window then holds 109 and 109.5
    expect(run(index, [100, 109, 109.5, 111])).toEqual([[], [], [], []]);
  });

  it('fires the smallest percents first as the move grows', () => {
    const index = new TriggerIndex();
    const small = alert({ condition: 'pct_up', percent: 1, windowSec: 60 });
    const large = alert({ condition: 'pct_up', percent: 5, windowSec: 60 });
    index.add(large);
    index.add(small);
    expect(run(index, [100, 102, 106])).toEqual([[], [small.id], [large.id]]);
  });

  it('counts a late tick in the window at the latest time seen, so it cannot expire early', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'pct_down', percent: 10, windowSec: 2 });
    index.add(a);
    index.evaluate('BTCUSDT', 100, 10_000);
    index.evaluate('BTCUSDT', 120, 9_000); // late: stamped 10s in the window
    expect(index.evaluate('BTCUSDT', 108, 11_500).map((f) => f.id)).toEqual([a.id]);
  });

  it('keeps the window history when the only pct alert of that window is replaced', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'pct_up', percent: 10, windowSec: 60 });
    index.add(a);
    index.evaluate('BTCUSDT', 100, 0);
    index.add({ ...a, percent: 5 });
    expect(index.evaluate('BTCUSDT', 105, 1000).map((f) => f.id)).toEqual([a.id]);
  });

  it('starts a window empty when no alert used it before', () => {
    const index = new TriggerIndex();
    index.evaluate('BTCUSDT', 100, 0);
    const a = alert({ condition: 'pct_up', percent: 5, windowSec: 60 });
    index.add(a);
    expect(run(index, [110, 116], 'BTCUSDT', 1000)).toEqual([[], [a.id]]);
  });

  it("measures an alert's move from when it was set, whatever other alerts of that window saw before", () => {
    const index = new TriggerIndex();
    const early = alert({ condition: 'pct_up', percent: 5, windowSec: 60 });
    index.add(early);
    index.evaluate('BTCUSDT', 100, 0);
    // set at 100 after the 100 tick, like an alert of another user: 100 → 106 happened before it counts for it
    const late = alert({ condition: 'pct_up', percent: 5, windowSec: 60 });
    index.add(late);
    expect(index.evaluate('BTCUSDT', 106, 1000).map((f) => f.id)).toEqual([early.id]);
    // from its own first tick (106), 111.3 is 5 % up
    expect(index.evaluate('BTCUSDT', 111.3, 2000).map((f) => f.id)).toEqual([late.id]);
  });

  it('joins the windows of alerts set at different times once the older ticks left the window, firing as before', () => {
    const index = new TriggerIndex();
    const first = alert({ condition: 'pct_down', percent: 10, windowSec: 2, frequency: 'every_time' });
    index.add(first);
    index.evaluate('BTCUSDT', 100, 0);
    const second = alert({ condition: 'pct_down', percent: 10, windowSec: 2, frequency: 'every_time' });
    index.add(second);
    // 0 s: first sees 100; 1 s: both see 95; 5 s: the 100 is long gone, both windows hold the same ticks
    expect(run(index, [95, 95, 95, 95, 85], 'BTCUSDT', 1000).map((ids) => ids.sort())).toEqual([[], [], [], [], [first.id, second.id].sort()]);
  });

  it('re-fires an every_time pct alert only after the condition was false', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'pct_up', percent: 10, windowSec: 60, frequency: 'every_time' });
    index.add(a);
    expect(run(index, [100, 111, 112, 105, 115])).toEqual([[], [a.id], [], [], [a.id]]);
  });
});

describe('TriggerIndex: bookkeeping', () => {
  it('fires nothing when the same tick is evaluated twice', () => {
    const index = new TriggerIndex();
    index.add(alert({ condition: 'above', price: 100, frequency: 'every_time' }));
    index.add(alert({ condition: 'crosses', price: 100, frequency: 'every_time' }));
    index.evaluate('BTCUSDT', 99, 0);
    expect(index.evaluate('BTCUSDT', 101, 1000)).toHaveLength(2);
    expect(index.evaluate('BTCUSDT', 101, 1000)).toEqual([]);
  });

  it('never fires a removed alert', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'crosses', price: 100, frequency: 'every_time' });
    index.add(a);
    expect(index.remove(a.id)).toBe(true);
    expect(index.remove(a.id)).toBe(false);
    expect(run(index, [90, 110, 90])).toEqual([[], [], []]);
  });

  it('replaces an alert added again with the same id', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'above', price: 100 });
    index.add(a);
    index.add({ ...a, condition: 'below', price: 50, symbol: 'ETHUSDT' });
    expect(index.size).toBe(1);
    expect(run(index, [150])).toEqual([[]]);
    expect(run(index, [40], 'ETHUSDT')).toEqual([[a.id]]);
  });

  it('reports the fired alert with the tick price and time', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'above', price: 100, symbol: 'ETHUSDT' });
    index.add(a);
    expect(index.evaluate('ETHUSDT', 101.5, 1234)).toEqual([{ id: a.id, symbol: 'ETHUSDT', price: 101.5, atMs: 1234 }]);
  });

  it('lists the symbols that have active alerts', () => {
    const index = new TriggerIndex();
    const a = alert({ condition: 'above', price: 100, symbol: 'ETHUSDT' });
    index.add(a);
    index.add(alert({ condition: 'below', price: 100, symbol: 'SOLUSDT' }));
    index.evaluate('XRPUSDT', 1, 0);
    expect(index.symbols().sort()).toEqual(['ETHUSDT', 'SOLUSDT']);
    index.remove(a.id);
    expect(index.symbols()).toEqual(['SOLUSDT']);
  });

  it('rejects alerts missing the fields their condition needs', () => {
    const index = new TriggerIndex();
    expect(() => index.add(alert({ condition: 'above' }))).toThrow(RangeError);
    expect(() => index.add(alert({ condition: 'pct_up', percent: 5 }))).toThrow(RangeError);
    expect(() => index.add(alert({ condition: 'pct_down', percent: 0, windowSec: 60 }))).toThrow(RangeError);
    expect(() => index.add(alert({ condition: 'toString' as never, price: 1 }))).toThrow(RangeError);
    expect(index.size).toBe(0);
  });
});

describe('percent moves at exact round numbers', () => {
  it('fires pct_up when 3 rises to 3.3, exactly 10 % (3 * 1.1 is 3.3000000000000003 in floats)', () => {
    const index = new TriggerIndex();
    index.add({ id: 'a1', symbol: 'X', condition: 'pct_up', percent: 10, windowSec: 60, frequency: 'once', cooldownMs: 0 });
    expect(index.evaluate('X', 3, 1_000)).toEqual([]);
    expect(index.evaluate('X', 3.3, 2_000).map((f) => f.id)).toEqual(['a1']);
  });
});
