// Updates a user would cause: a text message, a press on an inline button.
import { chatFor, userFor } from './chats';
import { unixTime, type StoredMessage } from './message-store';
import type { ChatId, TelegramUser } from './types';

export function textMessage(chatId: ChatId, messageId: number, text: string, from?: Partial<TelegramUser>): StoredMessage {
  const message: StoredMessage = { message_id: messageId, from: userFor(chatId, from), chat: chatFor(chatId), date: unixTime(), text };
  const command = /^\/\S+/.exec(text);
  // telegraf's bot.command() matches on this entity, not on the text
  if (command) message.entities = [{ type: 'bot_command', offset: 0, length: command[0].length }];
  return message;
}

export function callbackQuery(
  queryId: string,
  chatId: ChatId,
  message: StoredMessage,
  data: string,
  from?: Partial<TelegramUser>,
): Record<string, unknown> {
  return { id: queryId, from: userFor(chatId, from), message, chat_instance: String(chatId), data };
}
