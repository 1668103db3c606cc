// Notifications seen from outside: WebSocket batches and replay, Telegram messages through the fake Bot API,
// signed webhooks to a local receiver, preferences, the inbox routes and isolation between users.
// Alerts are the producer: a fired alert makes one notification of category `alert`.
import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { FakeBotApi } from '../fakes/telegram';
import { WebhookReceiver } from '../fakes/webhooks/webhook-receiver';
import { EXTRA_SYMBOLS, sendTicks } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { FrameRecordingProxy } from './support/frame-recording-proxy';
import { fireAlertsOn, storedFor } from './support/notification-helpers';
import { DeliveredItem, NotificationSocket } from './support/notification-socket';
import { RunningServer } from './support/server-process';
import { API_KEY, newPrivateChatId, startBotServer, TelegramChat } from './support/telegram-helpers';
import { waitFor } from './support/wait-for';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const PER_USER_SOCKETS = 3;
/** short enough to pass inside a test; heartbeats every 300 ms keep listening clients active */
const IDLE_TIMEOUT_SEC = 1;
/** WebSocket messages from this size are compressed (permessage-deflate) */
const COMPRESSION_THRESHOLD_BYTES = 1024;
const TEXT_FRAME = 1;

describe('notifications', () => {
  const fake = new FakeBotApi();
  const receiver = new WebhookReceiver();
  const sockets: NotificationSocket[] = [];
  const freeSymbols = [...EXTRA_SYMBOLS];
  let server: RunningServer;
  let anonymous: ApiClient;
  let admin: ApiClient;

  const ownSymbol = (): string => {
    const symbol = freeSymbols.shift();
    if (!symbol) throw new Error('out of test symbols: add more to EXTRA_SYMBOLS');
    return symbol;
  };
  const user = (prefix: string) => anonymous.register(uniqueName(prefix));
  const open = async (auth: { token?: string; lastNotificationId?: string }) => {
    const socket = await NotificationSocket.open(server.url, auth);
    sockets.push(socket);
    return socket;
  };

  const fireAlerts = (client: ApiClient, count: number) => fireAlertsOn(admin, client, ownSymbol(), count);
  const forAlert = (alertId: string) => (item: DeliveredItem) => item.data.alertId === alertId;

  beforeAll(async () => {
    await Promise.all([fake.start(), receiver.start()]);
    server = await startBotServer(fake, {
      MARKET_SYMBOLS: ['BTC/USDT', ...EXTRA_SYMBOLS].join(','),
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      TP__NOTIFICATIONS__BATCH_WINDOW_MS: '1000',
      TP__WEBHOOKS__MAX_ATTEMPTS: '3',
      TP__WEBHOOKS__DISABLE_AFTER_FAILURES: '3',
      TP__QUEUES__RETRY_BACKOFF_MS: '200',
      // two webhook slots: enough for a slow endpoint's request plus one job queued behind it to take them all,
      // were a job that waits for its endpoint to hold a slot
      TP__QUEUES__CONCURRENCY: '2',
      // a held request must not time out (and be retried) while a test keeps its endpoint slow
      TP__WEBHOOKS__TIMEOUT_MS: '30000',
      TP__WEBSOCKET__MAX_CONNECTIONS_PER_USER: String(PER_USER_SOCKETS),
      TP__WEBSOCKET__IDLE_TIMEOUT_SEC: String(IDLE_TIMEOUT_SEC),
      TP__WEBSOCKET__PING_INTERVAL_MS: '300',
      TP__WEBSOCKET__COMPRESSION_THRESHOLD_BYTES: String(COMPRESSION_THRESHOLD_BYTES),
    });
    anonymous = new ApiClient(server.url);
    admin = anonymous.as(server.adminKey);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await server?.dispose();
    await Promise.all([fake.stop(), receiver.stop()]);
  });

  describe('WebSocket', () => {
    it('delivers three alerts of one user fired inside the window as one batch, in the contract shape', async () => {
      const alice = await user('alice');
      const socket = await open({ token: alice.apiKey });
      const alertIds = await fireAlerts(alice, 3);
      const batch = await socket.waitForBatch(forAlert(alertIds[0]));
      expect(batch.map((item) => item.data.alertId).sort()).toEqual([...alertIds].sort());
      for (const item of batch) {
        expect(item).toEqual({ id: expect.stringMatching(/^\d+$/), category: 'alert', priority: 'high', title: expect.any(String), body: expect.any(String), createdAt: expect.stringMatching(ISO_TIME), data: expect.any(Object) });
      }
      expect(socket.batches).toHaveLength(1);
    });

    it('compresses a message from the threshold on (permessage-deflate with a 2 KB window) and sends a smaller one as it is', async () => {
      const proxy = new FrameRecordingProxy(server.url);
      try {
        const dora = await user('dora');
        const socket = await NotificationSocket.open(await proxy.start(), { token: dora.apiKey });
        sockets.push(socket);
        const [single] = await fireAlerts(dora, 1);
        const small = await socket.waitForBatch(forAlert(single));
        const many = await fireAlerts(dora, 12);
        const large = await socket.waitForBatch(forAlert(many[0]));
        // the message as Socket.IO writes it: engine.io's "4" (message), Socket.IO's "2" (event), then the JSON
        const [smallBytes, largeBytes] = [small, large].map((items) => Buffer.byteLength(`42${JSON.stringify(['notification', { items }])}`));
        expect(large).toHaveLength(12);
        expect(smallBytes).toBeLessThan(COMPRESSION_THRESHOLD_BYTES);
        expect(largeBytes).toBeGreaterThan(3 * COMPRESSION_THRESHOLD_BYTES);

        expect(proxy.upgradeAnswer).toMatch(/^sec-websocket-extensions: permessage-deflate;.*server_max_window_bits=11/im);
        const texts = proxy.frames.filter((frame) => frame.opcode === TEXT_FRAME);
        expect(texts).toContainEqual({ opcode: TEXT_FRAME, compressed: false, payloadBytes: smallBytes });
        const compressed = texts.filter((frame) => frame.compressed);
        expect(compressed).toHaveLength(1);
        expect(compressed[0].payloadBytes).toBeLessThan(largeBytes / 4);
      } finally {
        await proxy.stop();
      }
    });

    it('answers 400 to a handshake whose only compression offer asks for a window under 2 KB, and 101 with a fallback offer', async () => {
      const upgrade = (extensions: string) =>
        new Promise<{ status: number; extensions?: string }>((resolve, reject) => {
          const request = httpRequest(`${server.url}/ws/?EIO=4&transport=websocket`, {
            headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-extensions': extensions },
          });
          request.on('upgrade', (answer, socket) => {
            socket.destroy();
            resolve({ status: answer.statusCode ?? 0, extensions: answer.headers['sec-websocket-extensions'] });
          });
          request.on('response', (answer) => {
            answer.resume();
            resolve({ status: answer.statusCode ?? 0 });
          });
          request.on('error', reject);
          request.end();
        });

      expect(await upgrade('permessage-deflate; server_max_window_bits=10')).toEqual({ status: 400 });
      expect(await upgrade('permessage-deflate; server_max_window_bits=10, permessage-deflate')).toEqual({
        status: 101,
        extensions: expect.stringMatching(/^permessage-deflate;.*server_max_window_bits=11/),
      });
    });

    it('refuses a socket without a key or with an unknown key: an error event with the reason, then disconnect', async () => {
      for (const auth of [{}, { token: 'tp_0123456789abcdef_' + 'A'.repeat(43) }, { token: 'not-a-key' }]) {
        const socket = new NotificationSocket(server.url, auth);
        sockets.push(socket);
        expect(await socket.waitForDisconnect()).toBe('io server disconnect');
        expect(socket.errors).toEqual([{ reason: expect.stringMatching(/^unauthorized: /) }]);
        expect(socket.events.filter((event) => event !== 'connect')).toEqual(['error', 'disconnect']);
      }
    });

    it("closes the sockets of a revoked key at once, with the reason, and leaves the user's other keys connected", async () => {
      const carl = await user('carl');
      const laptop = (await carl.post('/api/v1/me/api-keys', { label: 'laptop' })).body;
      const revoked = await open({ token: laptop.apiKey });
      const kept = await open({ token: carl.apiKey });
      expect((await carl.delete(`/api/v1/me/api-keys/${laptop.id}`)).status).toBe(204);
      expect(await revoked.waitForDisconnect()).toBe('io server disconnect');
      expect(revoked.errors).toEqual([{ reason: 'unauthorized: the API key of this connection was revoked' }]);
      const [alertId] = await fireAlerts(carl, 1);
      expect((await kept.waitForBatch(forAlert(alertId))).map((item) => item.data.alertId)).toEqual([alertId]);
    });

    it('refuses a connection past the per-user limit with the reason, and admits it again once one closes', async () => {
      const bob = await user('bob');
      const held = await Promise.all(Array.from({ length: PER_USER_SOCKETS }, () => open({ token: bob.apiKey })));
      const extra = new NotificationSocket(server.url, { token: bob.apiKey });
      sockets.push(extra);
      expect(await extra.waitForDisconnect()).toBe('io server disconnect');
      expect(extra.errors[0].reason).toMatch(/too many connections for this user/);
      held[0].close();
      await waitFor(async () => {
        const retry = await open({ token: bob.apiKey });
        await new Promise((resolve) => setTimeout(resolve, 100));
        return retry.socket.connected && !retry.errors.length;
      });
    });

    it('replays what a reconnecting client missed since its lastNotificationId, once', async () => {
      const carol = await user('carol');
      const observer = await open({ token: carol.apiKey });
      const phone = await open({ token: carol.apiKey });
      const [first] = await fireAlerts(carol, 1);
      const seen = await phone.waitForBatch(forAlert(first));
      phone.close();
      const missedAlerts = await fireAlerts(carol, 2);
      const missed = await observer.waitForBatch(forAlert(missedAlerts[0]));
      const back = await open({ token: carol.apiKey, lastNotificationId: seen.at(-1)!.id });
      const replayed = await back.waitForBatch(forAlert(missedAlerts[0]));
      expect(replayed.map((item) => item.id)).toEqual(missed.map((item) => item.id));
      const [later] = await fireAlerts(carol, 1);
      await back.waitForBatch(forAlert(later));
      const ids = back.items.map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).not.toContain(seen[0].id);
      expect(back.batches).toHaveLength(2);
    });

    it('keeps a client that only listens connected past the idle timeout: its heartbeat replies count', async () => {
      const listener = await user('listener');
      const socket = await open({ token: listener.apiKey });
      await new Promise((resolve) => setTimeout(resolve, (IDLE_TIMEOUT_SEC * 2 + 1) * 1000));
      expect(socket.events).toEqual(['connect']);
      const [alertId] = await fireAlerts(listener, 1);
      await socket.waitForBatch(forAlert(alertId));
    });

    it('closes a connection whose client stopped answering heartbeats once the idle timeout passes, saying why', async () => {
      const silent = await user('silent');
      const socket = await open({ token: silent.apiKey });
      // engine.io-client answers each ping by itself; dropping its pongs makes the client go quiet while the TCP stays open
      const engine = socket.socket.io.engine as unknown as { _sendPacket: (type: string, ...rest: unknown[]) => void };
      const send = engine._sendPacket.bind(engine);
      engine._sendPacket = (type, ...rest) => (type === 'pong' ? undefined : send(type, ...rest));
      expect(await socket.waitForDisconnect()).toBe('io server disconnect');
      expect(socket.errors).toEqual([{ reason: expect.stringMatching(/^idle for more than 1 s/) }]);
    });

    it('stores a notification of a muted category without delivering it', async () => {
      const dave = await user('dave');
      const socket = await open({ token: dave.apiKey });
      const muted = await dave.put('/api/v1/notifications/preferences', { mutedCategories: ['alert'] });
      expect(muted.status).toBe(200);
      expect(muted.body.mutedCategories).toEqual(['alert']);
      const [silent] = await fireAlerts(dave, 1);
      await storedFor(dave, [silent]);
      await dave.put('/api/v1/notifications/preferences', { mutedCategories: [] });
      const [heard] = await fireAlerts(dave, 1);
      await socket.waitForBatch(forAlert(heard));
      expect(socket.items.map((item) => item.data.alertId)).toEqual([heard]);
    });

    it('pushes prices to the rooms of subscribed symbols', async () => {
      const erin = await user('erin');
      const socket = await open({ token: erin.apiKey });
      const symbol = ownSymbol();
      expect(await socket.emitWithAck('subscribe', { symbols: [symbol.toLowerCase()] })).toEqual({ ok: true, symbols: [symbol] });
      expect(await socket.emitWithAck('subscribe', { symbols: ['nonsense'] })).toEqual({ ok: false, reason: expect.stringContaining('symbols[0]') });
      expect(await socket.emitWithAck('subscribe', { symbols: ['XXX/USDT'] })).toEqual({ ok: false, reason: expect.stringContaining('no prices for XXX/USDT') });
      await sendTicks(admin, { symbol, price: 42.5 });
      const price = await waitFor(() => socket.prices.find((p) => p.symbol === symbol));
      expect(price).toEqual({ symbol, price: 42.5, ts: expect.any(Number) });
      expect(await socket.emitWithAck('unsubscribe', { symbols: [symbol] })).toEqual({ ok: true, symbols: [symbol] });
    });
  });

  describe('isolation', () => {
    it("never shows one user's notifications to another, over REST or WebSocket", async () => {
      const frank = await user('frank');
      const gina = await user('gina');
      const frankSocket = await open({ token: frank.apiKey });
      const ginaSocket = await open({ token: gina.apiKey });
      const [franks] = await fireAlerts(frank, 1);
      const frankBatch = await frankSocket.waitForBatch(forAlert(franks));
      const [ginas] = await fireAlerts(gina, 1);
      await ginaSocket.waitForBatch(forAlert(ginas));
      expect(ginaSocket.items.map((item) => item.data.alertId)).toEqual([ginas]);
      const ginaList = await gina.get('/api/v1/notifications');
      expect(ginaList.body.items.map((item: any) => item.data.alertId)).toEqual([ginas]);
      const foreignRead = await gina.post('/api/v1/notifications/read', { ids: [frankBatch[0].id] });
      expect(foreignRead.body).toEqual({ updated: 0 });
      expect((await frank.get('/api/v1/notifications?unread=true')).body.total).toBe(1);
      const replayed = await open({ token: gina.apiKey, lastNotificationId: '0' });
      await replayed.waitForBatch(forAlert(ginas));
      expect(replayed.items.map((item) => item.data.alertId)).toEqual([ginas]);
    });
  });

  describe('inbox', () => {
    it('lists notifications newest first, paged, filters unread, and marks read by ids or all', async () => {
      const hank = await user('hank');
      const alertIds = await fireAlerts(hank, 3);
      const stored = await storedFor(hank, alertIds);
      const page = await hank.get('/api/v1/notifications?unread=true&pageSize=2');
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
      expect(page.body.items).toHaveLength(2);
      expect(BigInt(page.body.items[0].id)).toBeGreaterThan(BigInt(page.body.items[1].id));
      expect(page.body.items[0]).toMatchObject({ category: 'alert', priority: 'high', readAt: null, createdAt: expect.stringMatching(ISO_TIME) });
      const one = await hank.post('/api/v1/notifications/read', { ids: [stored[0].id] });
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ updated: 1 });
      expect((await hank.get('/api/v1/notifications?unread=true')).body.total).toBe(2);
      expect((await hank.post('/api/v1/notifications/read', { all: true })).body).toEqual({ updated: 2 });
      expect((await hank.get('/api/v1/notifications?unread=true')).body.total).toBe(0);
      const read = await hank.get('/api/v1/notifications?unread=false');
      expect(read.body.total).toBe(3);
      expect(read.body.items.every((item: any) => ISO_TIME.test(item.readAt))).toBe(true);
    });

    it('answers 400 naming the problem for a read request with neither, both, or bad ids', async () => {
      const ivan = await user('ivan');
      for (const body of [{}, { ids: ['1'], all: true }, { ids: ['abc'] }, { ids: [] }, { all: false }, { ids: ['1'], extra: 1 }]) {
        const answer = await ivan.post('/api/v1/notifications/read', body);
        expect(answer.status).toBe(400);
        expect(answer.body.message).toMatch(/ids|all|extra/);
      }
      expect((await ivan.get('/api/v1/notifications?unread=maybe')).status).toBe(400);
    });
  });

  describe('preferences', () => {
    it('starts from the defaults, keeps what a PUT leaves out, and rejects bad values', async () => {
      const judy = await user('judy');
      const defaults = await judy.get('/api/v1/notifications/preferences');
      expect(defaults.body).toEqual({ channels: { websocket: true, telegram: true, webhook: true }, mutedCategories: [], digest: { enabled: false, windowSec: 300 } });
      const changed = await judy.put('/api/v1/notifications/preferences', { channels: { telegram: false }, digest: { enabled: true, windowSec: 60 } });
      expect(changed.body).toEqual({ channels: { websocket: true, telegram: false, webhook: true }, mutedCategories: [], digest: { enabled: true, windowSec: 60 } });
      expect((await judy.get('/api/v1/notifications/preferences')).body).toEqual(changed.body);
      for (const body of [{ mutedCategories: ['weather'] }, { channels: { sms: true } }, { digest: { windowSec: 1 } }, { channels: { telegram: 'no' } }]) {
        expect((await judy.put('/api/v1/notifications/preferences', body)).status).toBe(400);
      }
      const notAnArray = await judy.put('/api/v1/notifications/preferences', { mutedCategories: 'alert' });
      expect({ status: notAnArray.status, message: notAnArray.body.message }).toEqual({ status: 400, message: expect.stringContaining('mutedCategories: must be an array') });
      // null is refused, not read as "turn it back on" or passed to the database
      for (const body of [{ channels: { telegram: null } }, { digest: { windowSec: null } }, { digest: { enabled: null } }, { mutedCategories: null }]) {
        const answer = await judy.put('/api/v1/notifications/preferences', body);
        expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      }
      expect((await judy.get('/api/v1/notifications/preferences')).body).toEqual(changed.body);
      const readNull = await judy.post('/api/v1/notifications/read', { ids: null });
      expect({ status: readNull.status, message: readNull.body.message }).toEqual({ status: 400, message: expect.stringContaining('ids') });
    });
  });

  describe('Telegram', () => {
    it('sends three alerts fired inside the window as one message to the linked chat', async () => {
      const chat = new TelegramChat(fake, newPrivateChatId());
      await chat.say('/start');
      const apiKey = API_KEY.exec((await chat.say('/token')).text ?? '')![0];
      const kim = anonymous.as(apiKey);
      const mark = chat.mark();
      const alertIds = await fireAlerts(kim, 3);
      const titles = (await storedFor(kim, alertIds)).map((item: any) => item.title as string);
      const message = await chat.next('sendMessage', mark);
      expect(message.text).toContain('3 alert notifications');
      for (const title of titles) expect(message.text).toContain(title);
      expect(message.parse_mode).toBe('HTML');
      expect(chat.all().filter((call) => call.seq > mark)).toHaveLength(1);
    });
  });

  describe('webhooks', () => {
    const secret = 'a-secret-of-sixteen-or-more';

    it('POSTs each batch signed with the endpoint secret, with a delivery id, and never shows the secret', async () => {
      const leo = await user('leo');
      const created = await leo.post('/api/v1/webhooks', { url: `${receiver.url}/leo`, secret });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), url: `${receiver.url}/leo`, enabled: true, consecutiveFailures: 0 });
      expect(JSON.stringify(created.body)).not.toContain(secret);
      const alertIds = await fireAlerts(leo, 2);
      const [request] = await waitFor(() => (receiver.to('/leo').length ? receiver.to('/leo') : false));
      const expected = `sha256=${createHmac('sha256', secret).update(request.rawBody).digest('hex')}`;
      expect(request.headers['x-tradepulse-signature']).toBe(expected);
      const body = JSON.parse(request.rawBody);
      expect(request.headers['x-tradepulse-delivery']).toBe(body.deliveryId);
      expect(body.items.map((item: DeliveredItem) => item.data.alertId).sort()).toEqual([...alertIds].sort());
      expect(request.headers['content-type']).toBe('application/json');
    });

    it('retries a failing endpoint with the same delivery id, disables one that keeps failing, and lets its owner enable it again', async () => {
      const mia = await user('mia');
      await mia.post('/api/v1/webhooks', { url: `${receiver.url}/mia`, secret });
      receiver.answer([500]);
      await fireAlerts(mia, 1);
      const [failed, retried] = await waitFor(() => (receiver.to('/mia').length >= 2 ? receiver.to('/mia') : false));
      expect(retried.headers['x-tradepulse-delivery']).toBe(failed.headers['x-tradepulse-delivery']);
      expect(retried.rawBody).toBe(failed.rawBody);
      await waitFor(async () => (await mia.get('/api/v1/webhooks')).body.items[0].lastDeliveredAt !== null);
      expect((await mia.get('/api/v1/webhooks')).body.items[0]).toMatchObject({ enabled: true, consecutiveFailures: 0, lastError: null });

      const ned = await user('ned');
      await ned.post('/api/v1/webhooks', { url: `${receiver.url}/ned`, secret });
      receiver.answer([], 503);
      try {
        await fireAlerts(ned, 1);
        const endpoint = await waitFor(async () => {
          const listed = (await ned.get('/api/v1/webhooks')).body.items[0];
          return listed.enabled ? false : listed;
        }, 20_000);
        expect(endpoint).toMatchObject({ enabled: false, consecutiveFailures: 3, disabledAt: expect.stringMatching(ISO_TIME), lastError: expect.stringContaining('503') });
        expect(receiver.to('/ned')).toHaveLength(3);
      } finally {
        receiver.answer([], 200);
      }
      // a disabled endpoint is passed over (the WebSocket batch shows the dispatch happened), and only its owner can
      // enable it again; what came while it was disabled is not re-sent
      const socket = await open({ token: ned.apiKey });
      const [skipped] = await fireAlerts(ned, 1);
      await socket.waitForBatch(forAlert(skipped));
      const hookId = (await ned.get('/api/v1/webhooks')).body.items[0].id;
      expect((await (await user('oz')).post(`/api/v1/webhooks/${hookId}/enable`, {})).status).toBe(404);
      expect((await ned.post('/api/v1/webhooks/not-a-uuid/enable', {})).status).toBe(404);
      const enabled = await ned.post(`/api/v1/webhooks/${hookId}/enable`, {});
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({ id: hookId, enabled: true, disabledAt: null, consecutiveFailures: 0 });
      const [resumed] = await fireAlerts(ned, 1);
      const [delivered] = await waitFor(() => (receiver.to('/ned').length > 3 ? receiver.to('/ned').slice(3) : false));
      expect(JSON.parse(delivered.rawBody).items.map((item: DeliveredItem) => item.data.alertId)).toEqual([resumed]);
    });

    it('POSTs to an endpoint registered after the user was notified while having none, and stops once it is deleted', async () => {
      const rae = await user('rae');
      const socket = await open({ token: rae.apiKey });
      const [before] = await fireAlerts(rae, 1);
      await socket.waitForBatch(forAlert(before));
      const hook = (await rae.post('/api/v1/webhooks', { url: `${receiver.url}/rae`, secret })).body;
      const [after] = await fireAlerts(rae, 1);
      const [request] = await waitFor(() => (receiver.to('/rae').length ? receiver.to('/rae') : false));
      expect(JSON.parse(request.rawBody).items.map((item: DeliveredItem) => item.data.alertId)).toEqual([after]);
      expect((await rae.delete(`/api/v1/webhooks/${hook.id}`)).status).toBe(204);
      const [last] = await fireAlerts(rae, 1);
      await socket.waitForBatch(forAlert(last));
      expect(receiver.to('/rae')).toHaveLength(1);
    });

    it("serves other users' endpoints while one answers slowly, sending the slow one a request at a time, each delivery once", async () => {
      const [ana, ben] = await Promise.all([user('ana'), user('ben')]);
      await ana.post('/api/v1/webhooks', { url: `${receiver.url}/ana`, secret });
      await ben.post('/api/v1/webhooks', { url: `${receiver.url}/ben`, secret });
      const anaSocket = await open({ token: ana.apiKey });
      const alertsOf = (request: { rawBody: string }) => JSON.parse(request.rawBody).items.map((item: DeliveredItem) => item.data.alertId);
      receiver.hold('/ana');
      const anaAlerts: string[] = [];
      try {
        anaAlerts.push(...(await fireAlerts(ana, 1)));
        await waitFor(() => receiver.to('/ana').length === 1);
        // two more batches of Ana's, each dispatched (its WebSocket batch shows it) and queued behind her first
        for (let batch = 0; batch < 2; batch++) {
          const [alertId] = await fireAlerts(ana, 1);
          await anaSocket.waitForBatch(forAlert(alertId));
          anaAlerts.push(alertId);
        }
        const [benAlert] = await fireAlerts(ben, 1);
        const [benRequest] = await waitFor(() => (receiver.to('/ben').length ? receiver.to('/ben') : false));
        expect(alertsOf(benRequest)).toEqual([benAlert]);
        // Ben was served while Ana's first request was still unanswered, and her next ones had not been sent
        expect(receiver.to('/ana')).toHaveLength(1);
      } finally {
        receiver.release('/ana');
      }
      const anaRequests = await waitFor(() => (receiver.to('/ana').length >= 3 ? receiver.to('/ana') : false));
      expect(anaRequests.flatMap(alertsOf).sort()).toEqual([...anaAlerts].sort());
      expect(new Set(anaRequests.map((request) => request.headers['x-tradepulse-delivery'])).size).toBe(3);
      // waiting for her busy endpoint cost none of her deliveries an attempt
      expect(anaRequests.map((request) => request.headers['x-tradepulse-attempt'])).toEqual(['1', '1', '1']);
      expect(receiver.mostAtOnce('/ana')).toBe(1);
      expect((await ana.get('/api/v1/webhooks')).body.items[0]).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    });

    it('refuses private, loopback and link-local targets the allowlist does not name', async () => {
      const olga = await user('olga');
      for (const url of ['http://10.1.2.3/hook', 'http://169.254.169.254/latest', 'http://[::1]:8080/hook', 'http://localhost:9/hook', 'http://[64:ff9b::7f00:1]/hook', 'http://[::127.0.0.1]/hook', 'http://[2002:7f00:1::]/hook']) {
        const answer = await olga.post('/api/v1/webhooks', { url, secret });
        expect(answer.status).toBe(400);
        expect(answer.body.message).toMatch(/^url: private, loopback and link-local targets are refused/);
      }
      expect((await olga.post('/api/v1/webhooks', { url: 'ftp://example.com/x', secret })).status).toBe(400);
      expect((await olga.post('/api/v1/webhooks', { url: `${receiver.url}/olga`, secret: 'short' })).status).toBe(400);
      const nul = await olga.post('/api/v1/webhooks', { url: `${receiver.url}/olga`, secret: `${secret}\u0000` });
      expect({ status: nul.status, message: nul.body.message }).toEqual({ status: 400, message: expect.stringContaining('secret') });
      expect((await olga.get('/api/v1/webhooks')).body.total).toBe(0);
    });

    it('refuses a URL the user registered already (409): it would get every notification twice', async () => {
      const uma = await user('uma');
      const first = await uma.post('/api/v1/webhooks', { url: `${receiver.url}/uma`, secret });
      expect(first.status).toBe(201);
      const again = await uma.post('/api/v1/webhooks', { url: `${receiver.url}/uma`, secret: `${secret}-other` });
      expect({ status: again.status, message: again.body.message }).toEqual({ status: 409, message: expect.stringContaining('url') });
      // another spelling of the same target is the same endpoint
      const respelled = await uma.post('/api/v1/webhooks', { url: `${receiver.url.replace('http://', 'HTTP://')}/hooks/../uma#fragment`, secret });
      expect(respelled.status).toBe(409);
      expect((await uma.get('/api/v1/webhooks')).body.items.map((hook: { id: string }) => hook.id)).toEqual([first.body.id]);
      // another user may register the same URL
      expect((await (await user('vic')).post('/api/v1/webhooks', { url: `${receiver.url}/uma`, secret })).status).toBe(201);
    });

    it("answers 404 for another user's webhook exactly like a missing one, and deletes one's own", async () => {
      const pat = await user('pat');
      const quinn = await user('quinn');
      const patHook = (await pat.post('/api/v1/webhooks', { url: `${receiver.url}/pat`, secret })).body;
      const foreign = await quinn.delete(`/api/v1/webhooks/${patHook.id}`);
      const missing = await quinn.delete('/api/v1/webhooks/00000000-0000-4000-8000-000000000000');
      expect([foreign.status, missing.status]).toEqual([404, 404]);
      expect((await quinn.delete('/api/v1/webhooks/not-a-uuid')).status).toBe(404);
      expect((await quinn.get('/api/v1/webhooks')).body).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
      expect((await pat.delete(`/api/v1/webhooks/${patHook.id}`)).status).toBe(204);
      expect((await pat.get('/api/v1/webhooks')).body.total).toBe(0);
    });
  });

  it('exports the pipeline metrics', async () => {
    const metrics = await anonymous.get('/metrics');
    for (const name of ['tradepulse_notification_latency_seconds_bucket', 'tradepulse_notifications_relayed_total', 'tradepulse_notifications_delivered_total{channel="websocket"}', 'tradepulse_websocket_connections', 'tradepulse_notification_batch_size_bucket']) {
      expect(metrics.text).toContain(name);
    }
  });
});
