// Sends HTML messages within the Bot API limits (bot-wide, per private chat, per group) and
// retries what Telegram asks to retry. Rate limiting is Bottleneck's: a Group of per-chat
// limiters whose jobs go through one bot-wide limiter.
import Bottleneck from 'bottleneck';
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { classifySendFailure } from './send-failure';
import { splitMessage } from './split-message';
import type {
  SendMessageExtra, SendOptions, SendPriority, TelegramMessageApi, TelegramSenderLogger, TelegramSenderOptions, TelegramSenderStats,
} from './telegram-sender.types';

export class TelegramSenderStoppedError extends Error {
  constructor() {
    super('TelegramSender stopped before the message was sent');
    this.name = 'TelegramSenderStoppedError';
  }
}

/** An earlier part of the same message failed for good: the rest is not sent. */
class EarlierPartFailed extends Error {}
/** A call reached its bot-wide turn while a 429 pauses the bot: it is scheduled again. */
const HELD_BY_PAUSE = Symbol('held by a 429 pause');

interface PartJob {
  chatId: number | string;
  text: string;
  extra: SendMessageExtra;
  priority: number;
  chatIntervalMs: number;
  /** settles the caller's promise as soon as the part is out, before the chat's hold ends */
  onSent: () => void;
  message: { failed: boolean };
  rateLimitRetries: number;
  transientRetries: number;
}

type Settings = Required<Omit<TelegramSenderOptions, 'logger'>>;

const DEFAULTS: Settings = {
  botMessagesPerSec: 30,
  privateChatMessagesPerSec: 1,
  groupChatMessagesPerMin: 20,
  maxInFlight: 10,
  // 1, 2, 4, 8, 16 s, then every 30 s: 3.5 minutes of a Telegram outage before a send rejects (the notifications
  // channel then leaves its claim to the recovery sweep, which takes claims older than 5 minutes as orphaned)
  transientRetries: 11,
  transientBackoffMs: 1000,
  transientBackoffMaxMs: 30_000,
  rateLimitRetries: 10,
  dedupeCapacity: 10_000,
};
/** Bottleneck priorities: 0 runs first, 9 last */
const PRIORITIES: Record<SendPriority, number> = { high: 1, normal: 5, low: 8 };
const BOT_SPACING_HEADROOM = 1.1;

export class TelegramSender {
  private readonly settings: Settings;
  private readonly logger?: TelegramSenderLogger;
  private readonly bot: Bottleneck;
  private readonly privateChats: Bottleneck.Group;
  private readonly groupChats: Bottleneck.Group;
  private readonly recentKeys = new Map<string, Promise<void>>();
  private readonly counters = { sent: 0, retried429: 0, retriedTransient: 0, failed: 0, deduplicated: 0, dropped: 0, pending: 0 };
  private readonly stopping = new AbortController();
  private readonly privateChatIntervalMs: number;
  private readonly groupChatIntervalMs: number;
  private paused = false;
  private pausedUntil = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly api: TelegramMessageApi, options: TelegramSenderOptions = {}) {
    const { logger, ...settings } = options;
    this.settings = { ...DEFAULTS, ...settings };
    this.logger = logger;
    // one listener per chat holding its slot (sendInTurn), so many at once in a burst
    setMaxListeners(0, this.stopping.signal);
    this.bot = new Bottleneck({
      maxConcurrent: this.settings.maxInFlight,
      minTime: Math.ceil((1000 / this.settings.botMessagesPerSec) * BOT_SPACING_HEADROOM),
    });
    this.bot.on('error', (error: Error) => this.logger?.warn(`Telegram bot limiter error: ${error.message}`));
    this.privateChatIntervalMs = Math.ceil(1000 / this.settings.privateChatMessagesPerSec);
    this.groupChatIntervalMs = Math.ceil(60_000 / this.settings.groupChatMessagesPerMin);
    this.privateChats = this.chatLimiters(this.privateChatIntervalMs);
    this.groupChats = this.chatLimiters(this.groupChatIntervalMs);
  }

  get stats(): TelegramSenderStats {
    return { ...this.counters, paused: this.paused };
  }

  /**
   * Resolves when every part of the message is delivered. Rejects with Telegram's error at once for
   * 4xx answers (chat not found, bot blocked), after the retries for 5xx and network errors, and with
   * TelegramSenderStoppedError when stop() drops it.
   */
  send(chatId: number | string, html: string, options: SendOptions = {}): Promise<void> {
    if (this.stopped) return Promise.reject(new TelegramSenderStoppedError());
    const key = options.dedupeKey;
    const earlier = key === undefined ? undefined : this.recentKeys.get(key);
    if (earlier) {
      this.counters.deduplicated += 1;
      return earlier;
    }
    const delivery = this.deliver(chatId, html, options);
    if (key !== undefined) this.remember(key, delivery);
    return delivery;
  }

  /**
   * Another Bot API call (an edit of the message under a pressed button) in the bot-wide turn, ahead of waiting
   * notifications: it counts against the 30/s like a message, waits while a 429 pauses the bot, and a 429 it gets
   * pauses every send. Not in the chat's turn: it sends no new message. Retrying is the caller's.
   */
  inBotTurn<T>(call: () => Promise<T>): Promise<T> {
    return this.inBotQueue(PRIORITIES.high, async () => {
      try {
        return await call();
      } catch (error) {
        const failure = classifySendFailure(error);
        if (failure.kind === 'rate-limited') this.pauseAll(failure.retryAfterSec);
        throw error;
      }
    });
  }

  /** Drops waiting messages (their send() rejects) and resolves once requests in flight have ended. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.resumeTimer);
    this.stopping.abort();
    const chatLimiters = [this.privateChats, this.groupChats].flatMap((group) => group.limiters().map(({ limiter }) => limiter));
    await Promise.all([this.bot, ...chatLimiters].map((limiter) =>
      limiter.stop({ dropWaitingJobs: true, dropErrorMessage: 'TelegramSender stopped' })));
  }

  private async deliver(chatId: number | string, html: string, { priority = 'normal', replyMarkup }: SendOptions): Promise<void> {
    try {
      const parts = splitMessage(html);
      const isPrivate = Number(chatId) > 0;
      const limiter = isPrivate ? this.privateChats.key(String(chatId)) : this.groupChats.key(String(chatId));
      const chatIntervalMs = isPrivate ? this.privateChatIntervalMs : this.groupChatIntervalMs;
      const message = { failed: false };
      // scheduled together, so the chat's FIFO queue keeps the parts in order
      const sends = parts.map((text, index) => {
        const extra: SendMessageExtra = { parse_mode: 'HTML', ...(index === parts.length - 1 && replyMarkup && { reply_markup: replyMarkup }) };
        this.counters.pending += 1;
        return new Promise<void>((resolve, reject) => {
          const job: PartJob = {
            chatId, text, extra, priority: PRIORITIES[priority], chatIntervalMs, onSent: resolve, message, rateLimitRetries: 0, transientRetries: 0,
          };
          limiter.schedule({ priority: job.priority }, (part: PartJob) => this.sendInTurn(part), job).then(resolve, reject);
        }).finally(() => { this.counters.pending -= 1; });
      });
      const failure = (await Promise.allSettled(sends)).find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    } catch (error) {
      if (this.stopped && !isTelegramAnswer(error)) {
        this.counters.dropped += 1;
        throw new TelegramSenderStoppedError();
      }
      this.counters.failed += 1;
      throw error;
    }
  }

  /**
   * Runs in the chat's limiter: waits for the bot-wide turn, sends, then holds the chat's slot for
   * the chat interval. Bottleneck's minTime (and chain()) count from when a job leaves the chat's
   * queue, but the bot-wide queue may delay it further, so in a burst the chat's next message
   * would follow it back to back. Holding from Telegram's answer, which comes after the message
   * arrived, keeps arrivals an interval apart whatever the backlog or the network latency.
   */
  private async sendInTurn(job: PartJob): Promise<void> {
    this.assertMayGo(job);
    await this.inBotQueue(job.priority, () => this.sendPart(job));
    job.onSent();
    await delay(job.chatIntervalMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  /**
   * Runs `call` in the bot-wide turn, when the limits let it go. A call admitted before a 429 paused the bot starts
   * one spacing later, inside the pause: it goes back into the queue, which the pause holds, instead of to Telegram.
   */
  private inBotQueue<T>(priority: number, call: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new TelegramSenderStoppedError());
    const turn = this.bot.schedule({ priority }, async (): Promise<T | typeof HELD_BY_PAUSE> => {
      if (this.stopped) throw new TelegramSenderStoppedError();
      return this.paused ? HELD_BY_PAUSE : call();
    });
    return turn.then((result) => (result === HELD_BY_PAUSE ? this.inBotQueue(priority, call) : result));
  }

  /** Runs in the bot-wide limiter, when the limits let this part go. */
  private async sendPart(job: PartJob): Promise<void> {
    this.assertMayGo(job);
    await this.api.sendMessage(job.chatId, job.text, job.extra);
    this.counters.sent += 1;
  }

  private assertMayGo(job: PartJob): void {
    if (this.stopped) throw new TelegramSenderStoppedError();
    if (job.message.failed) throw new EarlierPartFailed();
  }

  /** Bottleneck's `failed` answer: milliseconds until the part runs again, or undefined to reject it. */
  private retryDelayMs(error: unknown, job: PartJob): number | undefined {
    if (this.stopped || error instanceof TelegramSenderStoppedError || error instanceof EarlierPartFailed) return undefined;
    const failure = classifySendFailure(error);
    if (failure.kind === 'rate-limited' && job.rateLimitRetries < this.settings.rateLimitRetries) {
      job.rateLimitRetries += 1;
      this.counters.retried429 += 1;
      this.pauseAll(failure.retryAfterSec);
      // 0: straight back into the bot-wide queue, which holds it until the pause ends
      return 0;
    }
    if (failure.kind === 'transient' && job.transientRetries < this.settings.transientRetries) {
      job.transientRetries += 1;
      this.counters.retriedTransient += 1;
      const delayMs = transientDelayMs(this.settings, job.transientRetries);
      // an outage fails every chat's sends at once: the first retries and then every fifth are enough to follow it
      if (job.transientRetries <= 3 || job.transientRetries % 5 === 0) {
        this.logger?.warn(`Telegram send to chat ${job.chatId} failed (${describe(error)}); retry ${job.transientRetries} of ${this.settings.transientRetries} in ${delayMs} ms`);
      }
      return delayMs;
    }
    job.message.failed = true;
    return undefined;
  }

  /** A 429 is about the whole bot: nothing goes out until retry_after has passed. */
  private pauseAll(retryAfterSec: number): void {
    const until = Date.now() + retryAfterSec * 1000;
    if (this.paused && until <= this.pausedUntil) return;
    this.logger?.warn(`Telegram answered 429: pausing every send of this bot for ${retryAfterSec} s`);
    this.paused = true;
    this.pausedUntil = until;
    void this.bot.updateSettings({ reservoir: 0 });
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.paused = false;
      void this.bot.updateSettings({ reservoir: null });
    }, until - Date.now());
  }

  private chatLimiters(minTimeMs: number): Bottleneck.Group {
    // one message at a time per chat keeps parts in order; the spacing is completed in sendInTurn
    const group = new Bottleneck.Group({ maxConcurrent: 1, minTime: minTimeMs });
    group.on('created', (limiter) => {
      limiter.on('failed', (error, info) => this.retryDelayMs(error, info.args[0] as PartJob));
      limiter.on('error', (error: Error) => this.logger?.warn(`Telegram chat limiter error: ${error.message}`));
    });
    return group;
  }

  private remember(key: string, delivery: Promise<void>): void {
    this.recentKeys.set(key, delivery);
    if (this.recentKeys.size > this.settings.dedupeCapacity) {
      this.recentKeys.delete(this.recentKeys.keys().next().value as string);
    }
    // a failed delivery may be sent again under the same key
    delivery.catch(() => {
      if (this.recentKeys.get(key) === delivery) this.recentKeys.delete(key);
    });
  }
}

/** The wait before the `retry`-th retry (from 1) of a 5xx or network error: doubling from the first, capped. */
export function transientDelayMs(settings: Pick<Settings, 'transientBackoffMs' | 'transientBackoffMaxMs'>, retry: number): number {
  return Math.min(settings.transientBackoffMs * 2 ** (retry - 1), settings.transientBackoffMaxMs);
}

function isTelegramAnswer(error: unknown): boolean {
  return typeof (error as { response?: { error_code?: unknown } })?.response?.error_code === 'number';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
