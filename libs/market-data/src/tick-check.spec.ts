import { checkTicks, MAX_TICK_CLOCK_SKEW_MS } from './tick-check';

describe('checkTicks', () => {
  const known = { symbols: ['BTC/USDT', 'ETH/USDT'], has: (symbol: string) => symbol === 'BTC/USDT' || symbol === 'ETH/USDT' };
  const now = 1_800_000_000_000;
  const check = (...ticks: Array<{ symbol?: string; price?: number; ts?: number }>) => () =>
    checkTicks(ticks.map((t) => ({ symbol: 'BTC/USDT', price: 100, ts: now, ...t })), known, now);

  it('accepts known symbols at positive prices, at times up to the allowed clock skew ahead', () => {
    expect(check({}, { symbol: 'ETH/USDT', ts: 0 }, { ts: now + MAX_TICK_CLOCK_SKEW_MS })).not.toThrow();
  });

  it('names the first bad tick and its field', () => {
    expect(check({}, { symbol: 'DOGE/USDT' })).toThrow('ticks[1].symbol: unknown symbol "DOGE/USDT"; known: BTC/USDT, ETH/USDT');
    expect(check({ price: 0 })).toThrow('ticks[0].price: must be a finite number > 0');
    expect(check({ price: Number.NaN })).toThrow('ticks[0].price');
  });

  it('refuses a time further ahead than the skew, before 1970, or not a whole number of milliseconds', () => {
    for (const ts of [now + MAX_TICK_CLOCK_SKEW_MS + 1, 1e20, -1, 1.5, Number.NaN]) {
      expect(check({}, { ts })).toThrow(`ticks[1].ts: must be epoch milliseconds no later than ${MAX_TICK_CLOCK_SKEW_MS / 1000} s ahead of the server's clock`);
    }
  });
});
