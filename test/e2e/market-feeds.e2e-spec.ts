// The feeds seen from outside: the simulated one (the default), a real server process fed by a CSV file, and the real
// ccxt client polling a local fake exchange (test/fakes/exchange) at MARKET_EXCHANGE_URL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeExchange } from '../fakes/exchange/fake-exchange';
import { createAlert, waitForTriggers } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { RunningServer, startServer } from './support/server-process';
import { waitFor } from './support/wait-for';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const STALE_AFTER_SEC = 2;

async function prices(client: ApiClient): Promise<Record<string, { price: number; updatedAt: string }>> {
  const answer = await client.get('/api/v1/market/prices');
  if (answer.status !== 200) throw new Error(`prices: ${answer.status} ${answer.text}`);
  return Object.fromEntries(answer.body.items.map((item: { symbol: string; price: number; updatedAt: string }) => [item.symbol, item]));
}

async function marketFeedHealth(client: ApiClient): Promise<{ httpStatus: number; marketFeed: Record<string, any> | undefined }> {
  const answer = await client.get('/health/ready');
  return { httpStatus: answer.status, marketFeed: answer.body?.details?.marketFeed };
}

describe('market feeds', () => {
  describe('MARKET_FEED=simulated', () => {
    // a symbol without a reference price gets a made-up starting price too
    const SIMULATED = ['BTC/USDT', 'SOL/USDT', 'S01/USDT'];
    let server: RunningServer;
    let anonymous: ApiClient;
    let user: ApiClient;

    beforeAll(async () => {
      server = await startServer({ env: { MARKET_FEED: 'simulated', MARKET_SYMBOLS: SIMULATED.join(','), TP__MARKET__TICK_INTERVAL_MS: '200' } });
      anonymous = new ApiClient(server.url);
      user = await anonymous.register(uniqueName('simulated'));
    });

    afterAll(() => server?.dispose());

    it('prices every configured symbol and moves the prices tick after tick', async () => {
      const first = await waitFor(async () => {
        const now = await prices(user);
        return SIMULATED.every((symbol) => now[symbol]) ? now : undefined;
      });
      expect(Object.keys(first).sort()).toEqual([...SIMULATED].sort());
      const later = await waitFor(async () => {
        const now = await prices(user);
        return SIMULATED.every((symbol) => now[symbol].updatedAt > first[symbol].updatedAt && now[symbol].price !== first[symbol].price) ? now : undefined;
      });
      for (const symbol of SIMULATED) expect(later[symbol].price).toBeGreaterThan(0);
    });

    it('is reported up in /health/ready', async () => {
      const health = await waitFor(async () => {
        const now = await marketFeedHealth(anonymous);
        return now.httpStatus === 200 ? now : undefined;
      });
      expect(health.marketFeed).toMatchObject({ status: 'up', feed: 'simulated', staleSymbols: [] });
    });
  });

  describe('MARKET_FEED=replay', () => {
    // 150 one-minute bars replayed at 1200×: one bar every 50 ms, 7.5 s in all. BTC/USDT swings between 100 and
    // 120 every 10 bars, so it crosses 110 upwards every second; ETH/USDT climbs by 1 per bar.
    const BARS = 150;
    const SPEED = 1200;
    const btcClose = (i: number) => (Math.floor(i / 10) % 2 === 0 ? 100 : 120);
    const ethClose = (i: number) => 2000 + i;
    let dir: string;
    let server: RunningServer;
    let anonymous: ApiClient;
    let user: ApiClient;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tp-replay-'));
      const lines = ['symbol,timestamp,open,high,low,close,volume'];
      for (let i = 0; i < BARS; i++) {
        const ts = 1_714_521_600_000 + i * 60_000;
        lines.push(`BTC/USDT,${ts},${btcClose(i)},${btcClose(i)},${btcClose(i)},${btcClose(i)},1`, `ETH/USDT,${ts},${ethClose(i)},${ethClose(i)},${ethClose(i)},${ethClose(i)},1`);
      }
      writeFileSync(join(dir, 'bars.csv'), `${lines.join('\n')}\n`);
      server = await startServer({
        env: {
          MARKET_FEED: 'replay',
          MARKET_REPLAY_FILE: join(dir, 'bars.csv'),
          MARKET_REPLAY_SPEED: String(SPEED),
          MARKET_SYMBOLS: SYMBOLS.join(','),
          TP__MARKET__STALE_AFTER_SEC: String(STALE_AFTER_SEC),
        },
      });
      anonymous = new ApiClient(server.url);
      user = await anonymous.register(uniqueName('replay'));
    });

    afterAll(async () => {
      await server?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('fires an alert on a replayed crossing', async () => {
      const alert = await createAlert(user, { symbol: 'BTC/USDT', condition: 'crosses_up', price: 110 });
      const [trigger] = await waitForTriggers(user, alert.id, 1, 10_000);
      expect(Number(trigger.price)).toBe(120);
    });

    it('is a healthy feed while it plays', async () => {
      const health = await marketFeedHealth(anonymous);
      expect(health.httpStatus).toBe(200);
      expect(health.marketFeed).toMatchObject({ status: 'up', feed: 'replay', staleSymbols: [] });
    });

    it('shows the replayed closes in /market/prices, ending at the last bar', async () => {
      const seen = await prices(user);
      expect(Array.from({ length: BARS }, (_, i) => ethClose(i))).toContain(seen['ETH/USDT'].price);
      const last = await waitFor(async () => {
        const now = await prices(user);
        return now['ETH/USDT'].price === ethClose(BARS - 1) ? now : undefined;
      }, 30_000);
      expect(last['BTC/USDT'].price).toBe(btcClose(BARS - 1));
    });

    it('builds 1m candles from the replayed ticks: every ETH/USDT bar counted once, prices within the file', async () => {
      const answer = await user.get('/api/v1/market/candles?symbol=ETH/USDT&interval=1m');
      expect(answer.status).toBe(200);
      const candles: Array<{ open: number; high: number; low: number; close: number; volume: number }> = answer.body.items;
      expect(candles.length).toBeGreaterThanOrEqual(1);
      expect(candles.reduce((sum, c) => sum + c.volume, 0)).toBe(BARS);
      expect(candles[0].open).toBe(ethClose(0));
      expect(candles[candles.length - 1].close).toBe(ethClose(BARS - 1));
      expect(Math.max(...candles.map((c) => c.high))).toBe(ethClose(BARS - 1));
    });

    it('stops at the end of the file: /health/ready then names the replay feed as down', async () => {
      const health = await waitFor(async () => {
        const now = await marketFeedHealth(anonymous);
        return now.httpStatus === 503 ? now : undefined;
      }, (STALE_AFTER_SEC + 10) * 1000);
      expect(health.marketFeed).toMatchObject({ status: 'down', feed: 'replay', staleSymbols: SYMBOLS });
      expect(server.output()).toContain(`finished after ${BARS} steps`);
    });
  });

  describe('MARKET_FEED=ccxt against a fake exchange', () => {
    const TICK_INTERVAL_MS = 200;
    let fake: FakeExchange;
    let server: RunningServer;
    let anonymous: ApiClient;
    let admin: ApiClient;
    let user: ApiClient;

    beforeAll(async () => {
      fake = new FakeExchange({ symbols: [...SYMBOLS, 'SOL/USDT'], prices: { 'BTC/USDT': 65000, 'ETH/USDT': 3200, 'SOL/USDT': 150 } });
      await fake.start();
      server = await startServer({
        env: {
          MARKET_FEED: 'ccxt',
          MARKET_EXCHANGE: 'binance',
          MARKET_EXCHANGE_URL: fake.url,
          MARKET_SYMBOLS: SYMBOLS.join(','),
          TP__MARKET__STALE_AFTER_SEC: String(STALE_AFTER_SEC),
          TP__MARKET__TICK_INTERVAL_MS: String(TICK_INTERVAL_MS),
        },
      });
      anonymous = new ApiClient(server.url);
      admin = anonymous.as(server.adminKey);
      user = await anonymous.register(uniqueName('ccxt'));
    });

    afterAll(async () => {
      await server?.dispose();
      await fake?.stop();
    });

    it("shows the exchange's prices", async () => {
      const seen = await waitFor(async () => {
        const now = await prices(user);
        return Object.keys(now).length === SYMBOLS.length ? now : undefined;
      });
      expect(seen['BTC/USDT'].price).toBe(65000);
      expect(seen['ETH/USDT'].price).toBe(3200);
    });

    it('shows a price the exchange changed from the next poll on', async () => {
      fake.setPrice('BTC/USDT', 65432.1);
      const seen = await waitFor(async () => {
        const now = await prices(user);
        return now['BTC/USDT'].price === 65432.1 ? now : undefined;
      }, 5000);
      expect(seen['ETH/USDT'].price).toBe(3200);
    });

    it('asks once per poll, for every symbol in that one request, never more often than the poll interval', async () => {
      const ticksBefore = await ccxtTicks(admin);
      const from = fake.requests('/ticker/24hr').length;
      await waitFor(() => fake.requests('/ticker/24hr').length >= from + 6, 20_000);
      const ticksAfter = await ccxtTicks(admin);
      const polls = fake.requests('/ticker/24hr').slice(from);
      // each successful poll brings one tick per symbol; a poll may be in flight at either end of the window
      expect(Math.abs((ticksAfter - ticksBefore) / SYMBOLS.length - polls.length)).toBeLessThanOrEqual(1);
      for (const poll of polls) expect(JSON.parse(poll.query.symbols)).toEqual(['BTCUSDT', 'ETHUSDT']);
      const gaps = polls.slice(1).map((poll, i) => poll.at - polls[i].at);
      // the pace is the poll interval or, if slower, the exchange's own rate limit (ccxt spaces binance's
      // fetchTickers by its request cost): either way regular, and never two requests in one interval
      const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(TICK_INTERVAL_MS - 20);
        expect(gap).toBeLessThanOrEqual(median * 1.5);
      }
      // markets were loaded once, at start; nothing but tickers since
      expect(fake.requests().filter((r) => r.path !== '/api/v3/ticker/24hr').map((r) => r.path)).toEqual(['/api/v3/exchangeInfo']);
    });

    it('rides out 429 answers without losing the feed', async () => {
      fake.fail({ status: 429, count: 2 });
      const from = fake.requests('/ticker/24hr').length;
      await waitFor(() => fake.requests('/ticker/24hr').slice(from).some((r) => r.status === 200), 15_000);
      expect(fake.requests('/ticker/24hr').slice(from).filter((r) => r.status === 429)).toHaveLength(2);
      expect((await marketFeedHealth(anonymous)).marketFeed).toMatchObject({ status: 'up', feed: 'ccxt' });
    });

    it('is reported down once the exchange has failed for longer than staleAfterSec, and up again when it answers', async () => {
      await waitFor(async () => (await marketFeedHealth(anonymous)).marketFeed?.status === 'up');
      fake.fail({ status: 500 });
      const failingSince = Date.now();
      const down = await waitFor(async () => {
        const now = await marketFeedHealth(anonymous);
        return now.httpStatus === 503 ? now : undefined;
      }, (STALE_AFTER_SEC + 10) * 1000);
      expect(Date.now() - failingSince).toBeGreaterThanOrEqual(STALE_AFTER_SEC * 1000 - 1000);
      expect(down.marketFeed).toMatchObject({ status: 'down', feed: 'ccxt', staleSymbols: SYMBOLS });
      expect(fake.requests('/ticker/24hr').filter((r) => r.at >= failingSince && r.status === 500).length).toBeGreaterThanOrEqual(2);

      fake.setPrice('ETH/USDT', 3300);
      fake.recover();
      const up = await waitFor(async () => {
        const now = await marketFeedHealth(anonymous);
        return now.httpStatus === 200 ? now : undefined;
      }, 30_000);
      expect(up.marketFeed).toMatchObject({ status: 'up', feed: 'ccxt', staleSymbols: [] });
      expect((await prices(user))['ETH/USDT'].price).toBe(3300);
      expect(server.process.exitCode).toBeNull();
      expect(server.output()).toMatch(/poll of binance failed \(\d+ in a row; backing off\)/);
    });
  });
});

/** ticks the ccxt feed has delivered, from the Prometheus counter */
async function ccxtTicks(admin: ApiClient): Promise<number> {
  const metrics = await admin.get('/metrics');
  const match = /^tradepulse_market_ticks_total\{source="ccxt"\} (\d+)/m.exec(metrics.text);
  return match ? Number(match[1]) : 0;
}
