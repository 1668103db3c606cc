// Two server processes over one database evaluate the same ticks: every once-alert still fires exactly once, and an
// every_time alert respects its cooldown across both.
import { ApiClient, uniqueName } from './support/api-client';
import { RunningServer, startServer } from './support/server-process';
import { SharedDatabase, sharedDatabase } from './support/shared-database';
import { waitUntil } from './support/wait-until';

describe('two engines over one database', () => {
  let database: SharedDatabase;
  let first: RunningServer;
  let second: RunningServer;

  beforeAll(async () => {
    database = await sharedDatabase();
    first = await startServer({ env: database.env });
  });

  afterAll(async () => {
    await second?.stop();
    await first?.dispose();
    database?.stop();
  });

  it('fires every once-alert exactly once, and an every_time alert once per cooldown, when both processes see the same ticks, twice', async () => {
    const admin1 = new ApiClient(first.url, first.adminKey);
    await admin1.post('/api/v1/admin/market/ticks', { ticks: [{ symbol: 'BTC/USDT', price: 60000 }] });
    const user = await new ApiClient(first.url).register(uniqueName('twin'));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await user.post('/api/v1/alerts', { symbol: 'BTC/USDT', condition: 'above', price: 61000 + i });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const repeating = await user.post('/api/v1/alerts', { symbol: 'BTC/USDT', condition: 'above', price: 61500, frequency: 'every_time', cooldownSec: 300 });
    expect(repeating.status).toBe(201);
    // the second process loads the same active alerts from the database at start
    second = await startServer({ reuse: first, env: database.env });
    const admin2 = new ApiClient(second.url, first.adminKey);
    const tick = { ticks: [{ symbol: 'BTC/USDT', price: 62000 }] };
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all([admin1.post('/api/v1/admin/market/ticks', tick), admin2.post('/api/v1/admin/market/ticks', tick)]);
      expect(answers.map((a) => a.status)).toEqual([202, 202]);
    }
    await waitUntil(async () => (await user.get('/api/v1/alerts/stats')).body.triggered === 20, 20_000, 'all 20 alerts triggered');
    for (const id of ids) {
      const triggers = await user.get(`/api/v1/alerts/${id}/triggers`);
      expect(triggers.body.items).toHaveLength(1);
    }
    // each process stamps the ticks with its own time: without the cooldown in the firing, each would fire it once
    expect((await user.get(`/api/v1/alerts/${repeating.body.id}/triggers`)).body.items).toHaveLength(1);
    const stats = await user.get('/api/v1/alerts/stats');
    expect(stats.body).toMatchObject({ active: 1, triggered: 20, triggersLast24h: 21 });
  });
});
