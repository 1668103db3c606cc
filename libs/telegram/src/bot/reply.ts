// Direct replies to what a chat sent go through the same TelegramSender as notifications, ahead of them
// (priority high): the Bot API limits count every message of the bot, so a reply waits for the chat's turn
// (1 message per second in a private chat, 20 per minute in a group) and for the bot-wide one like any other,
// and the sender splits it above 4,096 characters (buttons on the last part) and retries what Telegram asks to.
// Edits of a message under a pressed button (editHtml) take the bot-wide turn, not the chat's, and are retried.
import pRetry from 'p-retry';
import type { MiddlewareFn } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { classifySendFailure } from '../send-failure';
import { escapeHtml } from '../telegram-html';
import type { TelegramSender } from '../telegram-sender';
import type { BotContext } from './bot-context';

/** The first middleware: hands the bot's sender to every handler of the update. */
export function repliesThrough(sender: TelegramSender): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    ctx.state.sender = sender;
    return next();
  };
}

/** Resolves once every part is delivered; rejects with Telegram's error (4xx at once, 5xx after the retries). */
export async function replyHtml(ctx: BotContext, html: string, keyboard?: InlineKeyboardMarkup): Promise<void> {
  const sender = senderOf(ctx, 'replyHtml');
  if (!ctx.chat) throw new Error(`replyHtml: update ${ctx.update.update_id} has no chat to answer`);
  await sender.send(ctx.chat.id, html, { priority: 'high', replyMarkup: keyboard });
}

/** A plain-text reply: the text shows exactly as given. */
export async function replyText(ctx: BotContext, text: string): Promise<void> {
  await replyHtml(ctx, escapeHtml(text));
}

const EDIT_RETRIES = 3;
const EDIT_BACKOFF_MS = 500;

/**
 * Edits the message a pressed button sits under, in the bot-wide turn (TelegramSender.inBotTurn). A 429 is waited
 * out (the sender pauses the bot for retry_after) and a 5xx or network error retried with backoff, so a removal
 * that succeeded is not answered with an apology; an edit that would change nothing (a second tap) is no error.
 */
export async function editHtml(ctx: BotContext, html: string, keyboard?: InlineKeyboardMarkup): Promise<void> {
  const sender = senderOf(ctx, 'editHtml');
  await pRetry(
    async () => {
      await sender.inBotTurn(() => ctx.editMessageText(html, { parse_mode: 'HTML', reply_markup: keyboard })).catch((error: Error) => {
        if (!/message is not modified/i.test(error.message)) throw error;
      });
    },
    {
      retries: EDIT_RETRIES,
      minTimeout: EDIT_BACKOFF_MS,
      onFailedAttempt: (error) => {
        if (classifySendFailure(error).kind === 'permanent') throw error;
      },
    },
  );
}

/** The arguments after "/command", split on whitespace. */
export function commandArgs(ctx: BotContext): string[] {
  const text = ctx.message && 'text' in ctx.message ? ctx.message.text : '';
  return text.split(/\s+/).slice(1).filter(Boolean);
}

function senderOf(ctx: BotContext, caller: string): TelegramSender {
  const { sender } = ctx.state;
  if (!sender) throw new Error(`${caller}: no sender on this update (repliesThrough must run first)`);
  return sender;
}
