// Queries of user accounts (the Telegram chats that notifications go to are read by TelegramChatsRepository).
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User, UserRole } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * The new user, or undefined when the username (in any case) or the Telegram chat belongs to another user
   * already.
   */
  async insert(username: string, role: UserRole, telegramChatId: string | null): Promise<User | undefined> {
    const em = this.em.fork();
    const user = em.create(User, { username, role, telegramChatId, createdAt: new Date() });
    return (await unlessTaken(em.persistAndFlush(user))) ? user : undefined;
  }

  findById(userId: string): Promise<User | null> {
    return this.em.fork().findOne(User, { id: userId });
  }

  findByTelegramChat(chatId: string): Promise<User | null> {
    return this.em.fork().findOne(User, { telegramChatId: chatId });
  }

  /** False when the chat belongs to another user already (its unique index refused it). */
  async setTelegramChat(userId: string, chatId: string): Promise<boolean> {
    return unlessTaken(this.em.fork().nativeUpdate(User, { id: userId }, { telegramChatId: chatId }));
  }

  /** The admin created first, the one the bootstrap keeps. */
  firstAdmin(): Promise<User | null> {
    return this.em.fork().findOne(User, { role: 'admin' }, { orderBy: { createdAt: 'asc' } });
  }
}

/** True once the write succeeded; false when a unique index refused it (a value another user holds). */
async function unlessTaken(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}
