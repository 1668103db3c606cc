// Middlewares that run before every command handler: error boundary, metrics, account, dialogues, unknown commands.
import { Logger } from '@nestjs/common';
import { counter, DomainError, histogram } from '@tradepulse/platform';
import type { MiddlewareFn } from 'telegraf';
import { escapeHtml } from '../telegram-html';
import type { BotContext } from './bot-context';
import { isRegisteredCommand } from './bot-command.decorator';
import { ChatAccountsService } from './chat-accounts.service';
import { DialogueStore } from './dialogue-store';

const updatesTotal = counter({ name: 'tradepulse_telegram_updates_total', help: 'Telegram updates handled, by command', labelNames: ['command', 'outcome'] });
const handlerSeconds = histogram({ name: 'tradepulse_telegram_handler_seconds', help: 'Telegram update handling time', labelNames: ['command'], buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

const logger = new Logger('TelegramBot');

function commandOf(ctx: BotContext): string | undefined {
  const text = ctx.message && 'text' in ctx.message ? ctx.message.text : undefined;
  const match = text ? /^\/([A-Za-z0-9_]+)(@\w+)?/.exec(text) : null;
  return match?.[1].toLowerCase();
}

/** Logs a handler's failure with the update id and answers with a short apology instead of silence. */
export const errorBoundary: MiddlewareFn<BotContext> = async (ctx, next) => {
  const command = commandOf(ctx) ?? (ctx.callbackQuery ? 'callback' : 'message');
  ctx.state.command = command;
  const end = handlerSeconds.startTimer({ command });
  try {
    await next();
    updatesTotal.inc({ command, outcome: 'ok' });
  } catch (error) {
    updatesTotal.inc({ command, outcome: 'error' });
    if (error instanceof DomainError) {
      await ctx.reply(`⚠️ ${escapeHtml(error.message)}`, { parse_mode: 'HTML' }).catch(() => undefined);
      return;
    }
    logger.error(`update ${ctx.update.update_id} (${command}) failed: ${(error as Error).stack ?? error}`);
    await ctx.reply('Sorry, something went wrong on our side. Please try again in a moment.').catch(() => undefined);
  } finally {
    end();
  }
};

export function accountResolver(accounts: ChatAccountsService): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (ctx.chat) ctx.state.account = await accounts.find(ctx.chat.id);
    await next();
  };
}

/** Plain text while a dialogue is open continues it; a command abandons it. */
export function dialogueRouter(dialogues: DialogueStore): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const text = ctx.message && 'text' in ctx.message ? ctx.message.text : undefined;
    if (!ctx.chat || text === undefined) return next();
    if (text.startsWith('/')) {
      await dialogues.end(ctx.chat.id);
      return next();
    }
    const dialogue = await dialogues.get<Record<string, unknown>>(ctx.chat.id);
    const handler = dialogue && dialogues.handler(dialogue.name);
    if (!dialogue || !handler) return next();
    await handler(ctx, text, dialogue);
  };
}

export const unknownCommandReply: MiddlewareFn<BotContext> = async (ctx, next) => {
  const command = commandOf(ctx);
  if (command && !isRegisteredCommand(command)) {
    await ctx.reply(`I don't know /${command}. Send /help for the list of commands.`);
    return;
  }
  if (!command && ctx.message && 'text' in ctx.message && ctx.chat?.type === 'private') {
    await ctx.reply('Send a command, for example /price BTC/USDT or /alert. /help lists them all.');
    return;
  }
  await next();
};
