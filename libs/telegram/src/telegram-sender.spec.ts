import { Telegram } from 'telegraf';
import { FakeBotApi } from '../../../test/fakes/telegram/fake-bot-api';
import type { RecordedCall } from '../../../test/fakes/telegram/types';
import { TelegramSender, TelegramSenderStoppedError, transientDelayMs } from './telegram-sender';
import type { TelegramSenderOptions } from './telegram-sender.types';

const TOKEN = '123456:SENDER-TEST';

describe('TelegramSender against the fake Bot API', () => {
  const fake = new FakeBotApi({ token: TOKEN });
  let telegram: Telegram;
  let sender: TelegramSender | undefined;

  const newSender = (options?: TelegramSenderOptions): TelegramSender => {
    sender = new TelegramSender(telegram, options);
    return sender;
  };
  const sentTo = (chatId: number): RecordedCall[] => fake.sent.filter((call) => call.chat_id === chatId);
  const gapsMs = (calls: RecordedCall[]): number[] => calls.slice(1).map((call, i) => call.at - calls[i].at);

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    telegram = new Telegram(TOKEN, { apiRoot: fake.url });
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
  });

  it('never sends more than one message per second to one private chat', async () => {
    const telegramSender = newSender();
    await Promise.all(['one', 'two', 'three', 'four'].map((text) => telegramSender.send(101, text)));

    const calls = sentTo(101);
    expect(calls.map((call) => call.text)).toEqual(['one', 'two', 'three', 'four']);
    for (const gap of gapsMs(calls)) expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('in a burst to 40 chats sends at most 30 messages in any second, and one chat behind the backlog gets its second message a second later', async () => {
    const telegramSender = newSender();
    const chats = Array.from({ length: 40 }, (_, i) => 1001 + i);
    const burst = chats.map((chatId) => telegramSender.send(chatId, `alert for ${chatId}`));
    // queued behind the burst: leaves the chat's queue at once, then waits ~1.5 s for the bot-wide turn
    const late = [telegramSender.send(1100, 'late 1'), telegramSender.send(1100, 'late 2')];
    await Promise.all([...burst, ...late]);

    const times = fake.sent.map((call) => call.at);
    expect(times).toHaveLength(42);
    const busiestSecond = Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 1000).length));
    expect(busiestSecond).toBeLessThanOrEqual(30);
    expect(busiestSecond).toBeGreaterThanOrEqual(20);
    expect(gapsMs(sentTo(1100))[0]).toBeGreaterThanOrEqual(950);
  });

  it('spaces messages to one group by three seconds (20 per minute)', async () => {
    const telegramSender = newSender();
    await Promise.all([telegramSender.send(-2001, 'first'), telegramSender.send(-2001, 'second')]);

    expect(gapsMs(sentTo(-2001))[0]).toBeGreaterThanOrEqual(2950);
  }, 8_000);

  it('on a 429 pauses every send of the bot for retry_after, then delivers the same message', async () => {
    let rateLimited!: () => void;
    const rateLimitLogged = new Promise<void>((resolve) => (rateLimited = resolve));
    const telegramSender = newSender({ logger: { warn: (message) => message.includes('429') && rateLimited() } });
    fake.failNext('sendMessage', 1, { status: 429, retryAfter: 2 });

    const first = telegramSender.send(201, 'first');
    await rateLimitLogged;
    const other = telegramSender.send(202, 'other chat');
    await Promise.all([first, other]);

    const tooMany = fake.calls.find((call) => call.errorCode === 429)!;
    const afterwards = fake.sent.filter((call) => call.seq > tooMany.seq);
    expect(afterwards.map((call) => call.text).sort()).toEqual(['first', 'other chat']);
    for (const call of afterwards) expect(call.at - tooMany.at).toBeGreaterThanOrEqual(2000);
    expect(telegramSender.stats).toMatchObject({ sent: 2, retried429: 1, failed: 0, paused: false });
  });

  it('sends a 5,000-character message as two sendMessage calls, in order', async () => {
    const words = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    const text = words.slice(0, 5000);
    await newSender().send(301, text);

    const calls = sentTo(301);
    expect(calls).toHaveLength(2);
    expect(calls.every((call) => call.method === 'sendMessage' && call.parse_mode === 'HTML' && call.text!.length <= 4096)).toBe(true);
    expect(`${calls[0].text} ${calls[1].text}`).toBe(text);
  });

  it('retries a 5xx answer with backoff and delivers', async () => {
    const telegramSender = newSender({ transientBackoffMs: 20 });
    fake.failNext('sendMessage', 2, { status: 500 });

    await telegramSender.send(302, 'after two failures');

    expect(fake.calls.map((call) => call.errorCode ?? 'ok')).toEqual([500, 500, 'ok']);
    expect(telegramSender.stats).toMatchObject({ sent: 1, retriedTransient: 2, failed: 0 });
  });

  it('retries a dropped connection as a network error', async () => {
    const telegramSender = newSender({ transientBackoffMs: 20 });
    fake.failNext('sendMessage', 1, { dropConnection: true });

    await telegramSender.send(303, 'after a reset');
    expect(sentTo(303).map((call) => call.text)).toEqual(['after a reset']);
  });

  it('rejects with the 5xx error once the retries are used up', async () => {
    const telegramSender = newSender({ transientBackoffMs: 10, transientRetries: 2 });
    fake.failNext('sendMessage', 3, { status: 502 });

    await expect(telegramSender.send(304, 'never')).rejects.toMatchObject({ code: 502 });
    expect(fake.calls).toHaveLength(3);
    expect(telegramSender.stats).toMatchObject({ sent: 0, retriedTransient: 2, failed: 1 });
  });

  it('backs off doubling from the first wait up to the cap, so a long outage is retried every cap', () => {
    const settings = { transientBackoffMs: 1000, transientBackoffMaxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 20].map((retry) => transientDelayMs(settings, retry))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('rejects at once, without retrying, when the user blocked the bot or the chat does not exist', async () => {
    const telegramSender = newSender({ transientBackoffMs: 10 });
    fake.setBlocked(401);
    fake.failNext('sendMessage', 1, { status: 400, description: 'Bad Request: chat not found' });

    await expect(telegramSender.send(402, 'hello')).rejects.toMatchObject({ code: 400, description: 'Bad Request: chat not found' });
    await expect(telegramSender.send(401, 'hello')).rejects.toMatchObject({ code: 403 });
    expect(fake.calls).toHaveLength(2);
    expect(telegramSender.stats).toMatchObject({ failed: 2, retriedTransient: 0, retried429: 0 });
  });

  it('sends a message once when the same dedupe key is sent twice', async () => {
    const telegramSender = newSender();
    await Promise.all([
      telegramSender.send(501, 'BTC crossed 70 000', { dedupeKey: 'notification-9' }),
      telegramSender.send(501, 'BTC crossed 70 000', { dedupeKey: 'notification-9' }),
    ]);

    expect(sentTo(501)).toHaveLength(1);
    expect(telegramSender.stats.deduplicated).toBe(1);
  });

  it('lets a high-priority message overtake normal ones waiting for the same chat', async () => {
    const telegramSender = newSender({ privateChatMessagesPerSec: 20 });
    const normal = ['n1', 'n2', 'n3'].map((text) => telegramSender.send(502, text));
    const urgent = telegramSender.send(502, 'stop-loss hit', { priority: 'high' });
    await Promise.all([...normal, urgent]);

    expect(sentTo(502).map((call) => call.text)).toEqual(['n1', 'stop-loss hit', 'n2', 'n3']);
  });

  it('drops waiting messages on stop: their send() rejects and nothing more goes out', async () => {
    const telegramSender = newSender();
    const settled = Promise.allSettled(['a', 'b', 'c'].map((text) => telegramSender.send(601, text)));
    await fake.waitForMessage((call) => call.chat_id === 601);

    await telegramSender.stop();
    const outcomes = await settled;

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(TelegramSenderStoppedError);
    await expect(telegramSender.send(601, 'late')).rejects.toBeInstanceOf(TelegramSenderStoppedError);
    expect(sentTo(601)).toHaveLength(1);
    expect(telegramSender.stats).toMatchObject({ sent: 1, dropped: 2, pending: 0 });
  });
});
