// Middlewares that run before every command handler: error boundary, metrics, account, dialogues, unknown commands.
import { Logger } from '@nestjs/common';
import { counter, DomainError, histogram } from '@tradepulse/platform';
import type { MiddlewareFn } from 'telegraf';
import { escapeHtml } from '../telegram-html';
import type { BotContext } from './bot-context';
import { isRegisteredCommand } from './bot-command.decorator';
import { ChatAccountsService } from './chat-accounts.service';
import { DialogueStore } from './dialogue-store';
import { replyHtml, replyText } from './reply';

const updatesTotal = counter({ name: 'tradepulse_telegram_updates_total', help: 'Telegram updates handled, by command', labelNames: ['command', 'outcome'] });
const handlerSeconds = histogram({ name: 'tradepulse_telegram_handler_seconds', help: 'Telegram update handling time', labelNames: ['command'], buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

const logger = new Logger('TelegramBot');

/** room for the "⚠️ " and HTML escapes of an error reply within Telegram's 4,096 characters */
const MAX_ERROR_REPLY = 1_000;

function shortened(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const COMMAND = /^\/([A-Za-z0-9_]+)(?:@(\w+))?/;

function commandOf(ctx: BotContext): string | undefined {
  const text = ctx.message && 'text' in ctx.message ? ctx.message.text : undefined;
  return (text && COMMAND.exec(text)?.[1])?.toLowerCase();
}

/**
 * Before everything else: a command addressed to another bot (`/start@other_bot` in a group) is not ours and gets
 * no answer; a command in capitals (`/PRICE`, what a phone's keyboard may send) is read as its lower-case self,
 * which is the only form telegraf's handlers match.
 */
export const commandAddressing: MiddlewareFn<BotContext> = async (ctx, next) => {
  const message = ctx.message && 'text' in ctx.message ? ctx.message : undefined;
  const match = message && COMMAND.exec(message.text);
  if (!message || !match) return next();
  const [whole, name, addressee] = match;
  if (addressee && addressee.toLowerCase() !== ctx.me?.toLowerCase()) return;
  if (name !== name.toLowerCase()) message.text = `/${name.toLowerCase()}${whole.slice(name.length + 1)}${message.text.slice(whole.length)}`;
  await next();
};

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
      // a message may quote what the user sent: cut to what one Telegram message holds
      await replyHtml(ctx, `⚠️ ${escapeHtml(shortened(error.message, MAX_ERROR_REPLY))}`).catch(() => undefined);
      return;
    }
    logger.error(`update ${ctx.update.update_id} (${command}) failed: ${(error as Error).stack ?? error}`);
    await replyText(ctx, 'Sorry, something went wrong on our side. Please try again in a moment.').catch(() => undefined);
  } finally {
    end();
  }
};

export function accountResolver(accounts: ChatAccountsService): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.state.registrationOpen = accounts.registrationOpen;
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
      await dialogues.end(ctx);
      return next();
    }
    const dialogue = await dialogues.get<Record<string, unknown>>(ctx);
    const handler = dialogue && dialogues.handler(dialogue.name);
    if (!dialogue || !handler) return next();
    await handler(ctx, text, dialogue);
  };
}

/**
 * Every button press gets an answer, or the user's client shows a spinner until it times out: a press no handler
 * took (a button of an old message) is told so, and one whose handler failed before answering gets an empty answer
 * (the error boundary explains in the chat).
 */
export const callbackAnswer: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (!ctx.callbackQuery) return next();
  let answered = false;
  const answer = ctx.answerCbQuery.bind(ctx);
  ctx.answerCbQuery = (...args: Parameters<typeof answer>) => {
    answered = true;
    return answer(...args);
  };
  let failed = false;
  try {
    await next();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (!answered) await answer(failed ? undefined : 'This button is no longer valid.').catch(() => undefined);
  }
};

export const unknownCommandReply: MiddlewareFn<BotContext> = async (ctx, next) => {
  const command = commandOf(ctx);
  if (command && !isRegisteredCommand(command)) {
    await replyText(ctx, `I don't know /${shortened(command, 64)}. Send /help for the list of commands.`);
    return;
  }
  if (!command && ctx.message && 'text' in ctx.message && ctx.chat?.type === 'private') {
    await replyText(ctx, 'Send a command, for example /price BTC/USDT or /alert. /help lists them all.');
    return;
  }
  await next();
};
