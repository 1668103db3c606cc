// Direct replies to what a chat sent: HTML parse mode, split above Telegram's 4,096 characters (buttons go on the
// last part), and retried the way Telegram asks: after retry_after on a 429, with backoff on a 5xx or a network
// error, never on another 4xx. Replies skip the notification sender's queues: a user waits for them.
import { setTimeout as delay } from 'node:timers/promises';
import pRetry from 'p-retry';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { classifySendFailure } from '../send-failure';
import { splitMessage } from '../split-message';
import type { BotContext } from './bot-context';

const REPLY_RETRIES = 3;
const REPLY_BACKOFF_MS = 500;

export async function replyHtml(ctx: BotContext, html: string, keyboard?: InlineKeyboardMarkup): Promise<void> {
  const parts = splitMessage(html);
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    await retried(() => ctx.reply(part, { parse_mode: 'HTML', ...(last && keyboard ? { reply_markup: keyboard } : {}) }));
  }
}

/** A plain-text reply (no HTML), retried like replyHtml. */
export async function replyText(ctx: BotContext, text: string): Promise<void> {
  await retried(() => ctx.reply(text));
}

function retried(send: () => Promise<unknown>): Promise<unknown> {
  return pRetry(send, {
    retries: REPLY_RETRIES,
    minTimeout: REPLY_BACKOFF_MS,
    onFailedAttempt: async (error) => {
      const failure = classifySendFailure(error);
      if (failure.kind === 'permanent') throw error;
      if (failure.kind === 'rate-limited') await delay(failure.retryAfterSec * 1000);
    },
  });
}

/** The arguments after "/command", split on whitespace. */
export function commandArgs(ctx: BotContext): string[] {
  const text = ctx.message && 'text' in ctx.message ? ctx.message.text : '';
  return text.split(/\s+/).slice(1).filter(Boolean);
}
