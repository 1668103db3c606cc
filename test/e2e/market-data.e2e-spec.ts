// Market data seen from outside: the symbol list, candles of every interval built from ticks, and a stale tick
// (older than market.staleAfterSec) that moves no alert, and a tick from the future that is refused. Ticks go in
// through the admin route with explicit times.
import { ALERTS_SERVER_ENV, createAlert, sendTicks, tickAndSettle, triggersOf, waitForTriggers } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { RunningServer, startServer } from './support/server-process';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'S01/USDT', 'S02/USDT', 'S03/USDT', 'S04/USDT', 'S05/USDT'];
const STALE_AFTER_SEC = 30;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

describe('market data', () => {
  let server: RunningServer;
  let anonymous: ApiClient;
  let admin: ApiClient;
  let user: ApiClient;

  beforeAll(async () => {
    server = await startServer({ env: { ...ALERTS_SERVER_ENV, MARKET_SYMBOLS: SYMBOLS.join(','), TP__MARKET__STALE_AFTER_SEC: String(STALE_AFTER_SEC) } });
    anonymous = new ApiClient(server.url);
    admin = anonymous.as(server.adminKey);
    user = await anonymous.register(uniqueName('market'));
  });

  afterAll(() => server?.dispose());

  it('lists every configured symbol in order, with its latest price and time, and null for one never ticked', async () => {
    const ts = Date.now() - 1_000;
    await sendTicks(admin, { symbol: 'S01/USDT', price: 12.5, ts });
    expect((await anonymous.get('/api/v1/market/symbols')).status).toBe(401);
    const answer = await user.get('/api/v1/market/symbols');
    expect(answer.status).toBe(200);
    const items: Array<{ symbol: string; price: number | null; updatedAt: string | null }> = answer.body.items;
    expect(items.map((item) => item.symbol)).toEqual(SYMBOLS);
    expect(items.find((item) => item.symbol === 'S01/USDT')).toMatchObject({ price: 12.5, updatedAt: new Date(ts).toISOString() });
    expect(items.find((item) => item.symbol === 'ETH/USDT')).toEqual({ symbol: 'ETH/USDT', price: null, updatedAt: null });
  });

  it('builds 5m and 1h candles from ticks: open, high, low, close and tick count per bucket', async () => {
    const symbol = 'S02/USDT';
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;
    const at = (minutes: number) => hour + minutes * MINUTE_MS;
    await sendTicks(
      admin,
      { symbol, price: 100, ts: at(0) },
      { symbol, price: 110, ts: at(1) },
      { symbol, price: 95, ts: at(4.99) },
      { symbol, price: 90, ts: at(6) },
      { symbol, price: 105, ts: at(59) },
      { symbol, price: 120, ts: at(61) },
    );
    const candles = async (interval: string, limit = 200) => {
      const answer = await user.get(`/api/v1/market/candles?symbol=${symbol}&interval=${interval}&limit=${limit}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ symbol, interval });
      return answer.body.items;
    };
    expect(await candles('5m')).toEqual([
      { openTime: at(0), open: 100, high: 110, low: 95, close: 95, volume: 3 },
      { openTime: at(5), open: 90, high: 90, low: 90, close: 90, volume: 1 },
      { openTime: at(55), open: 105, high: 105, low: 105, close: 105, volume: 1 },
      { openTime: at(60), open: 120, high: 120, low: 120, close: 120, volume: 1 },
    ]);
    expect(await candles('1h')).toEqual([
      { openTime: at(0), open: 100, high: 110, low: 90, close: 105, volume: 5 },
      { openTime: at(60), open: 120, high: 120, low: 120, close: 120, volume: 1 },
    ]);
    expect((await candles('5m', 2)).map((candle: { openTime: number }) => candle.openTime)).toEqual([at(55), at(60)]);
  });

  it('evaluates no alert on a tick older than market.staleAfterSec, however far it crosses', async () => {
    const symbol = 'S03/USDT';
    const alert = await createAlert(user, { symbol, condition: 'above', price: 100 });
    await sendTicks(admin, { symbol, price: 150, ts: Date.now() - 2 * STALE_AFTER_SEC * 1000 });
    await tickAndSettle(user, admin, symbol, 50);
    expect(await triggersOf(user, alert.id)).toEqual([]);
    expect((await user.get(`/api/v1/alerts/${alert.id}`)).body.status).toBe('active');
    // the same crossing, fresh, fires it
    await sendTicks(admin, { symbol, price: 150 });
    expect((await waitForTriggers(user, alert.id)).map((trigger) => trigger.price)).toEqual(['150']);
  });

  it.each([
    [{}, 'ticks: must be an array'],
    [{ ticks: [] }, 'ticks: at least one tick'],
    [{ ticks: [{ symbol: 'S01/USDT', price: '7' }] }, 'ticks.0.price: must be a finite number'],
  ])('refuses the tick batch %j with a 400 that says what is wrong', async (body, message) => {
    const refused = await admin.post('/api/v1/admin/market/ticks', body);
    expect({ status: refused.status, message: refused.body.message }).toEqual({ status: 400, message: expect.stringContaining(message) });
  });

  it('refuses a tick timed in the future with a 400 naming it, and keeps pricing and firing on the ticks that follow', async () => {
    const symbol = 'S04/USDT';
    const alert = await createAlert(user, { symbol, condition: 'above', price: 100 });
    await sendTicks(admin, { symbol: 'S01/USDT', price: 7 }, { symbol, price: 50 });
    const pricesBefore = (await user.get(`/api/v1/market/prices?symbols=S01/USDT,${symbol}`)).body;
    for (const ts of [Date.now() + HOUR_MS, 1e20]) {
      const refused = await admin.post('/api/v1/admin/market/ticks', { ticks: [{ symbol: 'S01/USDT', price: 1 }, { symbol, price: 150, ts }] });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain('ticks[1].ts: must be epoch milliseconds no later than 5 s ahead');
    }
    // nothing of the refused batches was taken: not the good first tick, not the crossing
    const prices = await user.get(`/api/v1/market/prices?symbols=S01/USDT,${symbol}`);
    expect(prices.status).toBe(200);
    expect(prices.body).toEqual(pricesBefore);
    expect(prices.body.items.map((item: { symbol: string; price: number }) => [item.symbol, item.price])).toEqual([
      ['S01/USDT', 7],
      [symbol, 50],
    ]);
    expect(await triggersOf(user, alert.id)).toEqual([]);
    await sendTicks(admin, { symbol, price: 150 });
    expect((await waitForTriggers(user, alert.id)).map((trigger) => trigger.price)).toEqual(['150']);
    expect((await user.get(`/api/v1/market/prices?symbols=${symbol}`)).body.items[0].price).toBe(150);
  });

  it('leaves a tick older than the latest price out of prices, candles and alerts alike: one price path, in time order', async () => {
    const symbol = 'S05/USDT';
    const now = Date.now();
    await sendTicks(admin, { symbol, price: 100, ts: now - 1_000 });
    const above = await createAlert(user, { symbol, condition: 'above', price: 110 });
    const crossesDown = await createAlert(user, { symbol, condition: 'crosses_down', price: 105 });
    const late = await admin.post('/api/v1/admin/market/ticks', { ticks: [{ symbol, price: 120, ts: now - 10_000 }] });
    expect({ status: late.status, body: late.body }).toEqual({ status: 202, body: { accepted: 0, outOfOrder: 1 } });
    await tickAndSettle(user, admin, symbol, 104);
    // the path the engine saw is 100 → 104: nothing crossed 110 or 105
    expect([(await triggersOf(user, above.id)).length, (await triggersOf(user, crossesDown.id)).length]).toEqual([0, 0]);
    expect((await user.get(`/api/v1/market/prices?symbols=${symbol}`)).body.items[0].price).toBe(104);
    const [candle] = (await user.get(`/api/v1/market/candles?symbol=${symbol}&interval=1h`)).body.items.slice(-1);
    expect(candle.high).toBe(104);
  });
});
