// A Telegram outage that outlasts the process: an alert fires while the Bot API is down, the server is stopped while
// its send still waits for Telegram, and the notification reaches the chat once after the restart (its delivery
// claim was kept, not failed, and the recovery sweep sends it again).
import { FakeBotApi } from '../fakes/telegram';
import { sendTicks, waitForTriggers } from './support/alerts-helpers';
import { ApiClient } from './support/api-client';
import { RunningServer, startServer } from './support/server-process';
import { API_KEY, botServerEnv, isHelp, newPrivateChatId, REPLY_MS, TelegramChat, waitForBotState } from './support/telegram-helpers';

/** relay, the 2 s batch window, the restart's recovery pass (2 s after start) and the bot coming back online */
const DELIVERY_MS = 30_000;

describe('telegram outage across a restart', () => {
  const fake = new FakeBotApi();
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;

  beforeAll(() => fake.start());

  afterAll(async () => {
    await first?.stop();
    await (second ?? first)?.dispose();
    await fake.stop();
  });

  it('delivers an alert that fired while Telegram was down, once, after a restart during the outage', async () => {
    first = await startServer({ env: botServerEnv(fake) });
    const anonymous = new ApiClient(first.url);
    const admin = anonymous.as(first.adminKey);
    await waitForBotState(anonymous, 'online', 20_000);
    const chat = new TelegramChat(fake, newPrivateChatId());
    await chat.say('/start');
    const rest = anonymous.as(API_KEY.exec((await chat.say('/token')).text ?? '')![0]);
    await sendTicks(admin, { symbol: 'SOL/USDT', price: 100 });
    await chat.say('/alert SOL above 110');
    const [alert] = (await rest.get('/api/v1/alerts')).body.items;

    await fake.setDown(true);
    const after = chat.mark();
    await sendTicks(admin, { symbol: 'SOL/USDT', price: 111 });
    await waitForTriggers(rest, alert.id);
    // past the batch window: the send is under way, retrying against the refused port
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const stoppedAt = Date.now();
    expect(await first.stop()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);

    await fake.setDown(false);
    second = await startServer({ reuse: first, env: botServerEnv(fake) });
    const message = await chat.fake.waitForMessage(
      (call) => call.seq > after && call.method === 'sendMessage' && String(call.chat_id) === String(chat.id) && (call.text ?? '').includes('SOL/USDT rose'),
      DELIVERY_MS,
    );
    expect(message.text).toContain('111');
    // once: nothing else about this firing arrives before the answer to a later command
    const barrier = await chat.sayAndAwait('/help', isHelp, REPLY_MS);
    const firings = chat.all().filter((call) => call.seq > after && call.seq < barrier.seq && (call.text ?? '').includes('SOL/USDT rose'));
    expect(firings).toHaveLength(1);
  }, 120_000);
});
