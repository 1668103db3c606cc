import { pointApiAt } from './ccxt-ticker-source';

describe('pointApiAt', () => {
  it('moves every API section to the given host, keeping each path', () => {
    const api = {
      public: 'https://api.binance.com/api/v3',
      sapi: 'https://api.binance.com/sapi/v1',
      fapiPublic: 'https://fapi.binance.com/fapi/v1',
      nested: { rest: 'https://api.{hostname}/v2', list: ['https://a.example.com/x'] },
    };
    expect(pointApiAt(api, 'http://127.0.0.1:4000/')).toEqual({
      public: 'http://127.0.0.1:4000/api/v3',
      sapi: 'http://127.0.0.1:4000/sapi/v1',
      fapiPublic: 'http://127.0.0.1:4000/fapi/v1',
      nested: { rest: 'http://127.0.0.1:4000/v2', list: ['http://127.0.0.1:4000/x'] },
    });
  });

  it('keeps a path prefix of the target (a proxy) and leaves websocket URLs alone', () => {
    expect(pointApiAt({ public: 'https://api.binance.com/api/v3', ws: 'wss://stream.binance.com:9443/ws' }, 'http://proxy.local/binance')).toEqual({
      public: 'http://proxy.local/binance/api/v3',
      ws: 'wss://stream.binance.com:9443/ws',
    });
  });
});

describe('the market-data module', () => {
  it('loads without loading ccxt (which Jest on Node 20 cannot load: ESM-only @noble/curves)', () => {
    expect(() => require('../market-data.module')).not.toThrow();
  });
});
