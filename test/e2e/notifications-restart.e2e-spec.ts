// A server killed (SIGKILL) while a notification waits in its batch window delivers it exactly once after the
// restart: the notification is in the store, and the recovery pass hands it to the channels. A delivery claimed
// by a process that stopped before sending is sent once by the stale-claim sweep of the process that follows,
// as the batch it was claimed in, with that batch's delivery id.
import { Client } from 'pg';
import { FakeBotApi } from '../fakes/telegram';
import { WebhookReceiver, ReceivedWebhook } from '../fakes/webhooks/webhook-receiver';
import { ALERTS_SERVER_ENV, createAlert, EXTRA_SYMBOLS, sendTicks } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { storedFor } from './support/notification-helpers';
import { NotificationSocket } from './support/notification-socket';
import { RunningServer, startServer } from './support/server-process';
import { databaseUrlOf, SharedDatabase, sharedDatabase } from './support/shared-database';
import { API_KEY, botServerEnv, newPrivateChatId, TelegramChat, waitForBotState } from './support/telegram-helpers';
import { waitFor } from './support/wait-for';

/** without Redis the first recovery pass runs 2 s after start; with Redis it waits for the window plus a grace */
const RECOVERY_MS = 45_000;

describe('notifications across a crash', () => {
  const fake = new FakeBotApi();
  const env = () => botServerEnv(fake, { MARKET_SYMBOLS: EXTRA_SYMBOLS.slice(0, 2).join(','), TP__NOTIFICATIONS__BATCH_WINDOW_MS: '1000' });
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  let socket: NotificationSocket | undefined;

  beforeAll(() => fake.start());

  afterAll(async () => {
    socket?.close();
    await second?.dispose();
    await first?.dispose();
    await fake.stop();
  });

  it('delivers a notification that waited in the window when the process was killed, once, after the restart', async () => {
    first = await startServer({ env: env() });
    const anonymous = new ApiClient(first.url);
    await waitForBotState(anonymous, 'online', 20_000);
    const chat = new TelegramChat(fake, newPrivateChatId());
    await chat.say('/start');
    const apiKey = API_KEY.exec((await chat.say('/token')).text ?? '')![0];
    const owner = anonymous.as(apiKey);
    // a 10 s digest keeps the notification in the batch window well past the kill
    expect((await owner.put('/api/v1/notifications/preferences', { digest: { enabled: true, windowSec: 10 } })).status).toBe(200);
    const [symbol, sentinelSymbol] = EXTRA_SYMBOLS;
    const alert = await createAlert(owner, { symbol, condition: 'above', price: 10 });
    await sendTicks(anonymous.as(first.adminKey), { symbol, price: 100 });
    const [stored] = await waitFor(async () => {
      const items = (await owner.get('/api/v1/notifications')).body.items;
      return items.length ? items : false;
    });
    const mark = chat.mark();
    first.process.kill('SIGKILL');
    await first.stop();

    second = await startServer({ reuse: first, env: env() });
    const restarted = new ApiClient(second.url).as(apiKey);
    const message = await chat.next('sendMessage', mark, RECOVERY_MS);
    expect(message.text).toContain(stored.title);

    await restarted.put('/api/v1/notifications/preferences', { digest: { enabled: false } });
    const sentinel = await createAlert(restarted, { symbol: sentinelSymbol, condition: 'above', price: 10 });
    await sendTicks(new ApiClient(second.url).as(second.adminKey), { symbol: sentinelSymbol, price: 100 });
    await waitFor(() => chat.all().some((call) => call.seq > mark && String(call.text).includes(sentinelSymbol)));
    const texts = chat.all().filter((call) => call.seq > mark).map((call) => String(call.text));
    expect(texts.filter((text) => text.includes(stored.title))).toHaveLength(1);
    expect(texts).toHaveLength(2);

    socket = await NotificationSocket.open(second.url, { token: apiKey, lastNotificationId: '0' });
    const replayed = await socket.waitForBatch((item) => item.data.alertId === alert.id);
    expect(replayed.filter((item) => item.data.alertId === alert.id)).toHaveLength(1);
    expect(replayed.some((item) => item.data.alertId === sentinel.id)).toBe(true);
  }, 120_000);
});

describe('deliveries claimed by a process that stopped before sending', () => {
  const [olderSymbol, seenSymbol, interruptedSymbol, sentinelSymbol] = EXTRA_SYMBOLS;
  let database: SharedDatabase;
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  let db: Client | undefined;
  let socket: NotificationSocket | undefined;

  beforeAll(async () => {
    database = await sharedDatabase();
  });

  afterAll(async () => {
    socket?.close();
    await db?.end();
    // both servers share one database; the last one to run cleans it up
    await first?.stop();
    await (second ?? first)?.dispose();
    database?.stop();
  });

  /** Fires an alert of `user` on `symbol` and resolves with its notification once stored. */
  const notify = async (server: RunningServer, user: ApiClient, symbol: string) => {
    const alert = await createAlert(user, { symbol, condition: 'above', price: 10 });
    await sendTicks(new ApiClient(server.url, server.adminKey), { symbol, price: 100 });
    return (await storedFor(user, [alert.id]))[0];
  };
  const websocketRecords = async (...notifications: Array<{ id: string }>) => {
    const { rows } = await db!.query<{ id: string; status: string; attempts: number }>(
      `select notification_id as id, status, attempts from deliveries where channel = 'websocket' and notification_id = any($1::bigint[])`,
      [notifications.map((notification) => notification.id)],
    );
    return notifications.map((notification) => rows.find((row) => row.id === notification.id));
  };
  /** The record as a process leaves it when it stops between claim and send: claimed, never acknowledged (an hour ago, older than any staleness the sweep applies). */
  const leaveClaimed = (notification: { id: string }) =>
    db!.query(`update deliveries set status = 'claimed', updated_at = now() - interval '1 hour' where channel = 'websocket' and notification_id = $1`, [notification.id]);

  it('sends each once after the restart, to a client reconnecting with lastNotificationId as to one connected, and records it sent', async () => {
    const env = { ...ALERTS_SERVER_ENV, ...database.env };
    first = await startServer({ env });
    const before = await new ApiClient(first.url).register(uniqueName('claimed'));
    const older = await notify(first, before, olderSymbol);
    const seen = await notify(first, before, seenSymbol);
    const interrupted = await notify(first, before, interruptedSymbol);
    db = new Client({ connectionString: databaseUrlOf(first, database) });
    await db.connect();
    await waitFor(async () => (await websocketRecords(older, seen, interrupted)).every((record) => record?.status === 'sent'), 15_000);
    expect(await first.stop()).toBe(0);
    await leaveClaimed(interrupted);

    second = await startServer({ reuse: first, env });
    const trader = new ApiClient(second.url, before.apiKey);
    // the client saw `seen` before the restart: the replay leaves the orphaned claim to the sweep, which sends it
    socket = await NotificationSocket.open(second.url, { token: trader.apiKey, lastNotificationId: seen.id });
    await socket.waitForBatch((item) => item.id === interrupted.id, 30_000);
    // a claim left while the client is connected reaches it live (written only now, so that the sweep, 2 s after
    // the start and then every 10 s, cannot send it to an empty room first)
    await leaveClaimed(older);
    await socket.waitForBatch((item) => item.id === older.id, 30_000);
    await waitFor(async () => (await websocketRecords(interrupted, older)).every((record) => record?.status === 'sent'));
    expect(await websocketRecords(interrupted, older)).toEqual([
      { id: interrupted.id, status: 'sent', attempts: 2 },
      { id: older.id, status: 'sent', attempts: 2 },
    ]);

    // whatever was sent before a later notification has arrived by the time it does
    const sentinel = await notify(second, trader, sentinelSymbol);
    await socket.waitForBatch((item) => item.id === sentinel.id);
    expect(socket.items.map((item) => item.id).sort()).toEqual([older.id, interrupted.id, sentinel.id].sort());

    // a client that saw `interrupted` and left before `older` was sent again: the replay follows the order of
    // sending, so `older`, a lower id sent later, is in it; what was sent before `interrupted` is not
    const late = await NotificationSocket.open(second.url, { token: trader.apiKey, lastNotificationId: interrupted.id });
    try {
      const replayed = await late.waitForBatch((item) => item.id === sentinel.id);
      expect(replayed.map((item) => item.id)).toEqual([older.id, sentinel.id]);
    } finally {
      late.close();
    }
  }, 120_000);
});

describe('stale claims of several batches', () => {
  const receiver = new WebhookReceiver();
  const [firstSymbol, secondSymbol] = EXTRA_SYMBOLS;
  let database: SharedDatabase;
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  let db: Client | undefined;

  beforeAll(async () => {
    database = await sharedDatabase();
    await receiver.start();
  });

  afterAll(async () => {
    await db?.end();
    await first?.stop();
    await (second ?? first)?.dispose();
    database?.stop();
    await receiver.stop();
  });

  const delivered = (request: ReceivedWebhook) => ({
    deliveryId: String(request.headers['x-tradepulse-delivery']),
    ids: (JSON.parse(request.rawBody).items as Array<{ id: string }>).map((item) => item.id),
  });

  it('sends each again as the batch it was claimed in, with the delivery id its receiver saw the first time', async () => {
    const env = { ...ALERTS_SERVER_ENV, ...database.env, WEBHOOK_ALLOWLIST: '127.0.0.1' };
    first = await startServer({ env });
    const trader = await new ApiClient(first.url).register(uniqueName('batches'));
    expect((await trader.post('/api/v1/webhooks', { url: `${receiver.url}/trader`, secret: 'a-secret-of-sixteen-or-more' })).status).toBe(201);
    const notifyOn = async (symbol: string) => {
      const alert = await createAlert(trader, { symbol, condition: 'above', price: 10 });
      await sendTicks(new ApiClient(first!.url, first!.adminKey), { symbol, price: 100 });
      const [stored] = await storedFor(trader, [alert.id]);
      return waitFor(() => receiver.to('/trader').map(delivered).find((request) => request.ids.includes(stored.id)) ?? false);
    };
    // two batches, one after the other
    const before = [await notifyOn(firstSymbol), await notifyOn(secondSymbol)];
    expect(before.map((request) => request.ids.length)).toEqual([1, 1]);
    expect(before[0].deliveryId).not.toBe(before[1].deliveryId);
    expect(await first.stop()).toBe(0);

    // both as a process leaves them when it stops after sending but before recording the outcome
    db = new Client({ connectionString: databaseUrlOf(first, database) });
    await db.connect();
    const ids = before.flatMap((request) => request.ids);
    const { rowCount } = await db.query(
      `update deliveries set status = 'claimed', updated_at = now() - interval '1 hour' where channel = 'webhook' and notification_id = any($1::bigint[])`,
      [ids],
    );
    expect(rowCount).toBe(2);
    const sentBefore = receiver.to('/trader').length;

    second = await startServer({ reuse: first, env });
    const resent = await waitFor(() => {
      const after = receiver.to('/trader').slice(sentBefore).map(delivered);
      return after.flatMap((request) => request.ids).length >= 2 ? after : false;
    }, 30_000);
    // one request per batch, each the same as the first time (a receiver that saw it can tell), never merged
    expect(resent.sort((a, b) => a.ids[0].localeCompare(b.ids[0]))).toEqual(before.sort((a, b) => a.ids[0].localeCompare(b.ids[0])));
    await waitFor(async () => {
      const { rows } = await db!.query(`select status from deliveries where channel = 'webhook' and notification_id = any($1::bigint[])`, [ids]);
      return rows.every((row) => row.status === 'sent');
    });
  }, 120_000);
});

describe('WebSocket sends still waiting for the user\'s rate at a SIGTERM', () => {
  const [symbol] = EXTRA_SYMBOLS;
  // one notification per batch, and one send per second for the user: most of ten wait when the process stops
  const env = { ...ALERTS_SERVER_ENV, TP__NOTIFICATIONS__BATCH_SIZE: '1', TP__WEBSOCKET__SEND_RATE_PER_SEC: '1', TP__WEBSOCKET__SEND_BURST: '1' };
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  const sockets: NotificationSocket[] = [];

  afterAll(async () => {
    for (const open of sockets) open.close();
    await first?.stop();
    await (second ?? first)?.dispose();
  });

  it('are sent after the restart, so the client gets each notification once', async () => {
    first = await startServer({ env });
    const owner = await new ApiClient(first.url).register(uniqueName('waiting'));
    const alerts = [];
    for (let i = 0; i < 10; i++) alerts.push(await createAlert(owner, { symbol, condition: 'above', price: 10 + i }));
    const before = await NotificationSocket.open(first.url, { token: owner.apiKey! });
    sockets.push(before);
    await sendTicks(new ApiClient(first.url, first.adminKey), { symbol, price: 100 });
    await before.waitForBatch(() => true);
    expect(await first.stop()).toBe(0);
    const seenBefore = before.items.map((item) => Number(item.id));
    expect(seenBefore.length).toBeLessThan(alerts.length);

    second = await startServer({ reuse: first, env });
    const after = await NotificationSocket.open(second.url, { token: owner.apiKey!, lastNotificationId: String(Math.max(...seenBefore)) });
    sockets.push(after);
    const alertIds = new Set(alerts.map((alert) => alert.id));
    const received = () => [...before.items, ...after.items].filter((item) => alertIds.has(String(item.data.alertId)));
    await waitFor(() => new Set(received().map((item) => item.data.alertId)).size === alerts.length, 30_000);
    // past the restart's recovery sweep, which would be the one to send anything twice
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(received().map((item) => item.data.alertId).sort()).toEqual([...alertIds].sort());
  }, 90_000);
});
