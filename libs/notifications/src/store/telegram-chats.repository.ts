// Which users have a Telegram chat linked, many at once, for the telegram channel's check before a claim.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User } from '@tradepulse/platform';

@Injectable()
export class TelegramChatsRepository {
  constructor(private readonly em: EntityManager) {}

  async linkedUsers(userIds: readonly string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const users = await this.em.fork().find(User, { id: { $in: [...new Set(userIds)] }, telegramChatId: { $ne: null } }, { fields: ['id'] });
    return new Set(users.map((user) => user.id));
  }
}
