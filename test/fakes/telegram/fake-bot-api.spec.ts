import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegraf, Telegram, TelegramError } from 'telegraf';
import { startFakeBotApiProcess, type FakeBotApiProcess } from './child-process';
import { FakeBotApi } from './fake-bot-api';

const TOKEN = '123456:TEST-TOKEN';

describe('FakeBotApi with the real telegraf client', () => {
  const fake = new FakeBotApi({ token: TOKEN, maxPollTimeoutSec: 5 });
  let telegram: Telegram;

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    telegram = new Telegram(TOKEN, { apiRoot: fake.url });
  });

  it('answers getMe with the bot named by the token', async () => {
    const me = await telegram.getMe();
    expect(me).toMatchObject({ id: 123456, is_bot: true, username: 'tradepulse_test_bot' });
  });

  it('refuses another token with 401', async () => {
    const stranger = new Telegram('999:OTHER', { apiRoot: fake.url });
    await expect(stranger.getMe()).rejects.toMatchObject({ code: 401 });
  });

  it('records sendMessage with its text, parse mode, markup and assigned message id', async () => {
    const before = Date.now();
    const markup = { inline_keyboard: [[{ text: 'Snooze', callback_data: 'snooze:1' }]] };
    const message = await telegram.sendMessage(42, '<b>BTC</b> crossed 70 000', { parse_mode: 'HTML', reply_markup: markup });

    expect(message).toMatchObject({ message_id: 1, chat: { id: 42, type: 'private' }, text: '<b>BTC</b> crossed 70 000' });
    const [call] = fake.sent;
    expect(call).toMatchObject({ method: 'sendMessage', chat_id: 42, parse_mode: 'HTML', reply_markup: markup, message_id: 1 });
    expect(call.at).toBeGreaterThanOrEqual(before);
  });

  it('records a multipart sendDocument with filename, size, caption and chat, and keeps the bytes', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(70_000, 7)]);
    await telegram.sendDocument(-1001, { source: pdf, filename: 'weekly-report.pdf' }, { caption: 'Weekly report' });

    const call = await fake.waitForMessage((c) => c.method === 'sendDocument');
    expect(call).toMatchObject({ chat_id: -1001, caption: 'Weekly report', document: { filename: 'weekly-report.pdf', size: pdf.length } });
    expect(fake.fileContent(call.document!.fileId!)?.equals(pdf)).toBe(true);
  });

  it('surfaces an injected 429 as a TelegramError carrying parameters.retry_after', async () => {
    fake.failNext('sendMessage', 1, { status: 429, retryAfter: 2 });

    const error = await telegram.sendMessage(42, 'hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramError);
    expect((error as TelegramError).code).toBe(429);
    expect((error as TelegramError).parameters?.retry_after).toBe(2);
    await expect(telegram.sendMessage(42, 'again')).resolves.toMatchObject({ text: 'again' });
    expect(fake.calls.map((c) => c.ok)).toEqual([false, true]);
  });

  it('surfaces an injected 500 and a dropped connection as failures of the call', async () => {
    fake.failNext('sendMessage', 1, { status: 500 });
    fake.failNext('sendMessage', 1, { dropConnection: true });

    await expect(telegram.sendMessage(42, 'a')).rejects.toMatchObject({ code: 500 });
    await expect(telegram.sendMessage(42, 'b')).rejects.toMatchObject({ type: 'system', code: 'ECONNRESET' });
  });

  it('answers a waiting getUpdates long poll as soon as an update is injected', async () => {
    const poll = telegram.getUpdates(5, 100, 0, undefined);
    const injectedAt = Date.now();
    setImmediate(() => fake.sendText(42, '/start hello'));

    const updates = await poll;
    expect(Date.now() - injectedAt).toBeLessThan(1000);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      message: { chat: { id: 42, type: 'private' }, from: { id: 42 }, text: '/start hello', entities: [{ type: 'bot_command', offset: 0, length: 6 }] },
    });
  });

  it('keeps updates until an offset above their id confirms them', async () => {
    const first = fake.sendText(-5, 'hello group');
    fake.sendText(-5, 'second');

    expect(await telegram.getUpdates(0, 100, 0, undefined)).toHaveLength(2);
    const rest = await telegram.getUpdates(0, 100, first.update_id + 1, undefined);
    expect(rest.map((u) => (u as { message: { text: string } }).message.text)).toEqual(['second']);
    expect(fake.pendingUpdateCount).toBe(1);
  });

  it('answers an unknown method with 404 method not found', async () => {
    const error = await telegram.callApi('launchRocket' as 'getMe', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 404, description: 'Not Found: method not found' });
  });

  it('rejects HTML that Telegram could not parse, and text over 4096 characters', async () => {
    await expect(telegram.sendMessage(42, '<b>open', { parse_mode: 'HTML' })).rejects.toMatchObject({ code: 400 });
    await expect(telegram.sendMessage(42, 'x'.repeat(4097))).rejects.toMatchObject({ description: 'Bad Request: message is too long' });
  });

  it('lets a user press a button the bot sent, and the bot answer it once', async () => {
    const sent = await telegram.sendMessage(42, 'Alert set', { reply_markup: { inline_keyboard: [[{ text: 'Cancel', callback_data: 'cancel:7' }]] } });
    const update = fake.pressButton(42, sent.message_id, 'cancel:7');
    const query = update.callback_query as { id: string; data: string; message: { text: string } };
    expect(query).toMatchObject({ data: 'cancel:7', message: { text: 'Alert set' } });

    await expect(telegram.answerCbQuery(query.id, 'Cancelled')).resolves.toBe(true);
    await expect(telegram.answerCbQuery(query.id)).rejects.toMatchObject({ code: 400 });
  });

  it('edits and deletes stored messages with Telegram’s errors for misuse', async () => {
    const sent = await telegram.sendMessage(42, 'v1');
    await telegram.editMessageText(42, sent.message_id, undefined, 'v2');
    await expect(telegram.editMessageText(42, sent.message_id, undefined, 'v2')).rejects.toMatchObject({ code: 400 });
    await telegram.editMessageReplyMarkup(42, sent.message_id, undefined, { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] });
    await expect(telegram.deleteMessage(42, sent.message_id)).resolves.toBe(true);
    await expect(telegram.deleteMessage(42, sent.message_id)).rejects.toMatchObject({ description: 'Bad Request: message to delete not found' });
  });

  it('records the webhook with its secret, hides the secret from getWebhookInfo and refuses polling meanwhile', async () => {
    await telegram.setWebhook('https://bot.example/telegram', { secret_token: 's3cret' });

    expect(fake.webhookInfo).toEqual({ url: 'https://bot.example/telegram', secret_token: 's3cret' });
    const info = await telegram.getWebhookInfo();
    expect(info.url).toBe('https://bot.example/telegram');
    expect(info).not.toHaveProperty('secret_token');
    await expect(telegram.getUpdates(0, 100, 0, undefined)).rejects.toMatchObject({ code: 409 });
    await telegram.deleteWebhook();
    expect(fake.webhookInfo).toBeUndefined();
  });

  it('records setMyCommands and answers getChat', async () => {
    await telegram.setMyCommands([{ command: 'alerts', description: 'List your alerts' }]);
    expect(fake.commands).toEqual([{ command: 'alerts', description: 'List your alerts' }]);
    await expect(telegram.getChat(-77)).resolves.toMatchObject({ id: -77, type: 'group' });
  });

  it('answers 403 to sends into a chat whose user blocked the bot', async () => {
    fake.setBlocked(42);
    await expect(telegram.sendMessage(42, 'hi')).rejects.toMatchObject({ code: 403, description: 'Forbidden: bot was blocked by the user' });
  });

  it('refuses connections while down and comes back on the same port', async () => {
    const port = fake.port;
    await fake.setDown(true);
    try {
      // the first call may still pick an idle keep-alive socket the fake just destroyed: ECONNRESET
      await expect(telegram.getMe()).rejects.toMatchObject({ type: 'system' });
      await expect(telegram.getMe()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await fake.setDown(false);
    }
    expect(fake.port).toBe(port);
    await expect(telegram.getMe()).resolves.toMatchObject({ id: 123456 });
  });

  it('waits for a call still to come, and times out naming what was recorded', async () => {
    const waiting = fake.waitForMessage((c) => c.text === 'later');
    await telegram.sendMessage(42, 'later');
    await expect(waiting).resolves.toMatchObject({ chat_id: 42 });
    await expect(fake.waitForMessage((c) => c.text === 'never', 50)).rejects.toThrow(/sendMessage chat=42 ok "later"/);
  });

  it('serves a Telegraf bot end to end: /start over long polling, reply recorded', async () => {
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: fake.url } });
    bot.command('start', (ctx) => ctx.reply(`Welcome, ${ctx.from.first_name}`));
    const stopped = bot.launch();

    fake.sendText(42, '/start');
    await expect(fake.waitForMessage((c) => c.method === 'sendMessage')).resolves.toMatchObject({ chat_id: 42, text: 'Welcome, User 42' });
    bot.stop('test over');
    await stopped;
  });

  it('posts updates to the webhook with the secret header, and executes the call the bot answers in its reply', async () => {
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: fake.url } });
    bot.action('ok', (ctx) => ctx.answerCbQuery('Done'));
    const hook = createServer(bot.webhookCallback('/hook', { secretToken: 's3cret' }));
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      await bot.telegram.setWebhook(hookUrl, { secret_token: 's3cret' });
      const sent = await bot.telegram.sendMessage(42, 'Confirm?', { reply_markup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] } });
      const press = fake.pressButton(42, sent.message_id, 'ok');

      await expect(fake.waitForWebhookDelivery((d) => d.updateId === press.update_id)).resolves.toMatchObject({ status: 200, url: hookUrl });
      await expect(fake.waitForMessage((c) => c.method === 'answerCallbackQuery')).resolves.toMatchObject({ params: { text: 'Done' } });

      await bot.telegram.setWebhook(hookUrl, { secret_token: 'wrong' });
      const refused = fake.sendText(42, 'hello');
      await expect(fake.waitForWebhookDelivery((d) => d.updateId === refused.update_id)).resolves.toMatchObject({ status: 403 });
    } finally {
      hook.close();
    }
  });
});

describe('FakeBotApi as a child process', () => {
  let fakeProcess: FakeBotApiProcess;

  beforeAll(async () => {
    fakeProcess = await startFakeBotApiProcess({ token: TOKEN, maxPollTimeoutSec: 5 });
  }, 15_000);
  afterAll(() => fakeProcess?.stop());

  it('serves the Bot API on url and is driven over its control port', async () => {
    const telegram = new Telegram(TOKEN, { apiRoot: fakeProcess.url });
    const { client } = fakeProcess;

    const update = await client.sendText(7, 'ping');
    const [polled] = await telegram.getUpdates(0, 100, 0, undefined);
    expect(polled.update_id).toBe(update.update_id);

    await client.failNext('sendMessage', 1, { status: 429, retryAfter: 1 });
    await expect(telegram.sendMessage(7, 'first')).rejects.toMatchObject({ code: 429 });
    const waiting = client.waitForMessage((c) => c.text === 'pong');
    await telegram.sendMessage(7, 'pong');
    await expect(waiting).resolves.toMatchObject({ chat_id: 7, method: 'sendMessage' });
    expect((await client.calls()).map((c) => c.errorCode ?? 'ok')).toEqual([429, 'ok']);

    await client.setDown(true);
    try {
      await expect(telegram.getMe()).rejects.toMatchObject({ type: 'system' });
      await expect(telegram.getMe()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await client.setDown(false);
    }
    await expect(telegram.getMe()).resolves.toMatchObject({ username: 'tradepulse_test_bot' });
  });
});
