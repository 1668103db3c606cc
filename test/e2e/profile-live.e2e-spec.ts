// A run-time profile switch reaches the plugins without a restart: alert limits and notification batching.
import { ApiClient, uniqueName } from './support/api-client';
import { fireAlertsOn } from './support/notification-helpers';
import { NotificationSocket } from './support/notification-socket';
import { RunningServer, startServer } from './support/server-process';
import { waitFor } from './support/wait-for';

describe('profile switch seen live by the plugins', () => {
  let server: RunningServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startServer();
    admin = new ApiClient(server.url, server.adminKey);
  });

  afterAll(() => server?.dispose());

  const switchTo = async (profile: string) => {
    const answer = await admin.put('/admin/api/profile', { profile });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('applies the per-user alert limit of the new profile at once (409 at the new limit)', async () => {
    const switched = await switchTo('conservative');
    expect(switched.applied).toEqual(expect.arrayContaining(['alerts.maxPerUser', 'notifications.batchSize']));
    const user = await admin.register(uniqueName('limited'));
    for (let i = 0; i < 50; i++) {
      expect((await user.post('/api/v1/alerts', { symbol: 'ETH/USDT', condition: 'above', price: 10_000 + i })).status).toBe(201);
    }
    const over = await user.post('/api/v1/alerts', { symbol: 'ETH/USDT', condition: 'above', price: 20_000 });
    expect(over.status).toBe(409);
    expect(over.body.message).toContain('50');
    await switchTo('balanced');
    expect((await user.post('/api/v1/alerts', { symbol: 'ETH/USDT', condition: 'above', price: 20_000 })).status).toBe(201);
  });

  it('batches a burst by the new batch size after balanced → conservative', async () => {
    await switchTo('conservative'); // batchSize 10, window 5 s
    const user = await admin.register(uniqueName('bursty'));
    const socket = await NotificationSocket.open(server.url, { token: user.apiKey });
    try {
      await fireAlertsOn(admin, user, 'SOL/USDT', 15);
      await waitFor(() => (socket.items.length >= 15 ? true : undefined), 20_000);
      expect(socket.batches.map((batch) => batch.length)).toEqual([10, 5]);
    } finally {
      socket.close();
      await switchTo('balanced');
    }
  });
});
