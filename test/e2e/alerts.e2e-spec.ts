// Price alerts seen from outside: every route and field of the contract, firing semantics end to end,
// bad input, isolation between users, the per-user limit and caching. Ticks go in through the admin route.
import { ApiClient, uniqueName } from './support/api-client';
import {
  ALERTS_SERVER_ENV,
  armSentinel,
  createAlert,
  errorMessage,
  EXTRA_SYMBOLS,
  nextTs,
  sendPricePath,
  sendTicks,
  tickAndSettle,
  triggersOf,
  waitForTriggers,
} from './support/alerts-helpers';
import { RunningServer, startServer } from './support/server-process';
import { waitFor } from './support/wait-for';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('alerts', () => {
  let server: RunningServer;
  let anonymous: ApiClient;
  let admin: ApiClient;
  const freeSymbols = [...EXTRA_SYMBOLS];
  /** Each firing test owns a symbol, so no other test's ticks move its prices. */
  const ownSymbol = (): string => {
    const symbol = freeSymbols.shift();
    if (!symbol) throw new Error('out of test symbols: add more to EXTRA_SYMBOLS');
    return symbol;
  };
  const user = (prefix: string) => anonymous.register(uniqueName(prefix));

  beforeAll(async () => {
    server = await startServer({ env: ALERTS_SERVER_ENV });
    anonymous = new ApiClient(server.url);
    admin = anonymous.as(server.adminKey);
  });

  afterAll(() => server?.dispose());

  describe('creating', () => {
    it.each([
      ['above', { price: 65000.5 }, { price: '65000.5', percent: null }],
      ['below', { price: 0.00012345 }, { price: '0.00012345', percent: null }],
      ['crosses_up', { price: 70000 }, { price: '70000', percent: null }],
      ['crosses_down', { price: 60000 }, { price: '60000', percent: null }],
      ['crosses', { price: 64999.99 }, { price: '64999.99', percent: null }],
      ['pct_up', { percent: 2.5, windowSec: 3600 }, { price: null, percent: '2.5', windowSec: 3600 }],
      ['pct_down', { percent: 10, windowSec: 60 }, { price: null, percent: '10', windowSec: 60 }],
    ])('creates a %s alert: 201, status active, prices as decimal strings', async (condition, fields, expected) => {
      const alice = await user('creator');
      const answer = await alice.post('/api/v1/alerts', { symbol: 'BTC/USDT', condition, ...fields, note: `my ${condition}` });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ symbol: 'BTC/USDT', condition, status: 'active', frequency: 'once', note: `my ${condition}`, triggerCount: 0, lastTriggeredAt: null, expiresAt: null, ...expected });
      expect(answer.body.id).toMatch(UUID);
      expect(answer.body.createdAt).toMatch(ISO_TIME);
      expect(typeof answer.body.cooldownSec).toBe('number');
      const read = await alice.get(`/api/v1/alerts/${answer.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(answer.body);
    });

    it("defaults to frequency once and the profile's cooldown; keeps every_time, cooldownSec and expiresAt as sent", async () => {
      const alice = await user('defaults');
      const plain = await createAlert(alice, { symbol: 'ETH/USDT', condition: 'above', price: 4000 });
      expect(plain).toMatchObject({ frequency: 'once', cooldownSec: 300 }); // balanced profile: alerts.defaultCooldownSec
      const expiresAt = new Date(Date.now() + 3600_000).toISOString();
      const repeating = await createAlert(alice, { symbol: 'ETH/USDT', condition: 'below', price: 3000, frequency: 'every_time', cooldownSec: 0, expiresAt });
      expect(repeating).toMatchObject({ frequency: 'every_time', cooldownSec: 0, expiresAt });
    });
  });

  describe('reading, listing, changing and cancelling', () => {
    it('lists with status and symbol filters and pages as { items, page, pageSize, total }', async () => {
      const lister = await user('lister');
      const btc = [];
      for (const price of [1000, 2000, 3000]) btc.push(await createAlert(lister, { symbol: 'BTC/USDT', condition: 'above', price }));
      const eth = [];
      for (const price of [10, 20]) eth.push(await createAlert(lister, { symbol: 'ETH/USDT', condition: 'below', price }));
      expect((await lister.delete(`/api/v1/alerts/${btc[0].id}`)).status).toBe(204);

      const all = await lister.get('/api/v1/alerts');
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: 5 });
      expect(all.body.items).toHaveLength(5);

      const first = await lister.get('/api/v1/alerts?page=1&pageSize=2');
      const second = await lister.get('/api/v1/alerts?page=2&pageSize=2');
      const third = await lister.get('/api/v1/alerts?page=3&pageSize=2');
      expect(first.body).toMatchObject({ page: 1, pageSize: 2, total: 5 });
      expect(second.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
      expect(third.body).toMatchObject({ page: 3, pageSize: 2, total: 5 });
      const paged = [...first.body.items, ...second.body.items, ...third.body.items].map((a: { id: string }) => a.id);
      expect(paged).toHaveLength(5);
      expect(new Set(paged)).toEqual(new Set(all.body.items.map((a: { id: string }) => a.id)));

      const cancelled = await lister.get('/api/v1/alerts?status=cancelled');
      expect(cancelled.body.total).toBe(1);
      expect(cancelled.body.items.map((a: { id: string }) => a.id)).toEqual([btc[0].id]);
      const active = await lister.get('/api/v1/alerts?status=active');
      expect(active.body.total).toBe(4);
      expect(active.body.items.every((a: { status: string }) => a.status === 'active')).toBe(true);
      const ethOnly = await lister.get(`/api/v1/alerts?symbol=${encodeURIComponent('ETH/USDT')}`);
      expect(ethOnly.body.total).toBe(2);
      expect(new Set(ethOnly.body.items.map((a: { id: string }) => a.id))).toEqual(new Set(eth.map((a) => a.id)));
      const both = await lister.get(`/api/v1/alerts?status=active&symbol=${encodeURIComponent('BTC/USDT')}`);
      expect(both.body.total).toBe(2);
      expect((await lister.get('/api/v1/alerts?status=triggered')).body).toMatchObject({ items: [], total: 0 });
    });

    it('rejects a bad status filter and pageSize outside 1..500 with 400', async () => {
      const lister = await user('badlist');
      for (const query of ['status=sideways', 'pageSize=0', 'pageSize=501', 'page=0']) {
        const answer = await lister.get(`/api/v1/alerts?${query}`);
        expect(answer.status).toBe(400);
        expect(errorMessage(answer)).toContain(query.split('=')[0]);
      }
    });

    it('PATCHes price, note, frequency and expiresAt, and the new price is the one that fires', async () => {
      const symbol = ownSymbol();
      const owner = await user('patcher');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 200, note: 'old' });
      const expiresAt = new Date(Date.now() + 7200_000).toISOString();
      const patched = await owner.patch(`/api/v1/alerts/${alert.id}`, { price: 120.25, note: 'new', frequency: 'every_time', expiresAt });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id: alert.id, price: '120.25', note: 'new', frequency: 'every_time', expiresAt, status: 'active' });
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toEqual(patched.body);

      await sendTicks(admin, { symbol, price: 150 });
      const [trigger] = await waitForTriggers(owner, alert.id);
      expect(trigger.price).toBe('150');
    });

    it('removes the expiry and the note of an alert with a PATCH of null', async () => {
      const owner = await user('clearer');
      const alert = await createAlert(owner, { symbol: 'BTC/USDT', condition: 'above', price: 1_000_000, note: 'till spring', expiresAt: '2099-03-01T00:00:00Z' });
      const cleared = await owner.patch(`/api/v1/alerts/${alert.id}`, { expiresAt: null, note: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ expiresAt: null, note: null, status: 'active' });
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ expiresAt: null, note: null });
    });

    it('rejects a PATCH with an unknown field, a bad price or a past expiresAt (400 naming the field) and changes nothing', async () => {
      const owner = await user('badpatch');
      const alert = await createAlert(owner, { symbol: 'BTC/USDT', condition: 'above', price: 100 });
      const pct = await createAlert(owner, { symbol: 'BTC/USDT', condition: 'pct_up', percent: 5, windowSec: 60 });
      const cases: Array<[string, unknown, string]> = [
        [alert.id, { symbol: 'ETH/USDT' }, 'symbol'],
        [alert.id, { price: -1 }, 'price'],
        [alert.id, { price: 0 }, 'price'],
        [alert.id, '{"price":1e999}', 'price'],
        [alert.id, { expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
        [alert.id, { frequency: 'sometimes' }, 'frequency'],
        [pct.id, { price: 100 }, 'price'],
      ];
      for (const [id, body, field] of cases) {
        const answer = await owner.patch(`/api/v1/alerts/${id}`, body);
        expect({ body, status: answer.status }).toEqual({ body, status: 400 });
        expect(errorMessage(answer)).toContain(field);
      }
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toEqual(alert);
      expect((await owner.get(`/api/v1/alerts/${pct.id}`)).body).toEqual(pct);
    });

    it('DELETE answers 204, leaves the alert cancelled, and a cancelled alert never fires', async () => {
      const symbol = ownSymbol();
      const owner = await user('canceller');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 100 });
      const answer = await owner.delete(`/api/v1/alerts/${alert.id}`);
      expect(answer.status).toBe(204);
      expect(answer.text).toBe('');
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ id: alert.id, status: 'cancelled' });

      await tickAndSettle(owner, admin, symbol, 150);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ status: 'cancelled', triggerCount: 0 });
      // a finished alert keeps its firing fields: a change there would be stored and never take effect (409); a note may still change
      const repriced = await owner.patch(`/api/v1/alerts/${alert.id}`, { price: 120 });
      expect({ status: repriced.status, message: errorMessage(repriced) }).toEqual({ status: 409, message: expect.stringContaining('cancelled') });
      expect((await owner.patch(`/api/v1/alerts/${alert.id}`, { note: 'gave up' })).body).toMatchObject({ status: 'cancelled', price: '100', note: 'gave up' });
    });

    it('lists the triggers of an alert as { items: [{ id, price, triggeredAt }] }', async () => {
      const symbol = ownSymbol();
      const owner = await user('history');
      const alert = await createAlert(owner, { symbol, condition: 'crosses', price: 50, frequency: 'every_time', cooldownSec: 0 });
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendPricePath(admin, symbol, [40, 60, 45]);
      const items = await waitForTriggers(owner, alert.id, 2);
      expect(items).toHaveLength(2);
      for (const item of items) {
        expect(item).toMatchObject({ id: expect.any(String), price: expect.any(String), triggeredAt: expect.stringMatching(ISO_TIME) });
      }
      expect(items.map((t) => t.price).sort()).toEqual(['45', '60']);
    });
  });

  describe('firing', () => {
    it('fires above when a tick equals the price, and not on a tick just below it', async () => {
      const symbol = ownSymbol();
      const owner = await user('above');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 105.5 });
      await tickAndSettle(owner, admin, symbol, 105.49);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 105.5 });
      const [trigger] = await waitForTriggers(owner, alert.id);
      expect(trigger.price).toBe('105.5');
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ status: 'triggered', triggerCount: 1, lastTriggeredAt: expect.stringMatching(ISO_TIME) });
    });

    it('fires below when a tick equals the price, and not on a tick just above it', async () => {
      const symbol = ownSymbol();
      const owner = await user('below');
      const alert = await createAlert(owner, { symbol, condition: 'below', price: 95 });
      await tickAndSettle(owner, admin, symbol, 95.01);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 95 });
      const [trigger] = await waitForTriggers(owner, alert.id);
      expect(trigger.price).toBe('95');
    });

    it('fires above on the first tick at or over the price even when the price was already there at creation', async () => {
      const symbol = ownSymbol();
      const owner = await user('level');
      await sendTicks(admin, { symbol, price: 200 });
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 150 });
      await sendTicks(admin, { symbol, price: 201 });
      expect((await waitForTriggers(owner, alert.id))[0].price).toBe('201');
    });

    it('fires crosses_up only when consecutive ticks straddle the price upwards', async () => {
      const symbol = ownSymbol();
      const owner = await user('xup');
      await sendTicks(admin, { symbol, price: 120 });
      const alert = await createAlert(owner, { symbol, condition: 'crosses_up', price: 110 });
      await tickAndSettle(owner, admin, symbol, 125); // above already: no crossing
      await tickAndSettle(owner, admin, symbol, 105); // crossing down: not this alert's direction
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 115 });
      expect((await waitForTriggers(owner, alert.id))[0].price).toBe('115');
    });

    it('fires crosses_down only when consecutive ticks straddle the price downwards', async () => {
      const symbol = ownSymbol();
      const owner = await user('xdown');
      await sendTicks(admin, { symbol, price: 80 });
      const alert = await createAlert(owner, { symbol, condition: 'crosses_down', price: 90 });
      await tickAndSettle(owner, admin, symbol, 70);
      await tickAndSettle(owner, admin, symbol, 95);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 85 });
      expect((await waitForTriggers(owner, alert.id))[0].price).toBe('85');
    });

    it('fires crosses in both directions, and never on ticks that stay on one side', async () => {
      const symbol = ownSymbol();
      const owner = await user('xboth');
      await sendTicks(admin, { symbol, price: 90 });
      const alert = await createAlert(owner, { symbol, condition: 'crosses', price: 100, frequency: 'every_time', cooldownSec: 0 });
      await tickAndSettle(owner, admin, symbol, 95);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendPricePath(admin, symbol, [110, 105, 90]);
      await tickAndSettle(owner, admin, symbol, 91);
      const items = await triggersOf(owner, alert.id);
      expect(items.map((t) => t.price).sort()).toEqual(['110', '90']);
    });

    it('does not fire a crosses alert created before the symbol had any price on its first tick', async () => {
      const symbol = ownSymbol();
      const owner = await user('xfirst');
      const alert = await createAlert(owner, { symbol, condition: 'crosses', price: 100 });
      await tickAndSettle(owner, admin, symbol, 110);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 99 });
      expect((await waitForTriggers(owner, alert.id))[0].price).toBe('99');
    });

    it('fires a once alert exactly once: not again on a replayed tick, nor when later ticks cross again', async () => {
      const symbol = ownSymbol();
      const owner = await user('once');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 100 });
      const ts = nextTs();
      await sendTicks(admin, { symbol, price: 101, ts });
      await waitForTriggers(owner, alert.id);
      await sendTicks(admin, { symbol, price: 101, ts }); // the very same tick, replayed
      await sendTicks(admin, { symbol, price: 101, ts }, { symbol, price: 101, ts });
      await sendPricePath(admin, symbol, [99, 102, 98]);
      await tickAndSettle(owner, admin, symbol, 103);
      expect(await triggersOf(owner, alert.id)).toHaveLength(1);
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ status: 'triggered', triggerCount: 1 });
      expect((await owner.get('/api/v1/alerts?status=triggered')).body.items.map((a: { id: string }) => a.id)).toContain(alert.id);
    });

    it('fires an every_time alert on each new crossing with cooldownSec 0, and not on a replayed tick', async () => {
      const symbol = ownSymbol();
      const owner = await user('every');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 100, frequency: 'every_time', cooldownSec: 0 });
      const first = nextTs();
      await sendTicks(admin, { symbol, price: 101, ts: first });
      await waitForTriggers(owner, alert.id, 1);
      await sendTicks(admin, { symbol, price: 101, ts: first }); // replay
      await sendTicks(admin, { symbol, price: 102 }); // still above: not a new crossing
      await sendTicks(admin, { symbol, price: 99 });
      await sendTicks(admin, { symbol, price: 100 }); // back up to the price: a new firing
      await waitForTriggers(owner, alert.id, 2);
      await tickAndSettle(owner, admin, symbol, 100.5);
      const items = await triggersOf(owner, alert.id);
      expect(items.map((t) => t.price).sort()).toEqual(['100', '101']);
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ status: 'active', triggerCount: 2 });
    });

    it('records the latest firing of an every_time alert that one tick batch fires twice, the one its cooldown runs from', async () => {
      const symbol = ownSymbol();
      const owner = await user('batched');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 110, frequency: 'every_time', cooldownSec: 10 });
      const now = Date.now();
      await sendTicks(admin, { symbol, price: 111, ts: now - 25_000 }, { symbol, price: 100, ts: now - 20_000 }, { symbol, price: 112, ts: now - 5_000 });
      expect((await waitForTriggers(owner, alert.id)).map((trigger) => trigger.price)).toEqual(['112']);
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body.lastTriggeredAt).toBe(new Date(now - 5_000).toISOString());
    });

    it('does not fire an every_time alert again after a PATCH while the price stays above it', async () => {
      const symbol = ownSymbol();
      const owner = await user('patched');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 3100, frequency: 'every_time', cooldownSec: 0 });
      await sendTicks(admin, { symbol, price: 3200 });
      await waitForTriggers(owner, alert.id, 1);
      expect((await owner.patch(`/api/v1/alerts/${alert.id}`, { note: 'still watching' })).status).toBe(200);
      await tickAndSettle(owner, admin, symbol, 3202);
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ triggerCount: 1, note: 'still watching' });
      await sendTicks(admin, { symbol, price: 3000 });
      await sendTicks(admin, { symbol, price: 3150 }); // back above: a new entry, which fires
      await waitForTriggers(owner, alert.id, 2);
    });

    it('suppresses an every_time firing inside cooldownSec (3600), keeping the alert active', async () => {
      const symbol = ownSymbol();
      const owner = await user('cooldown');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 100, frequency: 'every_time', cooldownSec: 3600 });
      await sendTicks(admin, { symbol, price: 101 });
      await waitForTriggers(owner, alert.id, 1);
      await sendPricePath(admin, symbol, [99, 101, 98]);
      await tickAndSettle(owner, admin, symbol, 105);
      expect(await triggersOf(owner, alert.id)).toHaveLength(1);
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ status: 'active', triggerCount: 1 });
    });

    it('fires pct_up when the rise within windowSec reaches percent, not before', async () => {
      const symbol = ownSymbol();
      const owner = await user('pctup');
      const alert = await createAlert(owner, { symbol, condition: 'pct_up', percent: 5, windowSec: 60 });
      await sendPricePath(admin, symbol, [100, 102]);
      await tickAndSettle(owner, admin, symbol, 104.9);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 105.2 });
      expect((await waitForTriggers(owner, alert.id))[0].price).toBe('105.2');
    });

    it('fires pct_down when the fall within windowSec reaches percent', async () => {
      const symbol = ownSymbol();
      const owner = await user('pctdown');
      const alert = await createAlert(owner, { symbol, condition: 'pct_down', percent: 10, windowSec: 60 });
      await sendPricePath(admin, symbol, [200, 190]);
      await tickAndSettle(owner, admin, symbol, 181);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 179 });
      expect((await waitForTriggers(owner, alert.id))[0].price).toBe('179');
    });

    it("measures a pct_up alert's move from when it was set, whether or not another user watches that window", async () => {
      const symbol = ownSymbol();
      const other = await user('pctother');
      const owner = await user('pctmine');
      const watching = await createAlert(other, { symbol, condition: 'pct_up', percent: 5, windowSec: 300 });
      await sendTicks(admin, { symbol, price: 100 });
      const mine = await createAlert(owner, { symbol, condition: 'pct_up', percent: 5, windowSec: 300 });
      // the other user's alert saw 100; mine was set after it: 100 → 106 is not a move it watched
      await sendTicks(admin, { symbol, price: 106 });
      await waitForTriggers(other, watching.id);
      await tickAndSettle(owner, admin, symbol, 106.5);
      expect(await triggersOf(owner, mine.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 111.4 }); // 5.1 % over its first tick, 106
      expect((await waitForTriggers(owner, mine.id))[0].price).toBe('111.4');
    });

    it('does not fire pct_up for a rise spread over more than windowSec', async () => {
      const symbol = ownSymbol();
      const owner = await user('pctslow');
      const alert = await createAlert(owner, { symbol, condition: 'pct_up', percent: 5, windowSec: 10 });
      // explicit tick times (the window follows tick time), recent enough not to count as stale (market.staleAfterSec 60)
      const t0 = Date.now() - 20_000;
      await sendTicks(admin, { symbol, price: 100, ts: t0 });
      await sendTicks(admin, { symbol, price: 103, ts: t0 + 8_000 });
      await tickAndSettle(owner, admin, symbol, 106, t0 + 16_000); // 6 % over 16 s, but only 2.9 % within 10 s
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      await sendTicks(admin, { symbol, price: 108.2, ts: t0 + 17_000 }); // 5.05 % over the 103 seen 9 s earlier
      expect((await waitForTriggers(owner, alert.id))[0].price).toBe('108.2');
    });

    // in floats 3 * 1.1 is 3.3000000000000003: a naive comparison never lets 3 → 3.3 reach 10 %
    it('fires pct_up on a rise of exactly percent (3 → 3.3 is 10 %), as above fires on an equal price', async () => {
      const symbol = ownSymbol();
      const owner = await user('pctexact');
      const alert = await createAlert(owner, { symbol, condition: 'pct_up', percent: 10, windowSec: 60 });
      await sendTicks(admin, { symbol, price: 3 });
      await tickAndSettle(owner, admin, symbol, 3.3);
      expect((await triggersOf(owner, alert.id)).map((t) => t.price)).toEqual(['3.3']);
    });

    it('expires an alert at expiresAt (expiry pass every 5 s): status expired, and it never fires', async () => {
      const symbol = ownSymbol();
      const owner = await user('expiry');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 100, expiresAt: new Date(Date.now() + 2_000).toISOString() });
      // each poll has its own URL (pageSize) so that no cached answer hides the change (see the next test)
      let poll = 0;
      await waitFor(async () => {
        const expired = await owner.get(`/api/v1/alerts?status=expired&pageSize=${100 + ++poll}`);
        return expired.body.items.some((a: { id: string }) => a.id === alert.id);
      }, 15_000, 250);
      await tickAndSettle(owner, admin, symbol, 150);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body).toMatchObject({ status: 'expired', triggerCount: 0 });
      expect((await owner.get('/api/v1/alerts?status=expired')).body.items.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([[alert.id, 'expired']]);
    });

    // an alert past its expiresAt stays in the trigger index until the next expiry pass (every 5 s): the firing's
    // conditional update must check expires_at too, or a tick in that gap fires it
    it('never fires an alert on a tick after its expiresAt, even before the expiry pass has marked it expired', async () => {
      const symbol = ownSymbol();
      const owner = await user('lapsed');
      const expiresAt = Date.now() + 1_000;
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 100, expiresAt: new Date(expiresAt).toISOString() });
      // waits on the wall clock itself, not on the server; the pass runs every 5 s, so the tick lands before it ~99 % of the time
      await waitFor(() => Date.now() > expiresAt + 20, 5_000, 5);
      await tickAndSettle(owner, admin, symbol, 150);
      expect(await triggersOf(owner, alert.id)).toEqual([]);
    });

    // the expiry pass must invalidate the owner's cached answers, or they say "active" for the cache TTL (30 s)
    it('shows an expired alert as expired in GET /alerts/:id, GET /alerts and stats read before it expired', async () => {
      const owner = await user('stale');
      const alert = await createAlert(owner, { symbol: 'BTC/USDT', condition: 'above', price: 1e9, expiresAt: new Date(Date.now() + 1_500).toISOString() });
      expect((await owner.get(`/api/v1/alerts/${alert.id}`)).body.status).toBe('active');
      expect((await owner.get('/api/v1/alerts')).body.items[0].status).toBe('active');
      expect((await owner.get('/api/v1/alerts/stats')).body).toMatchObject({ active: 1, expired: 0 });
      // the row expires within ~6.5 s; allow the expiry pass and a little more, well under the 30 s cache TTL
      let poll = 0;
      await waitFor(async () => (await owner.get(`/api/v1/alerts?status=expired&pageSize=${100 + ++poll}`)).body.total === 1, 15_000, 250);
      const read = async () => {
        const [one, list, stats] = await Promise.all([owner.get(`/api/v1/alerts/${alert.id}`), owner.get('/api/v1/alerts'), owner.get('/api/v1/alerts/stats')]);
        return { one: one.body.status, list: list.body.items[0].status, stats: [stats.body.active, stats.body.expired] };
      };
      const expected = { one: 'expired', list: 'expired', stats: [0, 1] };
      await waitFor(async () => JSON.stringify(await read()) === JSON.stringify(expected), 10_000, 250).catch(() => undefined);
      expect(await read()).toEqual(expected);
    }, 30_000);
  });

  describe('bad input: 400 naming the field, nothing stored', () => {
    const cases: Array<[string, string, string]> = [
      ['an unknown symbol', '{"symbol":"DOGE/EUR","condition":"above","price":1}', 'symbol'],
      ['a price condition without price', '{"symbol":"BTC/USDT","condition":"above"}', 'price'],
      ['percent 0', '{"symbol":"BTC/USDT","condition":"pct_up","percent":0,"windowSec":60}', 'percent'],
      ['percent 1001', '{"symbol":"BTC/USDT","condition":"pct_up","percent":1001,"windowSec":60}', 'percent'],
      ['a negative percent', '{"symbol":"BTC/USDT","condition":"pct_down","percent":-5,"windowSec":60}', 'percent'],
      ['pct without windowSec', '{"symbol":"BTC/USDT","condition":"pct_up","percent":5}', 'windowSec'],
      ['price 1e999 (parses to Infinity)', '{"symbol":"BTC/USDT","condition":"above","price":1e999}', 'price'],
      ['price as a string', '{"symbol":"BTC/USDT","condition":"above","price":"65000"}', 'price'],
      ['a negative price', '{"symbol":"BTC/USDT","condition":"above","price":-1}', 'price'],
      ['price 0', '{"symbol":"BTC/USDT","condition":"below","price":0}', 'price'],
      ['expiresAt in the past', '{"symbol":"BTC/USDT","condition":"above","price":1,"expiresAt":"2020-01-01T00:00:00Z"}', 'expiresAt'],
      ['cooldownSec -1', '{"symbol":"BTC/USDT","condition":"above","price":1,"frequency":"every_time","cooldownSec":-1}', 'cooldownSec'],
      ['cooldownSec 3e9 (beyond what the column stores)', '{"symbol":"BTC/USDT","condition":"above","price":1,"frequency":"every_time","cooldownSec":3000000000}', 'cooldownSec'],
      ['an unknown field', '{"symbol":"BTC/USDT","condition":"above","price":1,"leverage":100}', 'leverage'],
      ['condition "sideways"', '{"symbol":"BTC/USDT","condition":"sideways","price":1}', 'condition'],
      ['a bad frequency', '{"symbol":"BTC/USDT","condition":"above","price":1,"frequency":"hourly"}', 'frequency'],
      ['an expiresAt that does not exist (2030-02-31)', '{"symbol":"BTC/USDT","condition":"above","price":1,"expiresAt":"2030-02-31T00:00:00Z"}', 'expiresAt'],
      ['windowSec on a price condition', '{"symbol":"BTC/USDT","condition":"above","price":100,"windowSec":5}', 'windowSec'],
      // values only the database would refuse (numeric(38,18) overflows at 1e20 and rounds 1e-21 to 0; numeric(10,4)
      // rounds 0.00001 to 0; text and jsonb refuse NUL and unpaired surrogates): refused before they reach it
      ['price 1e20 (one past what the column stores)', '{"symbol":"BTC/USDT","condition":"above","price":1e20}', 'price'],
      ['a note with a NUL character', '{"symbol":"BTC/USDT","condition":"above","price":1,"note":"a\\u0000b"}', 'note'],
      ['a note with an unpaired surrogate', '{"symbol":"BTC/USDT","condition":"above","price":1,"note":"x\\ud83d"}', 'note'],
      ['price 1e30 (beyond what the column stores)', '{"symbol":"BTC/USDT","condition":"above","price":1e30}', 'price'],
      ['price 1e-21 (rounds to 0 in storage)', '{"symbol":"BTC/USDT","condition":"above","price":1e-21}', 'price'],
      ['percent 0.00001 (rounds to 0 in storage)', '{"symbol":"BTC/USDT","condition":"pct_up","percent":0.00001,"windowSec":60}', 'percent'],
      // null is not "left out": a pct alert with windowSec null was stored, answered 500, and stopped the next start
      ['windowSec null', '{"symbol":"BTC/USDT","condition":"pct_up","percent":5,"windowSec":null}', 'windowSec'],
      ['price null', '{"symbol":"BTC/USDT","condition":"above","price":null}', 'price'],
      ['percent null', '{"symbol":"BTC/USDT","condition":"pct_up","percent":null,"windowSec":60}', 'percent'],
      ['expiresAt in year 275760 (past what the database takes)', '{"symbol":"BTC/USDT","condition":"above","price":1,"expiresAt":"+275760-09-13T00:00:00Z"}', 'expiresAt'],
      ['a symbol with a NUL character', '{"symbol":"BTC\\u0000","condition":"above","price":1}', 'symbol'],
    ];

    let owner: ApiClient;
    let before: { items: Array<{ id: string }>; total: number };
    let reads = 0;
    /** A list read that cannot come from the cache: failed writes invalidate nothing, so a cached read would prove nothing. */
    const storedAlerts = async () => {
      const { items, total } = (await owner.get(`/api/v1/alerts?pageSize=${400 + ++reads}`)).body;
      return { items, total };
    };

    beforeAll(async () => {
      owner = await user('badinput');
      await createAlert(owner, { symbol: 'BTC/USDT', condition: 'above', price: 1 });
      before = await storedAlerts();
    });

    it.each(cases)('rejects %s', async (_label, raw, field) => {
      const answer = await owner.post('/api/v1/alerts', raw);
      expect({ status: answer.status, message: errorMessage(answer) }).toEqual({ status: 400, message: expect.stringContaining(field) });
      expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(await storedAlerts()).toEqual(before);
    });

    it.each([
      ['a page past 1,000,000', '/api/v1/alerts?page=100000000000000000000&pageSize=1', 'page'],
      ['page 1e20', '/api/v1/alerts?page=1e20', 'page'],
      ['page abc', '/api/v1/alerts?page=abc', 'page: must be an integer'],
      ['pageSize abc', '/api/v1/alerts?pageSize=abc', 'pageSize: must be an integer'],
      ['a symbol filter with a NUL character', '/api/v1/alerts?symbol=%00', 'symbol'],
    ])('rejects a list with %s', async (_label, path, field) => {
      const answer = await owner.get(path);
      expect({ status: answer.status, message: errorMessage(answer) }).toEqual({ status: 400, message: expect.stringContaining(field) });
    });

    it.each([
      ['percent as a string', '{"symbol":"BTC/USDT","condition":"pct_up","percent":"5","windowSec":60}', 'percent: must be a finite number'],
      ['a note that is a number', '{"symbol":"BTC/USDT","condition":"above","price":1,"note":123}', 'note: must be a string'],
      ['expiresAt {}', '{"symbol":"BTC/USDT","condition":"above","price":1,"expiresAt":{}}', 'expiresAt: must be an ISO 8601 date-time'],
      ['expiresAt "yesterday"', '{"symbol":"BTC/USDT","condition":"above","price":1,"expiresAt":"yesterday"}', 'expiresAt: must be an ISO 8601 date-time'],
    ])('names the type as the reason for %s, not a range it cannot be in', async (_label, raw, message) => {
      const answer = await owner.post('/api/v1/alerts', raw);
      expect({ status: answer.status, message: errorMessage(answer) }).toEqual({ status: 400, message: expect.stringContaining(message) });
    });

    it('rejects a PATCH with price or frequency null or expiresAt past year 9999, and changes nothing', async () => {
      const [alert] = before.items;
      for (const raw of ['{"price":null}', '{"frequency":null}', '{"expiresAt":"+275760-09-13T00:00:00Z"}']) {
        const answer = await owner.patch(`/api/v1/alerts/${alert.id}`, raw);
        expect({ raw, status: answer.status }).toEqual({ raw, status: 400 });
      }
      expect(await storedAlerts()).toEqual(before);
    });

    // price 1e30 would overflow numeric(38,18): validation must refuse it before the database does
    it('rejects a PATCH price beyond what the column stores with 400, not 500', async () => {
      const [alert] = before.items;
      const answer = await owner.patch(`/api/v1/alerts/${alert.id}`, '{"price":1e30}');
      expect({ status: answer.status, message: errorMessage(answer) }).toEqual({ status: 400, message: expect.stringContaining('price') });
    });
  });

  describe('isolation between users', () => {
    let alice: ApiClient;
    let bob: ApiClient;
    let alicesAlert: any;
    let reads = 0;
    /** Alice's alert as stored, read around the cache (Bob's writes could only invalidate Bob's entries). */
    const alicesStored = async () => (await alice.get(`/api/v1/alerts?pageSize=${400 + ++reads}`)).body.items.find((a: { id: string }) => a.id === alicesAlert.id);

    beforeAll(async () => {
      alice = await user('alice');
      bob = await user('bob');
      alicesAlert = await createAlert(alice, { symbol: 'ETH/USDT', condition: 'above', price: 9999, note: 'alice only' });
      await createAlert(bob, { symbol: 'ETH/USDT', condition: 'below', price: 1 });
    });

    it.each([
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['GET', '/triggers'],
    ])("answers 404 to %s /alerts/:id%s on another user's id, exactly like a missing id", async (method, suffix) => {
      const missingId = '0b8d1f7e-1111-4222-8333-444455556666';
      const body = method === 'PATCH' ? { note: 'hijacked' } : undefined;
      const foreign = await bob.request<any>(method, `/api/v1/alerts/${alicesAlert.id}${suffix}`, body);
      const missing = await bob.request<any>(method, `/api/v1/alerts/${missingId}${suffix}`, body);
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(foreign.text.replace(alicesAlert.id, 'ID')).toBe(missing.text.replace(missingId, 'ID'));
      expect(await alicesStored()).toEqual(alicesAlert);
    });

    it('never mixes lists, filters or stats between users', async () => {
      const alicesList = await alice.get('/api/v1/alerts');
      const bobsList = await bob.get('/api/v1/alerts');
      const bobsEth = await bob.get(`/api/v1/alerts?symbol=${encodeURIComponent('ETH/USDT')}&status=active`);
      expect(alicesList.body.items.map((a: { id: string }) => a.id)).toEqual([alicesAlert.id]);
      expect(bobsList.body.total).toBe(1);
      expect(bobsList.body.items.map((a: { id: string }) => a.id)).not.toContain(alicesAlert.id);
      expect(bobsEth.body.items.map((a: { id: string }) => a.id)).not.toContain(alicesAlert.id);
      expect((await alice.get('/api/v1/alerts/stats')).body).toMatchObject({ active: 1, cancelled: 0 });
      expect((await bob.get('/api/v1/alerts/stats')).body).toMatchObject({ active: 1, cancelled: 0 });
      expect((await bob.get('/api/v1/alerts/stats')).body.system).toBeUndefined();
    });
  });

  describe('stats', () => {
    it('counts the caller\'s alerts by status and their triggers of the last 24 h; admins also get the system block', async () => {
      const symbol = ownSymbol();
      const owner = await user('stats');
      const fired = await createAlert(owner, { symbol, condition: 'above', price: 10 });
      const cancelled = await createAlert(owner, { symbol, condition: 'above', price: 20 });
      await createAlert(owner, { symbol, condition: 'above', price: 30 });
      expect((await owner.get('/api/v1/alerts/stats')).body).toEqual({ active: 3, triggered: 0, expired: 0, cancelled: 0, triggersLast24h: 0 });
      await owner.delete(`/api/v1/alerts/${cancelled.id}`);
      await sendTicks(admin, { symbol, price: 15 });
      await waitForTriggers(owner, fired.id);
      const stats = await waitFor(async () => {
        const answer = await owner.get('/api/v1/alerts/stats');
        return answer.body.triggered === 1 ? answer : false;
      });
      expect(stats.status).toBe(200);
      expect(stats.body).toEqual({ active: 1, triggered: 1, expired: 0, cancelled: 1, triggersLast24h: 1 });

      const system = (await admin.get('/api/v1/alerts/stats')).body;
      expect(system).toMatchObject({ active: 0, triggered: 0, expired: 0, cancelled: 0, triggersLast24h: 0 });
      expect(system.system).toEqual({ activeAlerts: expect.any(Number), symbols: expect.any(Number), lastTickLagMs: expect.any(Number), evaluationsPerSec: expect.any(Number) });
      expect(system.system.activeAlerts).toBeGreaterThanOrEqual(1);
      expect(system.system.symbols).toBeGreaterThanOrEqual(1);
    });
  });

  describe('caching', () => {
    it('answers GET /alerts from the cache the second time, fresh after a POST, and fresh after a firing', async () => {
      const symbol = ownSymbol();
      const owner = await user('cached');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 50 });
      const first = await owner.get('/api/v1/alerts');
      const second = await owner.get('/api/v1/alerts');
      expect(first.headers.get('x-cache')).toBe('MISS');
      expect(second.headers.get('x-cache')).toBe('HIT');
      expect(second.body).toEqual(first.body);

      const added = await createAlert(owner, { symbol, condition: 'below', price: 1 });
      const third = await owner.get('/api/v1/alerts');
      expect(third.headers.get('x-cache')).toBe('MISS');
      expect(third.body.items.map((a: { id: string }) => a.id)).toContain(added.id);

      await sendTicks(admin, { symbol, price: 60 });
      await waitForTriggers(owner, alert.id);
      // the engine invalidates the owner's entries right after its commit: the list read before is fresh now
      const fourth = await waitFor(async () => {
        const answer = await owner.get('/api/v1/alerts');
        return answer.body.items.find((a: { id: string }) => a.id === alert.id)?.status === 'triggered' ? answer : false;
      }, 2_000);
      expect(fourth.headers.get('x-cache')).toBe('MISS');
    });

    it('serves a cached answer with text outside ASCII whole, its Content-Length counted in bytes', async () => {
      const owner = await user('unicode');
      const note = 'Ünïcödé ☕ 通知 🚀';
      await createAlert(owner, { symbol: ownSymbol(), condition: 'above', price: 50, note });
      // as is, not compressed: the length checked is the JSON's own
      const read = () => fetch(`${owner.baseUrl}/api/v1/alerts`, { headers: { authorization: `Bearer ${owner.apiKey}`, 'accept-encoding': 'identity' } });
      const first = await read();
      const firstText = await first.text();
      const second = await read();
      const secondText = await second.text();
      expect(second.headers.get('x-cache')).toBe('HIT');
      expect(secondText).toBe(firstText);
      expect(JSON.parse(secondText).items[0].note).toBe(note);
      expect(Number(second.headers.get('content-length'))).toBe(Buffer.byteLength(secondText));
    });
  });

  describe('notifications', () => {
    /** The caller's stored notifications about these alerts (the outbox is relayed to the inbox asynchronously). */
    const notificationsOf = async (client: ApiClient, alertIds: string[]) => {
      const page = await client.get('/api/v1/notifications?pageSize=500');
      if (page.status !== 200) throw new Error(`notifications: ${page.status} ${page.text}`);
      return page.body.items.filter((item: { data?: { alertId?: string } }) => alertIds.includes(item.data?.alertId ?? ''));
    };

    it('produces exactly one notification of category alert for a fired alert, however often its tick is replayed', async () => {
      const symbol = ownSymbol();
      const owner = await user('notified');
      const alert = await createAlert(owner, { symbol, condition: 'above', price: 100 });
      const ts = nextTs();
      await sendTicks(admin, { symbol, price: 101, ts });
      await waitForTriggers(owner, alert.id);
      await sendTicks(admin, { symbol, price: 101, ts }, { symbol, price: 101, ts });
      await sendPricePath(admin, symbol, [99, 102]);
      // a later firing whose notification, once stored, shows that everything before it was relayed too
      const sentinel = await armSentinel(owner, symbol);
      await sendTicks(admin, { symbol, price: 103 });
      await waitFor(async () => (await notificationsOf(owner, [sentinel])).length === 1);
      const items = await notificationsOf(owner, [alert.id]);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ category: 'alert', data: { alertId: alert.id, symbol } });
    });

    it('words the notification with the condition, the threshold and the tick price, decimals without trailing zeros', async () => {
      const symbol = ownSymbol();
      const owner = await user('worded');
      const above = await createAlert(owner, { symbol, condition: 'above', price: 110.5 });
      const rise = await createAlert(owner, { symbol, condition: 'pct_up', percent: 10, windowSec: 3600 });
      await sendPricePath(admin, symbol, [100, 110.75]);
      await waitFor(async () => (await notificationsOf(owner, [above.id, rise.id])).length === 2);
      const [aboveNote] = await notificationsOf(owner, [above.id]);
      expect(aboveNote).toMatchObject({
        category: 'alert',
        priority: 'high',
        title: `${symbol} rose to or above 110.5`,
        body: `${symbol} is at 110.75.`,
        data: { alertId: above.id, symbol, condition: 'above', threshold: '110.5', percent: null, price: '110.75', late: false },
      });
      const [riseNote] = await notificationsOf(owner, [rise.id]);
      expect(riseNote).toMatchObject({ title: `${symbol} rose by 10%`, body: `${symbol} is at 110.75.`, data: { alertId: rise.id, condition: 'pct_up', threshold: null, percent: '10', price: '110.75' } });
    });
  });
});

describe('alerts: per-user limit', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ env: { ...ALERTS_SERVER_ENV, TP__ALERTS__MAX_PER_USER: '3' } });
  });

  afterAll(() => server?.dispose());

  it('answers 409 to the 4th active alert, stores nothing, and allows one again after a cancel', async () => {
    const anonymous = new ApiClient(server.url);
    const carol = await anonymous.register(uniqueName('carol'));
    const made = [];
    for (let i = 1; i <= 3; i++) made.push(await createAlert(carol, { symbol: 'BTC/USDT', condition: 'above', price: 1000 * i }));
    const fourth = await carol.post('/api/v1/alerts', { symbol: 'BTC/USDT', condition: 'above', price: 4000 });
    expect(fourth.status).toBe(409);
    expect(fourth.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(errorMessage(fourth)).toMatch(/3/);
    expect((await carol.get('/api/v1/alerts')).body.total).toBe(3);

    const dave = await anonymous.register(uniqueName('dave'));
    expect((await dave.post('/api/v1/alerts', { symbol: 'BTC/USDT', condition: 'above', price: 1 })).status).toBe(201);

    expect((await carol.delete(`/api/v1/alerts/${made[0].id}`)).status).toBe(204);
    expect((await carol.post('/api/v1/alerts', { symbol: 'BTC/USDT', condition: 'above', price: 4000 })).status).toBe(201);
    expect((await carol.post('/api/v1/alerts', { symbol: 'BTC/USDT', condition: 'above', price: 5000 })).status).toBe(409);
  });

  it('holds the limit under concurrent creates', async () => {
    const erin = await new ApiClient(server.url).register(uniqueName('erin'));
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => erin.post('/api/v1/alerts', { symbol: 'ETH/USDT', condition: 'below', price: 100 + i })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 409, 409, 409, 409, 409, 409, 409]);
    expect((await erin.get('/api/v1/alerts?status=active')).body.total).toBe(3);
  });

  it("holds each user's limit when the creates of several users arrive in one burst (one batch), answering each request", async () => {
    const anonymous = new ApiClient(server.url);
    const users = await Promise.all(['fay', 'gus', 'hal'].map((name) => anonymous.register(uniqueName(name))));
    const burst = users.flatMap((client) => Array.from({ length: 6 }, (_, i) => ({ client, price: 200 + i })));
    const answers = await Promise.all(burst.map(({ client, price }) => client.post('/api/v1/alerts', { symbol: 'SOL/USDT', condition: 'above', price })));
    for (const client of users) {
      const own = answers.filter((_, i) => burst[i].client === client);
      expect(own.map((a) => a.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
      for (const refused of own.filter((a) => a.status === 409)) expect(errorMessage(refused)).toContain('at most 3 active alerts');
      const stored = (await client.get('/api/v1/alerts?status=active')).body;
      expect(stored.total).toBe(3);
      expect(stored.items.map((a: { id: string }) => a.id).sort()).toEqual(own.filter((a) => a.status === 201).map((a) => a.body.id).sort());
    }
  });
});
