import { Injectable } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { ApiKeyService } from '../auth/api-key.service';
import { conflict, forbidden, notFound } from '../errors/domain-errors';
import { User, UserRole } from './user.entity';
import { UsersRepository } from './users.repository';

export interface RegisteredUser {
  id: string;
  username: string;
  apiKey: string;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
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
    const user = await this.users.insert(username, role, telegramChatId ?? null);
    if (!user) throw conflict(`username: "${username}" is taken`);
    return user;
  }

  async get(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw notFound('user');
    return user;
  }

  findByTelegramChat(chatId: string): Promise<User | null> {
    return this.users.findByTelegramChat(chatId);
  }

  /** Attaches a Telegram chat to the user; a conflict when it belongs to another user. */
  async linkTelegramChat(userId: string, chatId: string): Promise<void> {
    if (!(await this.users.setTelegramChat(userId, chatId))) throw conflict('this chat is already linked to another account');
  }

  firstAdmin(): Promise<User | null> {
    return this.users.firstAdmin();
  }
}
