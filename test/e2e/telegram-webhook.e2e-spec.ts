// Webhook mode: the bot registers its URL with the secret, refuses calls without it, handles each update_id once,
// and the process still shuts down cleanly.
import { FakeBotApi } from '../fakes/telegram';
import { ApiClient } from './support/api-client';
import { RunningServer } from './support/server-process';
import {
  buttonsOf, callbackAnswer, freePort, isHelp, newPrivateChatId, REPLY_MS, startBotServer, stopAndReport, TelegramChat, waitForBotState,
} from './support/telegram-helpers';
import { waitFor } from './support/wait-for';

const SECRET = 's3cret';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** A /command message update as Telegram posts it to a webhook. */
function commandUpdate(updateId: number, chatId: number, text: string): Record<string, unknown> {
  const user = { id: chatId, is_bot: false, first_name: `User ${chatId}`, username: `user${chatId}` };
  const command = /^\/\S+/.exec(text)?.[0] ?? '';
  return {
    update_id: updateId,
    message: {
      message_id: 1, from: user, chat: { ...user, type: 'private' }, date: Math.floor(Date.now() / 1000), text,
      entities: command ? [{ type: 'bot_command', offset: 0, length: command.length }] : [],
    },
  };
}

function postUpdate(url: string, body: string, secret?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== undefined) headers[SECRET_HEADER] = secret;
  return fetch(url, { method: 'POST', headers, body });
}

/** The value of a counter without labels in the Prometheus text, 0 when absent. */
function counterValue(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('telegram bot (webhook mode)', () => {
  const fake = new FakeBotApi();
  let server: RunningServer;
  let anonymous: ApiClient;
  let admin: ApiClient;
  let webhookUrl: string;
  let nextUpdateId = 900_000;

  beforeAll(async () => {
    await fake.start();
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
    server = await startBotServer(fake, { PORT: String(port), TELEGRAM_WEBHOOK_URL: webhookUrl, TELEGRAM_WEBHOOK_SECRET: SECRET });
    anonymous = new ApiClient(server.url);
    admin = anonymous.as(server.adminKey);
    await waitForBotState(anonymous, 'online', 20_000);
  });

  afterAll(async () => {
    await server?.dispose();
    await fake.stop();
  });

  it('registers its webhook URL with the secret token and the update types it handles', () => {
    expect(fake.webhookInfo).toMatchObject({ url: webhookUrl, secret_token: SECRET });
    expect(fake.webhookInfo?.allowed_updates).toEqual(expect.arrayContaining(['message', 'callback_query']));
    expect(fake.sent.filter((call) => call.method === 'deleteWebhook')).toHaveLength(0);
  });

  it('refuses a missing or wrong secret with 401, before reading the body, and handles nothing', async () => {
    const chat = new TelegramChat(fake, newPrivateChatId());
    const body = JSON.stringify(commandUpdate(++nextUpdateId, chat.id, '/start'));
    const missing = await postUpdate(webhookUrl, body);
    const wrong = await postUpdate(webhookUrl, body, 'wrong');
    const almost = await postUpdate(webhookUrl, body, `${SECRET}x`);
    expect([missing.status, wrong.status, almost.status]).toEqual([401, 401, 401]);
    // not even parsed: malformed JSON with a wrong secret is a 401, not a 400
    expect((await postUpdate(webhookUrl, '{not json', 'wrong')).status).toBe(401);
    // the same update with the right secret is new to the bot: nothing was claimed by the refused calls
    const accepted = await postUpdate(webhookUrl, body, SECRET);
    expect(accepted.status).toBe(200);
    expect((await chat.next('sendMessage', 0)).text).toMatch(/is ready/);
    expect(chat.all()).toHaveLength(1);
  });

  it('answers 200 to an update with the right secret, and the bot replies', async () => {
    const chat = new TelegramChat(fake, newPrivateChatId());
    const after = chat.mark();
    const answer = await postUpdate(webhookUrl, JSON.stringify(commandUpdate(++nextUpdateId, chat.id, '/start')), SECRET);
    expect(answer.status).toBe(200);
    const reply = await chat.next('sendMessage', after);
    expect(reply.text).toContain(`user${chat.id}`);
  });

  it('answers 400 to an update_id that is not a non-negative integer, and handles nothing', async () => {
    const chat = new TelegramChat(fake, newPrivateChatId());
    for (const updateId of [1e20, 1.5, -1]) {
      const answer = await postUpdate(webhookUrl, JSON.stringify(commandUpdate(updateId, chat.id, '/start')), SECRET);
      expect({ updateId, status: answer.status }).toEqual({ updateId, status: 400 });
    }
    expect(chat.all()).toHaveLength(0);
  });

  it('handles an update_id posted twice only once', async () => {
    const chat = new TelegramChat(fake, newPrivateChatId());
    const replayedBefore = counterValue((await admin.get('/metrics')).text, 'tradepulse_telegram_webhook_replayed_total');
    const body = JSON.stringify(commandUpdate(++nextUpdateId, chat.id, '/start'));
    expect((await postUpdate(webhookUrl, body, SECRET)).status).toBe(200);
    await chat.next('sendMessage', 0);
    expect((await postUpdate(webhookUrl, body, SECRET)).status).toBe(200);
    // a later update of the same chat, handled after the replay was acknowledged
    await chat.sayAndAwait('/help', isHelp);
    expect(chat.all().filter((call) => /is ready|Welcome back/.test(call.text ?? ''))).toHaveLength(1);
    const replayedAfter = counterValue((await admin.get('/metrics')).text, 'tradepulse_telegram_webhook_replayed_total');
    expect(replayedAfter - replayedBefore).toBe(1);
  });

  it('gets the updates Telegram delivers, buttons included, and acknowledges each with 200', async () => {
    const chat = new TelegramChat(fake, newPrivateChatId());
    const delivered = fake.webhookDeliveries.length;
    await chat.say('/start');
    const askSymbol = await chat.say('/alert');
    expect(buttonsOf(askSymbol).length).toBeGreaterThan(0);
    const press = chat.press(askSymbol.message_id!, 'alert:sym:ETH/USDT');
    await callbackAnswer(fake, press.queryId);
    expect((await chat.next('sendMessage', press.after)).text).toContain('ETH/USDT');
    // /start, /alert and the button press
    const deliveries = await waitFor(() => fake.webhookDeliveries.length >= delivered + 3 && fake.webhookDeliveries.slice(delivered), REPLY_MS);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
  });

  it('exits 0 promptly on SIGTERM', async () => {
    const { code, errors, ms } = await stopAndReport(server);
    expect({ code, errors }).toEqual({ code: 0, errors: [] });
    expect(ms).toBeLessThan(10_000);
  });
});
