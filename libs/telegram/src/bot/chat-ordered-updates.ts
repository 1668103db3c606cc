// Handles each chat's updates one after another, in the order they came (a dialogue's answers must not overtake
// each other), while chats do not wait for each other. A reply can wait seconds for its chat's turn under the Bot
// API limits (3 s between messages to a group), and telegraf's polling loop awaits every update of a batch before
// it fetches the next: without this, one busy group would hold the replies of every other chat.
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { BotContext } from './bot-context';

/**
 * A chat's updates waiting or running at most: each reply waits ≥ 1 s for the chat's turn (3 s in a group), so
 * more would be answered minutes late, and a chat flooding the bot would grow its queue without bound.
 */
export const MAX_QUEUED_UPDATES_PER_CHAT = 20;

export interface ChatOrderEvents {
  failed(update: Update, error: Error): void;
  /** An update over the chat's limit, not handled; `firstOfBurst` until the chat's queue has emptied again. */
  dropped(update: Update, chatId: number | undefined, firstOfBurst: boolean): void;
}

interface ChatQueue {
  tail: Promise<void>;
  size: number;
  dropping: boolean;
}

/**
 * Replaces bot.handleUpdate (which both telegraf's polling loop and the webhook route call) with one that queues
 * the update behind its chat's earlier ones and returns at once. An update is then acknowledged to Telegram before
 * it is handled, as in webhook mode: a process killed mid-update does not see it again.
 */
export function handleUpdatesInChatOrder(bot: Telegraf<BotContext>, events: ChatOrderEvents, maxQueuedPerChat = MAX_QUEUED_UPDATES_PER_CHAT): void {
  const handle = bot.handleUpdate.bind(bot);
  const queues = new Map<string, ChatQueue>();
  bot.handleUpdate = (update: Update) => {
    const key = chatKey(update);
    const queue = queues.get(key) ?? { tail: Promise.resolve(), size: 0, dropping: false };
    if (queue.size >= maxQueuedPerChat) {
      events.dropped(update, chatIdOf(update), !queue.dropping);
      queue.dropping = true;
      return Promise.resolve();
    }
    queue.size++;
    queue.tail = queue.tail
      .then(() => handle(update))
      .catch((error: Error) => events.failed(update, error))
      .finally(() => {
        if (--queue.size === 0) queues.delete(key);
      });
    queues.set(key, queue);
    return Promise.resolve();
  };
}

function chatIdOf(update: Update): number | undefined {
  if ('message' in update) return update.message.chat.id;
  if ('callback_query' in update) return update.callback_query.message?.chat.id ?? update.callback_query.from.id;
  return undefined;
}

/** The chat an update belongs to; updates without one (none of the kinds the bot asks for) get a queue each. */
function chatKey(update: Update): string {
  const chatId = chatIdOf(update);
  return chatId === undefined ? `update:${update.update_id}` : String(chatId);
}
