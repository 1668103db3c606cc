import { FakeExchange } from './fake-exchange';

describe('FakeExchange', () => {
  let fake: FakeExchange;

  beforeEach(async () => {
    fake = new FakeExchange({ symbols: ['BTC/USDT', 'ETH/USDT'], prices: { 'BTC/USDT': 65000 } });
    await fake.start();
  });

  afterEach(() => fake.stop());

  const get = async (path: string) => {
    const response = await fetch(`${fake.url}${path}`);
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('lists its symbols as Binance spot markets', async () => {
    const info = await get('/api/v3/exchangeInfo');
    expect(info.status).toBe(200);
    expect(info.body.symbols.map((s: any) => [s.symbol, s.baseAsset, s.quoteAsset, s.status])).toEqual([
      ['BTCUSDT', 'BTC', 'USDT', 'TRADING'],
      ['ETHUSDT', 'ETH', 'USDT', 'TRADING'],
    ]);
  });

  it('answers 24h tickers for a list of symbols, one symbol, or all, at the prices the test sets', async () => {
    fake.setPrice('ETH/USDT', 3200.5);
    const list = await get(`/api/v3/ticker/24hr?symbols=${encodeURIComponent('["BTCUSDT","ETHUSDT"]')}`);
    expect(list.body.map((t: any) => [t.symbol, t.lastPrice])).toEqual([['BTCUSDT', '65000.00000000'], ['ETHUSDT', '3200.50000000']]);
    expect((await get('/api/v3/ticker/24hr?symbol=BTCUSDT')).body).toMatchObject({ symbol: 'BTCUSDT', lastPrice: '65000.00000000' });
    expect((await get('/api/v3/ticker/price')).body).toEqual([{ symbol: 'BTCUSDT', price: '65000.00000000' }, { symbol: 'ETHUSDT', price: '3200.50000000' }]);
    expect((await get('/api/v3/ticker/24hr?symbol=XRPUSDT')).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });

  it('takes prices and failures over HTTP control routes too', async () => {
    expect((await post('/__control/price', { symbol: 'BTC/USDT', price: 70000 })).body).toEqual({ symbol: 'BTC/USDT', price: 70000 });
    expect(fake.price('BTC/USDT')).toBe(70000);
    expect((await post('/__control/price', { symbol: 'XRP/USDT', price: 1 })).status).toBe(400);
    await post('/__control/fail', { status: 429, count: 1 });
    const limited = await get('/api/v3/ticker/price');
    expect([limited.status, limited.headers.get('retry-after'), limited.body.code]).toEqual([429, '1', -1003]);
    expect((await get('/api/v3/ticker/price')).status).toBe(200);
  });

  it('answers 500 until told to recover', async () => {
    fake.fail({ status: 500 });
    expect((await get('/api/v3/exchangeInfo')).status).toBe(500);
    expect((await get('/api/v3/ticker/24hr')).status).toBe(500);
    fake.recover();
    expect((await get('/api/v3/ticker/24hr')).status).toBe(200);
  });

  it('records every API request with its time, path, query and answer, but not control requests', async () => {
    const before = Date.now();
    await get('/api/v3/exchangeInfo');
    fake.fail({ status: 500, count: 1 });
    await get('/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22%5D');
    await post('/__control/recover', {});
    const requests = fake.requests();
    expect(requests.map((r) => [r.seq, r.path, r.status])).toEqual([[1, '/api/v3/exchangeInfo', 200], [2, '/api/v3/ticker/24hr', 500]]);
    expect(requests[1].query).toEqual({ symbols: '["BTCUSDT"]' });
    expect(requests.every((r) => r.at >= before && r.at <= Date.now())).toBe(true);
    expect(fake.requests('/ticker/24hr')).toHaveLength(1);
    expect((await get('/__control/requests?path=/exchangeInfo')).body.requests).toHaveLength(1);
  });
});
