// The bot seen from a Telegram chat: a user who writes to the bot through the fake Bot API and waits for its answers.
import { createServer } from 'node:net';
import { FakeBotApi, type RecordedCall, type TelegramUser } from '../../fakes/telegram';
import type { ApiClient } from './api-client';
import { RunningServer, startServer } from './server-process';
import { waitFor } from './wait-for';

/** How long a reply may take: one long-poll round trip plus handling, with room for a slow CI machine. */
export const REPLY_MS = 10_000;

/** Any token: the fake accepts every token unless it is given one. */
export const BOT_TOKEN = '123456:test-token';

/** The environment of a server whose bot talks to `fake`: three symbols, open registration, no rate limit in the way. */
export function botServerEnv(fake: FakeBotApi, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    MARKET_FEED: 'manual',
    MARKET_SYMBOLS: 'BTC/USDT,ETH/USDT,SOL/USDT',
    ALLOW_REGISTRATION: 'true',
    TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '100000000',
    TP__HTTP__RATE_LIMIT_PER_KEY_PER_MIN: '100000000',
    ...extra,
  };
}

export function startBotServer(fake: FakeBotApi, extra: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({ env: botServerEnv(fake, extra) });
}

/** The bot's state as /health/ready reports it (details.telegram.state), with the HTTP status. */
export async function botHealth(anonymous: ApiClient): Promise<{ status: number; state?: string; body: any }> {
  const ready = await anonymous.get('/health/ready');
  return { status: ready.status, state: ready.body?.details?.telegram?.state, body: ready.body };
}

export function waitForBotState(anonymous: ApiClient, state: string, timeoutMs = REPLY_MS): Promise<{ status: number; state?: string; body: any }> {
  return waitFor(async () => {
    const health = await botHealth(anonymous);
    return health.state === state ? health : false;
  }, timeoutMs, 100);
}

/** SIGTERM, then the exit code, how long it took, and the error lines of the output when the exit was not clean. */
export async function stopAndReport(server: RunningServer): Promise<{ code: number | null; errors: string[]; ms: number }> {
  const started = Date.now();
  const code = await server.stop();
  const errors = code === 0 ? [] : server.output().split('\n').filter((line) => /Error|not running/.test(line)).slice(-5);
  return { code, errors, ms: Date.now() - started };
}

/** A port nobody listens on right now (for servers whose own URL must be known before they start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

let lastChatId = 2_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

/** A private chat no other test uses (private chat id = the user's id, positive). */
export function newPrivateChatId(): number {
  return ++lastChatId;
}

/** A group chat no other test uses (negative id). */
export function newGroupChatId(): number {
  return -++lastChatId;
}

/** An API key as /token sends it. */
export const API_KEY = /tp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;

/** One chat with the bot, from the user's side. */
export class TelegramChat {
  constructor(
    readonly fake: FakeBotApi,
    readonly id: number,
    readonly from?: Partial<TelegramUser>,
  ) {}

  /** The seq of the last Bot API call so far: calls after it are answers to what the test does next. */
  mark(): number {
    return this.fake.calls.at(-1)?.seq ?? 0;
  }

  /** Writes `text` and resolves with the bot's next message to this chat. */
  async say(text: string, timeoutMs = REPLY_MS): Promise<RecordedCall> {
    const after = this.mark();
    this.fake.sendText(this.id, text, this.from);
    return this.next('sendMessage', after, timeoutMs);
  }

  /** Writes `text` and resolves with the bot's next message to this chat that matches `reply` (a barrier). */
  async sayAndAwait(text: string, reply: (call: RecordedCall) => boolean, timeoutMs = REPLY_MS): Promise<RecordedCall> {
    const after = this.mark();
    this.fake.sendText(this.id, text, this.from);
    return this.fake.waitForMessage((call) => call.seq > after && call.method === 'sendMessage' && String(call.chat_id) === String(this.id) && reply(call), timeoutMs);
  }

  /** Presses the inline button `data` under the bot's message `messageId`; returns the mark to wait from. */
  press(messageId: number, data: string): { after: number; queryId: string } {
    const after = this.mark();
    const update = this.fake.pressButton(this.id, messageId, data, this.from);
    return { after, queryId: String((update.callback_query as { id: string }).id) };
  }

  /** The first successful `method` call to this chat after `after`. */
  next(method: string, after: number, timeoutMs = REPLY_MS): Promise<RecordedCall> {
    return this.fake.waitForMessage((call) => call.seq > after && call.method === method && String(call.chat_id) === String(this.id), timeoutMs);
  }

  /** Every successful `method` call to this chat so far. */
  all(method = 'sendMessage'): RecordedCall[] {
    return this.fake.sent.filter((call) => call.method === method && String(call.chat_id) === String(this.id));
  }
}

/** The answerCallbackQuery of a pressed button. */
export function callbackAnswer(fake: FakeBotApi, queryId: string, timeoutMs = REPLY_MS): Promise<RecordedCall> {
  return fake.waitForMessage((call) => call.method === 'answerCallbackQuery' && call.callback_query_id === queryId, timeoutMs);
}

/** The /help answer: a reply that can only be the answer to /help, to use as a barrier. */
export const isHelp = (call: RecordedCall): boolean => (call.text ?? '').includes('Tradepulse commands');

/** The callback_data of every inline button of a recorded message, row by row flattened. */
export function buttonsOf(call: RecordedCall): Array<{ text: string; callback_data?: string }> {
  const markup = call.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined;
  return markup?.inline_keyboard?.flat() ?? [];
}
