import { DynamicModule, Global, Logger, Module, Provider } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { TelegrafModule } from 'nestjs-telegraf';
import { Telegram } from 'telegraf';
import { accountResolver, callbackAnswer, commandAddressing, dialogueRouter, errorBoundary, unknownCommandReply } from './bot/bot-middlewares';
import { BotLifecycle } from './bot/bot-lifecycle.service';
import { ChatAccountsService } from './bot/chat-accounts.service';
import { CoreCommands } from './bot/core.commands';
import { DialogueStore } from './bot/dialogue-store';
import { repliesThrough } from './bot/reply';
import { TelegramLinkController } from './bot/telegram-link.controller';
import { TelegramWebhook } from './bot/telegram-webhook';
import { exposeSenderMetrics } from './sender-metrics';
import { TelegramSender } from './telegram-sender';

/**
 * Bot wiring. Always provides chat accounts, dialogues and the link route; with TELEGRAM_BOT_TOKEN it also
 * creates the bot (nestjs-telegraf, launched by BotLifecycle), the webhook route and the throttled sender.
 */
@Global()
@Module({})
export class TelegramModule {
  /** `enabled`: the profile's plugins.telegram; without a token the bot stays off either way */
  static forRoot(config: AppConfig, enabled = true): DynamicModule {
    const always: Provider[] = [ChatAccountsService, DialogueStore];
    const token = enabled ? config.env.TELEGRAM_BOT_TOKEN : undefined;
    if (!token) {
      return { module: TelegramModule, controllers: [TelegramLinkController], providers: always, exports: always };
    }
    const apiRoot = config.env.TELEGRAM_API_ROOT;
    // one sender for the bot's replies and the notifications, so that the Bot API limits hold for all its messages
    const telegramSender = new TelegramSender(new Telegram(token, apiRoot ? { apiRoot } : {}), { logger: new Logger('TelegramSender') });
    exposeSenderMetrics(telegramSender);
    const sender: Provider = { provide: TelegramSender, useValue: telegramSender };
    return {
      module: TelegramModule,
      imports: [
        TelegrafModule.forRootAsync({
          inject: [ChatAccountsService, DialogueStore],
          imports: [TelegramSupportModule],
          useFactory: (accounts: ChatAccountsService, dialogues: DialogueStore) => ({
            token,
            launchOptions: false,
            options: { handlerTimeout: 30_000, ...(apiRoot ? { telegram: { apiRoot } } : {}) },
            middlewares: [repliesThrough(telegramSender), commandAddressing, errorBoundary, callbackAnswer, accountResolver(accounts), dialogueRouter(dialogues), unknownCommandReply],
          }),
        }),
      ],
      controllers: [TelegramLinkController],
      providers: [...always, BotLifecycle, TelegramWebhook, CoreCommands, sender],
      exports: [...always, sender, BotLifecycle],
    };
  }
}

/** Lets the bot factory inject the chat services before TelegramModule itself is built. */
@Module({ providers: [ChatAccountsService, DialogueStore], exports: [ChatAccountsService, DialogueStore] })
class TelegramSupportModule {}
