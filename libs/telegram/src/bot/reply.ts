// Direct replies in HTML parse mode, split above Telegram's 4,096 characters (buttons go on the last part).
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { splitMessage } from '../split-message';
import type { BotContext } from './bot-context';

export async function replyHtml(ctx: BotContext, html: string, keyboard?: InlineKeyboardMarkup): Promise<void> {
  const parts = splitMessage(html);
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    await ctx.reply(part, { parse_mode: 'HTML', ...(last && keyboard ? { reply_markup: keyboard } : {}) });
  }
}

/** The arguments after "/command", split on whitespace. */
export function commandArgs(ctx: BotContext): string[] {
  const text = ctx.message && 'text' in ctx.message ? ctx.message.text : '';
  return text.split(/\s+/).slice(1).filter(Boolean);
}
