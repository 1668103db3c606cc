// The database restarts under a running server: requests fail fast and clearly while it is away, an alert
// crossed meanwhile fires once it is back (exactly once, notification included), and the server recovers on
// its own, without a restart of its own.
import { ALERTS_SERVER_ENV, createAlert, sendTicks, triggersOf, waitForTriggers } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { NotificationSocket } from './support/notification-socket';
import { RunningServer, startServer } from './support/server-process';
import { StandaloneDatabase, STANDALONE_START_TIMEOUT_MS, startStandaloneDatabase } from './support/standalone-database';
import { waitFor } from './support/wait-for';

const SYMBOL = 'S40/USDT';

describe('database restart', () => {
  let database: StandaloneDatabase;
  let server: RunningServer;
  let anonymous: ApiClient;
  let socket: NotificationSocket | undefined;

  beforeAll(async () => {
    database = await startStandaloneDatabase({ persistent: true });
    server = await startServer({ env: { ...ALERTS_SERVER_ENV, DATABASE_URL: database.url } });
    anonymous = new ApiClient(server.url);
  }, 2 * STANDALONE_START_TIMEOUT_MS);

  afterAll(async () => {
    socket?.close();
    await server?.dispose();
    await database?.dispose();
  });

  it('fails fast while the database is away, then fires what was crossed meanwhile once, and notifies', async () => {
    const admin = anonymous.as(server.adminKey);
    const trader = await anonymous.register(uniqueName('restart'));
    await sendTicks(admin, { symbol: SYMBOL, price: 100 });
    const alert = await createAlert(trader, { symbol: SYMBOL, condition: 'above', price: 110 });
    socket = await NotificationSocket.open(server.url, { token: trader.apiKey });

    await database.stop();
    await waitFor(async () => (await anonymous.get('/health/ready')).status === 503, 15_000);
    const refused = await trader.post('/api/v1/alerts', { symbol: SYMBOL, condition: 'below', price: 90 });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/database/i) });
    expect(refused.headers.get('retry-after')).toBe('5');
    await sendTicks(admin, { symbol: SYMBOL, price: 120 });

    await database.start();
    await waitFor(async () => (await anonymous.get('/health/ready')).status === 200, 20_000);
    const [fired] = await waitForTriggers(trader, alert.id, 1, 30_000);
    expect(Number(fired.price)).toBe(120);
    await socket.waitForBatch((item) => item.data.alertId === alert.id, 15_000);

    // the alert left the index when it fired: another crossing neither fires it again nor notifies again
    await sendTicks(admin, { symbol: SYMBOL, price: 100 }, { symbol: SYMBOL, price: 130 });
    expect((await trader.get(`/api/v1/alerts/${alert.id}`)).body.status).toBe('triggered');
    expect(await triggersOf(trader, alert.id)).toHaveLength(1);
    const created = await trader.post('/api/v1/alerts', { symbol: SYMBOL, condition: 'below', price: 90 });
    expect(created.status).toBe(201);
    await sendTicks(admin, { symbol: SYMBOL, price: 80 });
    await socket.waitForBatch((item) => item.data.alertId === created.body.id);
    expect(socket.items.filter((item) => item.data.alertId === alert.id)).toHaveLength(1);
  });
});
