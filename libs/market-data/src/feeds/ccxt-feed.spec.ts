// The poll loop of the ccxt feed against a scripted TickerSource (ccxt itself cannot load under Jest on
// Node 20; the real client against the fake exchange is covered by test/e2e/market-feeds.e2e-spec.ts).
import { Logger } from '@nestjs/common';
import { Tick } from '../tick';
import { CcxtFeed, TickerSource } from './ccxt-feed';

class ScriptedExchange implements TickerSource {
  readonly id = 'scripted';
  readonly calls: Array<{ at: number; symbols: string[] }> = [];
  prices = new Map<string, number>([['BTC/USDT', 100], ['ETH/USDT', 10]]);
  /** the next calls fail with these errors, in order */
  failures: Error[] = [];
  /** while set, calls wait for it */
  gate?: Promise<void>;
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly rateLimitMs = 0) {}

  async fetchPrices(symbols: readonly string[]): Promise<Map<string, number>> {
    this.calls.push({ at: Date.now(), symbols: [...symbols] });
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      if (this.gate) await this.gate;
      const failure = this.failures.shift();
      if (failure) throw failure;
      return new Map(this.prices);
    } finally {
      this.inFlight--;
    }
  }

  gaps(): number[] {
    return this.calls.slice(1).map((call, i) => call.at - this.calls[i].at);
  }
}

class ExchangeNotAvailable extends Error {
  override name = 'ExchangeNotAvailable';
}

const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];

function started(exchange: ScriptedExchange, intervalMs: number, maxBackoffMs = 30_000) {
  const batches: Tick[][] = [];
  const feed = new CcxtFeed(SYMBOLS, intervalMs, exchange, { maxBackoffMs });
  feed.start((ticks) => void batches.push(ticks));
  return { feed, batches };
}

describe('CcxtFeed', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('asks for every symbol in one request per poll interval and stamps the ticks with the receipt time', async () => {
    const exchange = new ScriptedExchange();
    const { feed, batches } = started(exchange, 1000);
    await jest.advanceTimersByTimeAsync(0);
    expect(exchange.calls).toEqual([{ at: 1_700_000_000_000, symbols: SYMBOLS }]);
    expect(batches).toEqual([[{ symbol: 'BTC/USDT', price: 100, ts: 1_700_000_000_000 }, { symbol: 'ETH/USDT', price: 10, ts: 1_700_000_000_000 }]]);
    await jest.advanceTimersByTimeAsync(999);
    expect(exchange.calls).toHaveLength(1);
    exchange.prices.set('BTC/USDT', 101);
    await jest.advanceTimersByTimeAsync(1);
    expect(exchange.calls).toHaveLength(2);
    expect(batches[1][0]).toEqual({ symbol: 'BTC/USDT', price: 101, ts: 1_700_000_001_000 });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(exchange.gaps()).toEqual(Array(11).fill(1000));
    feed.stop();
  });

  it("never polls faster than the exchange's own rate limit", async () => {
    const exchange = new ScriptedExchange(500);
    const { feed } = started(exchange, 100);
    await jest.advanceTimersByTimeAsync(2000);
    expect(exchange.gaps()).toEqual([500, 500, 500, 500]);
    feed.stop();
  });

  it('waits for a slow answer instead of stacking requests', async () => {
    const exchange = new ScriptedExchange();
    let release!: () => void;
    exchange.gate = new Promise((resolve) => (release = resolve));
    const { feed } = started(exchange, 100);
    await jest.advanceTimersByTimeAsync(1000);
    expect(exchange.calls).toHaveLength(1);
    exchange.gate = undefined;
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(exchange.calls).toHaveLength(2);
    expect(exchange.maxInFlight).toBe(1);
    feed.stop();
  });

  it('backs off exponentially while the exchange fails, counts the failures, and resumes its pace when it answers again', async () => {
    const exchange = new ScriptedExchange();
    exchange.failures = Array.from({ length: 6 }, () => new ExchangeNotAvailable('binance GET /api/v3/ticker/24hr 500'));
    const { feed, batches } = started(exchange, 100, 2000);
    await jest.advanceTimersByTimeAsync(0);
    expect(feed.status()).toMatchObject({ exchange: 'scripted', consecutiveFailures: 1, failuresTotal: 1, lastSuccessAt: null, lastError: 'ExchangeNotAvailable: binance GET /api/v3/ticker/24hr 500' });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(batches.length).toBeGreaterThan(0);
    const gaps = exchange.gaps();
    // retry k waits between 100·2^k and 2·100·2^k ms (randomized), never more than 2000
    for (const [k, gap] of gaps.slice(0, 5).entries()) {
      expect(gap).toBeGreaterThanOrEqual(Math.min(100 * 2 ** k, 2000));
      expect(gap).toBeLessThanOrEqual(Math.min(200 * 2 ** k, 2000));
    }
    expect(gaps.slice(6)).toEqual(Array(gaps.length - 6).fill(100));
    expect(feed.status()).toMatchObject({ consecutiveFailures: 0, failuresTotal: 6 });
    feed.stop();
  });

  it('keeps going after an error p-retry will not retry (a TypeError)', async () => {
    const exchange = new ScriptedExchange();
    exchange.failures = [new TypeError("Cannot read properties of undefined (reading 'last')")];
    const { feed, batches } = started(exchange, 100);
    await jest.advanceTimersByTimeAsync(100);
    expect(exchange.calls).toHaveLength(2);
    expect(batches).toHaveLength(1);
    expect(feed.status()).toMatchObject({ failuresTotal: 1, consecutiveFailures: 0 });
    feed.stop();
  });

  it('takes a new interval from the poll being waited for', async () => {
    const exchange = new ScriptedExchange();
    const { feed } = started(exchange, 10_000);
    await jest.advanceTimersByTimeAsync(1000);
    feed.setIntervalMs(2000);
    await jest.advanceTimersByTimeAsync(1000);
    expect(exchange.calls.map((c) => c.at - 1_700_000_000_000)).toEqual([0, 2000]);
    await jest.advanceTimersByTimeAsync(2000);
    expect(exchange.gaps()).toEqual([2000, 2000]);
    feed.stop();
  });

  it('stops polling when stopped, during a backoff too, and leaves no timer behind', async () => {
    const exchange = new ScriptedExchange();
    const { feed } = started(exchange, 100);
    await jest.advanceTimersByTimeAsync(250);
    feed.stop();
    const calls = exchange.calls.length;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(exchange.calls).toHaveLength(calls);

    exchange.failures = Array.from({ length: 100 }, () => new ExchangeNotAvailable('down'));
    const failing = started(exchange, 100);
    await jest.advanceTimersByTimeAsync(500);
    failing.feed.stop();
    const failingCalls = exchange.calls.length;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(exchange.calls.length).toBeLessThanOrEqual(failingCalls + 1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
