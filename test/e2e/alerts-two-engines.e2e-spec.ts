// Two server processes over one database evaluate the same ticks: every once-alert still fires exactly once, and an
// every_time alert respects its cooldown across both. Creates through both keep a user's limit of active alerts.
import { Client } from 'pg';
import { ApiClient, uniqueName } from './support/api-client';
import { describeOnlyIn } from './support/e2e-mode';
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

// Only a real PostgreSQL runs two transactions at once: the embedded database serves one statement at a time.
describeOnlyIn('services', 'the per-user limit over two processes', () => {
  const LIMIT = 3;
  const BURST = 8;
  let first: RunningServer;
  let second: RunningServer;
  let blocker: Client;
  /** apart from the blocker: inside a transaction, pg_stat_activity keeps the snapshot of its first read */
  let observer: Client;

  beforeAll(async () => {
    // a database whose sessions default to repeatable read, under which a transaction keeps the snapshot of its
    // first statement: the servers must set read committed on their connections, or the limit would not hold
    const env = { TP__ALERTS__MAX_PER_USER: String(LIMIT) };
    first = await startServer({ env, databaseDefaults: { default_transaction_isolation: 'repeatable read' } });
    second = await startServer({ reuse: first, env });
    blocker = new Client({ connectionString: first.env.DATABASE_URL });
    observer = new Client({ connectionString: first.env.DATABASE_URL });
    await Promise.all([blocker.connect(), observer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([blocker?.end(), observer?.end()]);
    await second?.stop();
    await first?.dispose();
  });

  it('stores at most the limit when both processes create for one user at the same moment', async () => {
    const viaFirst = await new ApiClient(first.url).register(uniqueName('split'));
    const viaSecond = new ApiClient(second.url, viaFirst.apiKey);
    // writes to alerts wait until the blocker commits: one process's batch holds the user's lock and waits for the
    // table, the other waits for the user's lock. Without that lock both would wait for the table, then both count
    // no alert and store the limit each.
    await blocker.query('begin; lock table alerts in share mode');
    const create = (client: ApiClient, i: number) => client.post('/api/v1/alerts', { symbol: 'BTC/USDT', condition: 'above', price: 70000 + i });
    const answers = Promise.all([...Array.from({ length: BURST }, (_, i) => create(viaFirst, i)), ...Array.from({ length: BURST }, (_, i) => create(viaSecond, i))]);
    await waitUntil(async () => (await observer.query(WAITING_CREATES)).rows[0].waiting === 2, 10_000, "both processes' batches waiting on a lock");
    await blocker.query('commit');
    const statuses = (await answers).map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 409)).toHaveLength(2 * BURST - LIMIT);
    expect((await viaSecond.get('/api/v1/alerts?status=active')).body.items).toHaveLength(LIMIT);
  });
});

const WAITING_CREATES = `select count(*)::int as waiting from pg_stat_activity
  where datname = current_database() and wait_event_type = 'Lock' and query like '%create_alerts(%' and pid <> pg_backend_pid()`;
