// What TelegramSender takes, gives and counts.
import type { InlineKeyboardMarkup } from 'telegraf/types';

/** The one call the sender needs; telegraf's `Telegram` satisfies it. */
export interface TelegramMessageApi {
  sendMessage(chatId: number | string, text: string, extra: SendMessageExtra): Promise<unknown>;
}

export interface SendMessageExtra {
  parse_mode: 'HTML';
  reply_markup?: InlineKeyboardMarkup;
}

export type SendPriority = 'high' | 'normal' | 'low';

export interface SendOptions {
  /** order among messages waiting for the same chat and for the bot; default 'normal' */
  priority?: SendPriority;
  /** e.g. the notification id: a key already sent or being sent is not sent again */
  dedupeKey?: string;
  /** inline buttons, attached to the last part of a split message */
  replyMarkup?: InlineKeyboardMarkup;
}

export interface TelegramSenderOptions {
  /** bot-wide; spaced with 10 % headroom, because Telegram counts arrival times and the network jitters */
  botMessagesPerSec?: number;
  /** per chat with a positive id */
  privateChatMessagesPerSec?: number;
  /** per group or channel (negative id or @name) */
  groupChatMessagesPerMin?: number;
  /** requests to Telegram at the same time */
  maxInFlight?: number;
  /** retries of a part after a 5xx or a network error, before the send rejects */
  transientRetries?: number;
  /** first backoff after a 5xx or network error, doubled on each retry up to transientBackoffMaxMs */
  transientBackoffMs?: number;
  transientBackoffMaxMs?: number;
  /** retries of one part after 429s; each waits retry_after first */
  rateLimitRetries?: number;
  /** how many dedupe keys are remembered */
  dedupeCapacity?: number;
  logger?: TelegramSenderLogger;
}

export interface TelegramSenderLogger {
  warn(message: string): void;
}

export interface TelegramSenderStats {
  /** Telegram messages delivered (a split message counts each part) */
  sent: number;
  /** parts sent again after a 429 */
  retried429: number;
  /** parts sent again after a 5xx or network error */
  retriedTransient: number;
  /** send() calls that rejected: a message the user did not fully get */
  failed: number;
  /** send() calls answered by an earlier send() with the same dedupeKey */
  deduplicated: number;
  /** send() calls rejected because stop() dropped them */
  dropped: number;
  /** parts accepted and not yet sent or failed */
  pending: number;
  /** true while a 429 holds every send of the bot */
  paused: boolean;
}
