// Handles each chat's updates one after another, in the order they came (a dialogue's answers must not overtake
// each other), while chats do not wait for each other. A reply can wait seconds for its chat's turn under the Bot
// API limits (3 s between messages to a group), and telegraf's polling loop awaits every update of a batch before
// it fetches the next: without this, one busy group would hold the replies of every other chat.
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { BotContext } from './bot-context';

/**
 * Replaces bot.handleUpdate (which both telegraf's polling loop and the webhook route call) with one that queues
 * the update behind its chat's earlier ones and returns at once. An update is then acknowledged to Telegram before
 * it is handled, as in webhook mode: a process killed mid-update does not see it again.
 */
export function handleUpdatesInChatOrder(bot: Telegraf<BotContext>, onError: (update: Update, error: Error) => void): void {
  const handle = bot.handleUpdate.bind(bot);
  const tails = new Map<string, Promise<void>>();
  bot.handleUpdate = (update: Update) => {
    const chat = chatKey(update);
    const tail = (tails.get(chat) ?? Promise.resolve())
      .then(() => handle(update))
      .catch((error: Error) => onError(update, error))
      .finally(() => {
        if (tails.get(chat) === tail) tails.delete(chat);
      });
    tails.set(chat, tail);
    return Promise.resolve();
  };
}

/** The chat an update belongs to; updates without one (none of the kinds the bot asks for) get a queue each. */
function chatKey(update: Update): string {
  if ('message' in update) return String(update.message.chat.id);
  if ('callback_query' in update) {
    const query = update.callback_query;
    return String(query.message?.chat.id ?? query.from.id);
  }
  return `update:${update.update_id}`;
}
