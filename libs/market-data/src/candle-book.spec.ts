import { CandleBook } from './candle-book';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % (60 * MINUTE));

describe('CandleBook', () => {
  it('hands the candles ticks changed to the persist loop once, each as it is now', () => {
    const book = new CandleBook();
    book.add('BTC/USDT', 100, T0);
    book.add('BTC/USDT', 105, T0 + 1_000);

    const changed = book.takeChanged();
    expect(changed.filter((c) => c.interval === '1m')).toEqual([{ symbol: 'BTC/USDT', interval: '1m', openTime: T0, open: 100, high: 105, low: 100, close: 105, volume: 2 }]);
    expect(changed.map((c) => c.interval).sort()).toEqual(['1h', '1m', '5m']);
    expect(book.takeChanged()).toEqual([]);
  });

  it('puts back candles that could not be stored, unless a tick has changed them since', () => {
    const book = new CandleBook();
    book.add('BTC/USDT', 100, T0);
    const failed = book.takeChanged();
    book.add('BTC/USDT', 90, T0 + 1_000);
    book.putBack(failed);

    const again = book.takeChanged().filter((c) => c.interval === '1m');
    expect(again).toEqual([expect.objectContaining({ openTime: T0, low: 90, close: 90, volume: 2 })]);
  });

  it('continues a restored series: a tick in its last bucket extends that candle', () => {
    const book = new CandleBook();
    book.restore([
      { symbol: 'BTC/USDT', interval: '1m', openTime: T0, open: 10, high: 12, low: 10, close: 12, volume: 2 },
      { symbol: 'BTC/USDT', interval: '1m', openTime: T0 + MINUTE, open: 11, high: 13, low: 11, close: 13, volume: 2 },
    ]);
    book.add('BTC/USDT', 9, T0 + MINUTE + 2_000);

    expect(book.get('BTC/USDT', '1m', 10)).toEqual([
      { openTime: T0, open: 10, high: 12, low: 10, close: 12, volume: 2 },
      { openTime: T0 + MINUTE, open: 11, high: 13, low: 9, close: 9, volume: 3 },
    ]);
  });
});
