import { Logger } from '@nestjs/common';
import { ConfigError } from '@tradepulse/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tick } from '../tick';
import { FeedClock } from './feed-clock';
import { OhlcvRow } from './replay-csv';
import { ReplayFeed } from './replay-feed';

/** Timers that fire only when the test advances time. */
class ManualClock implements FeedClock {
  private time = 1_000_000;
  private timers: Array<{ id: number; at: number; callback: () => void }> = [];
  private nextId = 0;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = ++this.nextId;
    this.timers.push({ id, at: this.time + delayMs, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in time order, including timers they set. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = until;
  }
}

const bar = (symbol: string, ts: number, close: number): OhlcvRow => ({ symbol, ts, open: close, high: close, low: close, close, volume: 1 });
const MINUTE = 60_000;

function recorder() {
  const batches: Tick[][] = [];
  return { batches, sink: (ticks: Tick[]) => void batches.push(ticks), closes: () => batches.map((b) => b.map((t) => `${t.symbol}=${t.price}`).join(' ')) };
}

describe('ReplayFeed', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

  const rows = [bar('BTC/USDT', 0, 100), bar('ETH/USDT', 0, 10), bar('BTC/USDT', MINUTE, 101), bar('BTC/USDT', 3 * MINUTE, 103), bar('ETH/USDT', 3 * MINUTE, 13)];

  it('emits the first bar at once and each later one after its gap divided by the speed', () => {
    const clock = new ManualClock();
    const out = recorder();
    const feed = new ReplayFeed(rows, 60, { clock });
    feed.start(out.sink);
    clock.advance(0);
    expect(out.closes()).toEqual(['BTC/USDT=100 ETH/USDT=10']);
    clock.advance(999);
    expect(out.batches).toHaveLength(1);
    clock.advance(1);
    expect(out.closes()).toEqual(['BTC/USDT=100 ETH/USDT=10', 'BTC/USDT=101']);
    clock.advance(1999);
    expect(out.batches).toHaveLength(2);
    clock.advance(1);
    expect(out.closes()[2]).toBe('BTC/USDT=103 ETH/USDT=13');
  });

  it('stamps ticks with the time they are emitted, strictly increasing even within one millisecond', () => {
    const clock = new ManualClock();
    const out = recorder();
    const start = clock.now();
    new ReplayFeed(rows, 1e9, { clock }).start(out.sink);
    clock.advance(1);
    const times = out.batches.map((b) => b[0].ts);
    expect(times).toEqual([start, start + 1, start + 2]);
    expect(out.batches.every((b) => b.every((t) => t.ts === b[0].ts))).toBe(true);
  });

  it('lets steps share a millisecond rather than run tick times more than a second ahead of the clock', () => {
    const clock = new ManualClock();
    const out = recorder();
    const start = clock.now();
    const many = Array.from({ length: 3_000 }, (_, i) => bar('BTC/USDT', i * MINUTE, 100 + i));
    new ReplayFeed(many, 1e12, { clock }).start(out.sink);
    // every step is due within the next millisecond
    clock.advance(1);
    const times = out.batches.map((b) => b[0].ts);
    expect(times).toHaveLength(3_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(clock.now() + 1_000);
    expect(times.at(-1)).toBeGreaterThan(start + 900);
    expect(times.every((ts, i) => i === 0 || ts >= times[i - 1])).toBe(true);
  });

  it('stops at the end, says so in its status, and sets no more timers', () => {
    const clock = new ManualClock();
    const out = recorder();
    const feed = new ReplayFeed(rows, 60, { clock, source: 'sample.csv' });
    feed.start(out.sink);
    expect(feed.status()).toMatchObject({ source: 'sample.csv', finished: false, stepsTotal: 3, stepsEmitted: 0 });
    clock.advance(feed.durationMs);
    expect(out.batches).toHaveLength(3);
    expect(feed.finished).toBe(true);
    expect(feed.status()).toMatchObject({ finished: true, stepsEmitted: 3, finishedAt: new Date(clock.now()).toISOString() });
    expect(clock.pending).toBe(0);
    clock.advance(10 * MINUTE);
    expect(out.batches).toHaveLength(3);
  });

  it('emits nothing after stop, and replays from the first bar when started again', () => {
    const clock = new ManualClock();
    const out = recorder();
    const feed = new ReplayFeed(rows, 60, { clock });
    feed.start(out.sink);
    clock.advance(0);
    feed.stop();
    clock.advance(10 * MINUTE);
    expect(out.batches).toHaveLength(1);
    feed.start(out.sink);
    clock.advance(0);
    expect(out.closes()).toEqual(['BTC/USDT=100 ETH/USDT=10', 'BTC/USDT=100 ETH/USDT=10']);
  });

  it('yields to the event loop at extreme speeds: a bounded number of steps per timer', () => {
    const clock = new ManualClock();
    const out = recorder();
    const many = Array.from({ length: 2000 }, (_, i) => bar('BTC/USDT', i * MINUTE, 100 + i));
    new ReplayFeed(many, 1e12, { clock }).start(out.sink);
    let wakes = 0;
    const realSetTimeout = clock.setTimeout.bind(clock);
    clock.setTimeout = (callback, delayMs) => realSetTimeout(() => (wakes++, callback()), delayMs);
    clock.advance(1);
    expect(out.batches).toHaveLength(2000);
    expect(out.batches.map((b) => b[0].price)).toEqual(many.map((r) => r.close));
    expect(wakes).toBeGreaterThanOrEqual(4);
  });

  it('refuses a speed that is not a finite number > 0', () => {
    expect(() => new ReplayFeed(rows, 0)).toThrow(RangeError);
    expect(() => new ReplayFeed(rows, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  describe('fromFile', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'replay-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps only the configured symbols', () => {
      const file = join(dir, 'three.csv');
      writeFileSync(file, 'symbol,timestamp,open,high,low,close,volume\nBTC/USDT,0,1,1,1,1,0\nXRP/USDT,0,2,2,2,2,0\n');
      const clock = new ManualClock();
      const out = recorder();
      ReplayFeed.fromFile(file, ['BTC/USDT', 'ETH/USDT'], 1, { clock }).start(out.sink);
      clock.advance(0);
      expect(out.closes()).toEqual(['BTC/USDT=1']);
    });

    it('stops start-up with a ConfigError for a missing file or a file without the configured symbols', () => {
      expect(() => ReplayFeed.fromFile(join(dir, 'none.csv'), ['BTC/USDT'], 1)).toThrow(new ConfigError(`MARKET_REPLAY_FILE=${join(dir, 'none.csv')}: cannot read it (ENOENT)`));
      const file = join(dir, 'other.csv');
      writeFileSync(file, 'symbol,timestamp,open,high,low,close,volume\nXRP/USDT,0,2,2,2,2,0\n');
      expect(() => ReplayFeed.fromFile(file, ['BTC/USDT'], 1)).toThrow(/has no rows for MARKET_SYMBOLS \(BTC\/USDT\); it has XRP\/USDT/);
    });
  });
});
