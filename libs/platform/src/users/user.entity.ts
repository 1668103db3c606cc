import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type UserRole = 'user' | 'admin';

@Entity({ tableName: 'users' })
export class User {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  username!: string;

  @Enum({ items: ['user', 'admin'], type: 'text' })
  role: UserRole = 'user';

  /** Telegram private chat id (equals the Telegram user id for private chats). */
  @Property({ type: 'bigint', nullable: true, unique: true })
  telegramChatId?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
