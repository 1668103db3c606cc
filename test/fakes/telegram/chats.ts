// Chats and users as Telegram describes them: private chats have positive ids, groups negative ones,
// supergroups -100…; '@name' strings are channels.
import type { ChatId, TelegramUser } from './types';

export interface Chat {
  id: ChatId;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
  username?: string;
}

const SUPERGROUP_IDS_BELOW = -1_000_000_000_000;

/** Sender of group messages and button presses when a test names nobody. */
const DEFAULT_GROUP_MEMBER: TelegramUser = { id: 700_001, is_bot: false, first_name: 'Tess', username: 'tess' };

export function chatFor(chatId: ChatId): Chat {
  if (typeof chatId === 'string') return { id: chatId, type: 'channel', title: chatId, username: chatId.replace(/^@/, '') };
  if (chatId > 0) return { id: chatId, type: 'private', first_name: `User ${chatId}`, username: `user${chatId}` };
  return { id: chatId, type: chatId < SUPERGROUP_IDS_BELOW ? 'supergroup' : 'group', title: `Group ${-chatId}` };
}

/** In a private chat the user's id is the chat id. */
export function userFor(chatId: ChatId, from?: Partial<TelegramUser>): TelegramUser {
  const base = typeof chatId === 'number' && chatId > 0
    ? { id: chatId, is_bot: false, first_name: `User ${chatId}`, username: `user${chatId}` }
    : DEFAULT_GROUP_MEMBER;
  return { ...base, ...from };
}

export function chatKey(chatId: ChatId): string {
  return String(chatId);
}
