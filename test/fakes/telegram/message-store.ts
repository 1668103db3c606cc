// Messages of every chat, so edits, deletions and button presses refer to real messages.
import { chatKey } from './chats';
import type { ChatId } from './types';

export type StoredMessage = { message_id: number; chat: { id: ChatId }; date: number } & Record<string, unknown>;

export class MessageStore {
  private readonly chats = new Map<string, Map<number, StoredMessage>>();
  private readonly lastIds = new Map<string, number>();

  /** Message ids count per chat, as in Telegram. */
  nextId(chatId: ChatId): number {
    const id = (this.lastIds.get(chatKey(chatId)) ?? 0) + 1;
    this.lastIds.set(chatKey(chatId), id);
    return id;
  }

  save(message: StoredMessage): StoredMessage {
    const key = chatKey(message.chat.id);
    const chat = this.chats.get(key) ?? new Map<number, StoredMessage>();
    chat.set(message.message_id, message);
    this.chats.set(key, chat);
    return message;
  }

  get(chatId: ChatId, messageId: number): StoredMessage | undefined {
    return this.chats.get(chatKey(chatId))?.get(messageId);
  }

  delete(chatId: ChatId, messageId: number): boolean {
    return this.chats.get(chatKey(chatId))?.delete(messageId) ?? false;
  }

  clear(): void {
    this.chats.clear();
    this.lastIds.clear();
  }
}

export function unixTime(): number {
  return Math.floor(Date.now() / 1000);
}
