// Alerts across a SIGTERM restart: the index is rebuilt from the database, and a crossing that happened
// while the server was down fires once on the first tick after it, marked late. Candles are kept too.
import { ApiClient, uniqueName } from './support/api-client';
import { ALERTS_SERVER_ENV, createAlert, sendTicks, tickAndSettle, triggersOf, waitForTriggers } from './support/alerts-helpers';
import { RunningServer, startServer } from './support/server-process';
import { waitFor } from './support/wait-for';

const LAST_SECOND_SYMBOL = 'S01/USDT';
const STAYED_ABOVE_SYMBOL = 'S02/USDT';
const ALREADY_MET_SYMBOL = 'S03/USDT';
const CANDLES_SYMBOL = 'S04/USDT';
/** a whole minute a few minutes back: the candle ticks go there, with explicit times */
const CANDLES_MINUTE = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;

async function candlesOf(client: ApiClient): Promise<unknown[]> {
  const answer = await client.get(`/api/v1/market/candles?symbol=${CANDLES_SYMBOL}&interval=1m`);
  expect(answer.status).toBe(200);
  return answer.body.items;
}

describe('alerts across a restart', () => {
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  let owner: ApiClient;
  const before: Record<string, any> = {};
  let candlesBeforeStop: unknown[];

  afterAll(async () => {
    // both share one data directory / database; the last one to run cleans it up
    await first?.stop();
    await (second ?? first)?.dispose();
  });

  beforeAll(async () => {
    first = await startServer({ env: ALERTS_SERVER_ENV });
    const admin = new ApiClient(first.url, first.adminKey);
    owner = await new ApiClient(first.url).register(uniqueName('restarter'));

    // BTC: the last price before the stop is below the alert; the first one after it is above (downtime crossing)
    await sendTicks(admin, { symbol: 'BTC/USDT', price: 60000 });
    before.downtime = await createAlert(owner, { symbol: 'BTC/USDT', condition: 'above', price: 65000 });
    before.downtimeCrossing = await createAlert(owner, { symbol: 'BTC/USDT', condition: 'crosses_up', price: 62000 });
    // ETH: nothing crosses during the downtime; the crossing comes on the second tick after the restart
    await sendTicks(admin, { symbol: 'ETH/USDT', price: 2900 });
    before.afterRestart = await createAlert(owner, { symbol: 'ETH/USDT', condition: 'above', price: 3000 });
    // SOL: a once alert that fired before the stop, and an every_time alert that fired and is cooling down
    before.firedOnce = await createAlert(owner, { symbol: 'SOL/USDT', condition: 'above', price: 100 });
    before.cooling = await createAlert(owner, { symbol: 'SOL/USDT', condition: 'above', price: 100, frequency: 'every_time', cooldownSec: 3600 });
    await sendTicks(admin, { symbol: 'SOL/USDT', price: 101 });
    await waitForTriggers(owner, before.firedOnce.id);
    await waitForTriggers(owner, before.cooling.id);
    await sendTicks(admin, { symbol: 'SOL/USDT', price: 99 });
    // S02: an every_time alert that fired, and the price stays above it through the restart
    before.stayedAbove = await createAlert(owner, { symbol: STAYED_ABOVE_SYMBOL, condition: 'above', price: 61500, frequency: 'every_time', cooldownSec: 0 });
    await sendTicks(admin, { symbol: STAYED_ABOVE_SYMBOL, price: 61600 });
    await waitForTriggers(owner, before.stayedAbove.id);
    // S03: a once alert created while the price already met it, and no tick since: nothing crosses over the restart
    await sendTicks(admin, { symbol: ALREADY_MET_SYMBOL, price: 120 });
    before.alreadyMet = await createAlert(owner, { symbol: ALREADY_MET_SYMBOL, condition: 'above', price: 110 });
    // S04: two 1-minute candles; the second gets its last tick right before the SIGTERM
    await sendTicks(
      admin,
      { symbol: CANDLES_SYMBOL, price: 10, ts: CANDLES_MINUTE },
      { symbol: CANDLES_SYMBOL, price: 12, ts: CANDLES_MINUTE + 20_000 },
      { symbol: CANDLES_SYMBOL, price: 11, ts: CANDLES_MINUTE + 60_000 },
    );
    // MarketDataService flushes the last prices to the database once a second (PERSIST_INTERVAL_MS); nothing
    // outside the process shows when a flush happened, so this waits out one period (plus margin) on purpose.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    // ...and this tick lands right before the SIGTERM: only the flush on shutdown can keep it
    await sendTicks(admin, { symbol: LAST_SECOND_SYMBOL, price: 777.25 }, { symbol: CANDLES_SYMBOL, price: 13, ts: CANDLES_MINUTE + 61_000 });
    candlesBeforeStop = await candlesOf(owner);
    expect(await first.stop('SIGTERM')).toBe(0);

    second = await startServer({ reuse: first, env: ALERTS_SERVER_ENV });
    owner = new ApiClient(second.url, owner.apiKey);
  });

  it('keeps the candles, the last one with its tick from right before the stop, and goes on filling it', async () => {
    expect(candlesBeforeStop).toEqual([
      { openTime: CANDLES_MINUTE, open: 10, high: 12, low: 10, close: 12, volume: 2 },
      { openTime: CANDLES_MINUTE + 60_000, open: 11, high: 13, low: 11, close: 13, volume: 2 },
    ]);
    expect(await candlesOf(owner)).toEqual(candlesBeforeStop);
    await sendTicks(new ApiClient(second!.url, second!.adminKey), { symbol: CANDLES_SYMBOL, price: 9, ts: CANDLES_MINUTE + 62_000 });
    expect((await candlesOf(owner)).at(-1)).toEqual({ openTime: CANDLES_MINUTE + 60_000, open: 11, high: 13, low: 9, close: 9, volume: 3 });
  });

  it('fires an alert that crossed during the downtime once, on the first tick after the restart, with late: true', async () => {
    const admin = new ApiClient(second!.url, second!.adminKey);
    await sendTicks(admin, { symbol: 'BTC/USDT', price: 66000 });
    const [trigger] = await waitForTriggers(owner, before.downtime.id);
    expect(trigger).toMatchObject({ price: '66000', late: true });
    // a crosses alert needs the price from before the stop to know that 60000 → 66000 straddles 62000
    expect((await waitForTriggers(owner, before.downtimeCrossing.id))[0]).toMatchObject({ price: '66000', late: true });
    await sendTicks(admin, { symbol: 'BTC/USDT', price: 64000 });
    await tickAndSettle(owner, admin, 'BTC/USDT', 67000);
    expect(await triggersOf(owner, before.downtime.id)).toHaveLength(1);
    expect(await triggersOf(owner, before.downtimeCrossing.id)).toHaveLength(1);
    expect((await owner.get(`/api/v1/alerts/${before.downtime.id}`)).body).toMatchObject({ status: 'triggered', triggerCount: 1 });
    // and its notification says why it comes late
    const notification = await waitFor(async () => {
      const page = await owner.get('/api/v1/notifications?pageSize=500');
      return page.body.items.find((item: { data?: { alertId?: string } }) => item.data?.alertId === before.downtime.id);
    });
    expect(notification).toMatchObject({
      title: 'BTC/USDT rose to or above 65000',
      body: 'BTC/USDT is at 66000 (the crossing happened while the server was down).',
      data: { late: true, threshold: '65000', price: '66000' },
    });
  });

  it('fires an alert created before the restart on a crossing after it, not late', async () => {
    const admin = new ApiClient(second!.url, second!.adminKey);
    await tickAndSettle(owner, admin, 'ETH/USDT', 2950);
    expect(await triggersOf(owner, before.afterRestart.id)).toEqual([]);
    await sendTicks(admin, { symbol: 'ETH/USDT', price: 3100 });
    const [trigger] = await waitForTriggers(owner, before.afterRestart.id);
    expect(trigger).toMatchObject({ price: '3100', late: false });
  });

  it('fires an alert whose level the price already met before the restart on the first tick after it, not late: nothing crossed', async () => {
    const admin = new ApiClient(second!.url, second!.adminKey);
    await sendTicks(admin, { symbol: ALREADY_MET_SYMBOL, price: 121 });
    const [trigger] = await waitForTriggers(owner, before.alreadyMet.id);
    expect(trigger).toMatchObject({ price: '121', late: false });
  });

  it('neither refires a once alert that fired before the restart nor forgets an every_time cooldown', async () => {
    const admin = new ApiClient(second!.url, second!.adminKey);
    await tickAndSettle(owner, admin, 'SOL/USDT', 105);
    expect(await triggersOf(owner, before.firedOnce.id)).toHaveLength(1);
    expect(await triggersOf(owner, before.cooling.id)).toHaveLength(1);
    expect((await owner.get(`/api/v1/alerts/${before.cooling.id}`)).body).toMatchObject({ status: 'active', triggerCount: 1 });
  });

  // Regression: the shutdown flush of the last prices once ran in onApplicationShutdown, after MikroORM had
  // closed its pool ("Unable to acquire a connection"), losing the ticks of the last second before a SIGTERM.
  it('does not fire an every_time alert again after the restart while the price stayed above it, only on a new entry', async () => {
    const admin = new ApiClient(second!.url, second!.adminKey);
    await tickAndSettle(owner, admin, STAYED_ABOVE_SYMBOL, 63000);
    expect(await triggersOf(owner, before.stayedAbove.id)).toHaveLength(1);
    await sendTicks(admin, { symbol: STAYED_ABOVE_SYMBOL, price: 61000 });
    await sendTicks(admin, { symbol: STAYED_ABOVE_SYMBOL, price: 62000 });
    const triggers = await waitForTriggers(owner, before.stayedAbove.id, 2);
    expect(triggers.find((trigger: { price: string }) => trigger.price === '62000')).toMatchObject({ late: false });
  });

  it('knows after the restart the price of a tick sent right before the SIGTERM', async () => {
    const prices = await owner.get(`/api/v1/market/prices?symbols=${encodeURIComponent(LAST_SECOND_SYMBOL)}`);
    expect(prices.status).toBe(200);
    expect(prices.body.items).toEqual([expect.objectContaining({ symbol: LAST_SECOND_SYMBOL, price: 777.25 })]);
  });

  it('keeps every alert and its status across the restart', async () => {
    const list = await owner.get('/api/v1/alerts?pageSize=500');
    const ids = list.body.items.map((a: { id: string }) => a.id);
    for (const alert of Object.values(before)) expect(ids).toContain(alert.id);
  });
});
