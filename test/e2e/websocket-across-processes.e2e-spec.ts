// With Redis, a notification dispatched by one process reaches the user's sockets held by another (the Socket.IO
// Redis adapter): here the second process has only the api role, so every notification is dispatched by the
// first, and the emits of one dispatch pass are published to Redis together.
import { ALERTS_SERVER_ENV, createAlert, EXTRA_SYMBOLS, sendTicks } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { describeOnlyIn } from './support/e2e-mode';
import { NotificationSocket } from './support/notification-socket';
import { RunningServer, startServer } from './support/server-process';

describeOnlyIn('services', 'WebSocket notifications across processes', () => {
  const symbol = EXTRA_SYMBOLS[0];
  const env = { ...ALERTS_SERVER_ENV, TP__NOTIFICATIONS__BATCH_WINDOW_MS: '100' };
  let dispatching: RunningServer;
  let holding: RunningServer;
  const sockets: NotificationSocket[] = [];

  beforeAll(async () => {
    dispatching = await startServer({ env });
    holding = await startServer({ reuse: dispatching, env: { ...env, ROLES: 'api' } });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await holding?.stop();
    await dispatching?.dispose();
  });

  it("delivers each user's notifications, fired by one tick, to their sockets on the other process, and to no one else", async () => {
    const traders = await Promise.all([1, 2, 3].map(() => new ApiClient(dispatching.url).register(uniqueName('across'))));
    const alerts = await Promise.all(traders.map((trader, i) => createAlert(trader, { symbol, condition: 'above', price: 10 + i })));
    for (const trader of traders) sockets.push(await NotificationSocket.open(holding.url, { token: trader.apiKey }));

    await sendTicks(new ApiClient(dispatching.url).as(dispatching.adminKey), { symbol, price: 100 });

    const batches = await Promise.all(sockets.map((socket, i) => socket.waitForBatch((item) => item.data.alertId === alerts[i].id)));
    batches.forEach((items, i) => expect(items.map((item) => item.data.alertId)).toEqual([alerts[i].id]));
    // nothing else arrives: each socket got its own notification, once
    await new Promise((resolve) => setTimeout(resolve, 500));
    sockets.forEach((socket, i) => expect(socket.items.map((item) => item.data.alertId)).toEqual([alerts[i].id]));
  }, 60_000);
});
