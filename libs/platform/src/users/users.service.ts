import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { ApiKeyService } from '../auth/api-key.service';
import { conflict, forbidden, notFound } from '../errors/domain-errors';
import { User, UserRole } from './user.entity';

export interface RegisteredUser {
  id: string;
  username: string;
  apiKey: string;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly keys: ApiKeyService,
    private readonly config: AppConfig,
  ) {}

  async register(username: string): Promise<RegisteredUser> {
    if (!this.config.allowRegistration) throw forbidden('registration is disabled on this server (ALLOW_REGISTRATION=false)');
    const user = await this.create(username, 'user');
    const { apiKey } = await this.keys.issue(user.id, 'registration');
    return { id: user.id, username: user.username, apiKey };
  }

  async create(username: string, role: UserRole, telegramChatId?: string): Promise<User> {
    const em = this.em.fork();
    const user = em.create(User, { username, role, telegramChatId: telegramChatId ?? null, createdAt: new Date() });
    try {
      await em.persistAndFlush(user);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw conflict(`username: "${username}" is taken`);
      throw error;
    }
    return user;
  }

  async get(userId: string): Promise<User> {
    const user = await this.em.fork().findOne(User, { id: userId });
    if (!user) throw notFound('user');
    return user;
  }

  async findByUsername(username: string): Promise<User | null> {
    return this.em.fork().findOne(User, { username });
  }

  async findByTelegramChat(chatId: string): Promise<User | null> {
    return this.em.fork().findOne(User, { telegramChatId: chatId });
  }
}
