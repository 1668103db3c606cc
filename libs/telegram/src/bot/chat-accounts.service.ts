// Which Tradepulse account a Telegram chat belongs to: created by /start, attached by /link <code>.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { AppCache, conflict, DomainError, invalid, User, UsersService } from '@tradepulse/platform';
import { randomInt } from 'node:crypto';
import type { ChatAccount } from './bot-context';

const LINK_CODE_TTL_MS = 10 * 60_000;
const LINK_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const ACCOUNT_CACHE_MS = 30_000;

export interface LinkCode {
  code: string;
  expiresAt: Date;
}

@Injectable()
export class ChatAccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly cache: AppCache,
    private readonly config: AppConfig,
  ) {}

  async find(chatId: number): Promise<ChatAccount | undefined> {
    const cached = await this.cache.get<ChatAccount | 'none'>(accountKey(chatId));
    if (cached) return cached === 'none' ? undefined : cached;
    const user = await this.users.findByTelegramChat(String(chatId));
    const account: ChatAccount | undefined = user ? { userId: user.id, username: user.username, role: user.role } : undefined;
    await this.cache.set(accountKey(chatId), account ?? 'none', ACCOUNT_CACHE_MS);
    return account;
  }

  get registrationOpen(): boolean {
    return this.config.allowRegistration;
  }

  /** /start in a private chat of someone new: a new account named after the Telegram user. */
  async createFor(chatId: number, telegramUsername: string | undefined): Promise<ChatAccount> {
    if (!this.config.allowRegistration) throw new DomainError('forbidden', 'registration is closed on this server');
    const base = sanitize(telegramUsername) ?? `tg${chatId}`;
    let user: User;
    try {
      user = await this.users.create(base, 'user', String(chatId));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'conflict') throw error;
      // the chat id survives the cut: a 32-character name cut back to itself would be taken again
      const suffix = `_${chatId}`.slice(0, 32);
      user = await this.users.create(`${base.slice(0, 32 - suffix.length)}${suffix}`, 'user', String(chatId));
    }
    await this.cache.del(accountKey(chatId));
    return { userId: user.id, username: user.username, role: user.role };
  }

  async issueLinkCode(userId: string): Promise<LinkCode> {
    const code = Array.from({ length: 8 }, () => LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)]).join('');
    await this.cache.set(linkKey(code), userId, LINK_CODE_TTL_MS);
    return { code, expiresAt: new Date(Date.now() + LINK_CODE_TTL_MS) };
  }

  /** /link <code>: attaches this chat to the account that asked for the code. */
  async link(chatId: number, code: string): Promise<ChatAccount> {
    const normalized = code.trim().toUpperCase();
    const userId = await this.cache.get<string>(linkKey(normalized));
    if (!userId) throw invalid('that code is unknown or expired; ask for a new one with POST /api/v1/me/telegram-link');
    const taken = await this.users.findByTelegramChat(String(chatId));
    if (taken && taken.id !== userId) throw conflict(`this chat is already linked to the account ${taken.username}`);
    const user = await this.users.get(userId);
    const previousChat = user.telegramChatId;
    await this.users.linkTelegramChat(userId, String(chatId));
    // the chat linked before stops acting as the account at once, not when its cached entry expires
    const forgotten = [chatId, ...(previousChat && previousChat !== String(chatId) ? [Number(previousChat)] : [])];
    await Promise.all([this.cache.del(linkKey(normalized)), ...forgotten.map((chat) => this.cache.del(accountKey(chat))), this.cache.invalidateTag(`${userId}:me`)]);
    return { userId: user.id, username: user.username, role: user.role };
  }
}

function accountKey(chatId: number): string {
  return `tg-account:${chatId}`;
}

function linkKey(code: string): string {
  return `tg-link:${code}`;
}

function sanitize(name: string | undefined): string | undefined {
  const cleaned = name?.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 32);
  return cleaned && cleaned.length >= 3 ? cleaned : undefined;
}
