export { escapeHtml } from './telegram-html';
export { splitMessage, TELEGRAM_TEXT_LIMIT } from './split-message';
export { classifySendFailure, type SendFailure } from './send-failure';
export { TelegramSender, TelegramSenderStoppedError } from './telegram-sender';
export type {
  SendMessageExtra,
  SendOptions,
  SendPriority,
  TelegramMessageApi,
  TelegramSenderLogger,
  TelegramSenderOptions,
  TelegramSenderStats,
} from './telegram-sender.types';
export type { BotContext, ChatAccount } from './bot/bot-context';
export { BotCommand, registeredCommands } from './bot/bot-command.decorator';
export { ChatAccountsService } from './bot/chat-accounts.service';
export { notLinked } from './bot/core.commands';
export { DialogueStore, type Dialogue } from './bot/dialogue-store';
export { commandArgs, editHtml, replyHtml } from './bot/reply';
export { BotLifecycle } from './bot/bot-lifecycle.service';
export { TelegramModule } from './telegram.module';
export { telegramMigrations } from './migration-list';
