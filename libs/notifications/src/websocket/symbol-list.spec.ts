import { parseSymbolList } from './symbol-list';

describe('parseSymbolList', () => {
  it('accepts BASE/QUOTE symbols, upper-cased and deduplicated', () => {
    expect(parseSymbolList({ symbols: ['btc/usdt', 'BTC/USDT', 'ETH/USDT'] })).toEqual({ symbols: ['BTC/USDT', 'ETH/USDT'] });
  });

  it.each([[undefined], [null], [{}], [{ symbols: [] }], [{ symbols: 'BTC/USDT' }]])('refuses %p with the expected shape', (payload) => {
    expect(parseSymbolList(payload)).toEqual({ reason: expect.stringContaining('symbols') });
  });

  it('names the first bad symbol', () => {
    expect(parseSymbolList({ symbols: ['BTC/USDT', 'nonsense', 3] })).toEqual({ reason: expect.stringContaining('symbols[1]') });
  });

  it('refuses too many symbols at once', () => {
    expect(parseSymbolList({ symbols: Array.from({ length: 51 }, (_, i) => `S${i}/USDT`) })).toEqual({ reason: expect.stringContaining('at most 50') });
  });
});
