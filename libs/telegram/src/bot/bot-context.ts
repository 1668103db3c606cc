import type { Context } from 'telegraf';
import type { TelegramSender } from '../telegram-sender';

/** The account a chat belongs to, resolved once per update by the account middleware. */
export interface ChatAccount {
  userId: string;
  username: string;
  role: 'user' | 'admin';
}

export interface BotState {
  account?: ChatAccount;
  /** whether /start may create an account on this server (ALLOW_REGISTRATION) */
  registrationOpen?: boolean;
  command?: string;
  /** the bot's throttled sender, through which every reply goes (set by repliesThrough) */
  sender?: TelegramSender;
}

export type BotContext = Context & { state: BotState };
