// A server killed (SIGKILL) while a notification waits in its batch window delivers it exactly once after the
// restart: the notification is in the store, and the recovery pass hands it to the channels.
import { FakeBotApi } from '../fakes/telegram';
import { createAlert, EXTRA_SYMBOLS, sendTicks } from './support/alerts-helpers';
import { ApiClient } from './support/api-client';
import { NotificationSocket } from './support/notification-socket';
import { RunningServer, startServer } from './support/server-process';
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
