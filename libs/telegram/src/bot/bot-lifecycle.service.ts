// Launches and stops the bot ourselves (nestjs-telegraf's launch kills the process when Telegram is unreachable
// and hangs on shutdown): polling by default, webhook mode when configured; retries with backoff forever, and
// reports its state to /health/ready without making the API unready.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { HealthRegistry } from '@tradepulse/platform';
import { InjectBot } from 'nestjs-telegraf';
import pRetry from 'p-retry';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { TelegramSender } from '../telegram-sender';
import type { BotContext } from './bot-context';
import { handleUpdatesInChatOrder, MAX_QUEUED_UPDATES_PER_CHAT } from './chat-ordered-updates';
import { registeredCommands } from './bot-command.decorator';

export type BotState = 'starting' | 'online' | 'offline' | 'stopped';

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
const FLOODING_NOTICE = `You sent more than ${MAX_QUEUED_UPDATES_PER_CHAT} messages before I could answer them (I may send one message a second to a chat), so I skipped the latest ones. Please send them again once I have answered.`;

@Injectable()
export class BotLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('TelegramBot');
  private state: BotState = 'starting';
  private lastError?: string;
  private stopping = false;

  constructor(
    @InjectBot() private readonly bot: Telegraf<BotContext>,
    private readonly config: AppConfig,
    private readonly sender: TelegramSender,
    health: HealthRegistry,
  ) {
    guardStop(bot);
    // telegraf's default error handler sets process.exitCode = 1 (a clean shutdown would exit 1) and rethrows. The
    // error boundary answers every handler's own failure, so what arrives here is a handler past handlerTimeout,
    // e.g. a reply waiting out a Telegram outage: logged, and the chat's next update goes on
    bot.catch((error, ctx) => this.logger.warn(`update ${ctx.update.update_id}: ${(error as Error).message}`));
    handleUpdatesInChatOrder(bot, {
      failed: (update, error) => this.logger.error(`update ${update.update_id} failed: ${error.message}`),
      dropped: (update, chatId, firstOfBurst) => {
        if (firstOfBurst) this.tellFlooding(update, chatId);
      },
    });
    watchPolling(bot, (ok, error) => this.onPoll(ok, error));
    health.register({ name: 'telegram', critical: false, check: async () => ({ up: this.state === 'online', state: this.state, ...(this.lastError ? { lastError: this.lastError } : {}) }) });
  }

  get currentState(): BotState {
    return this.state;
  }

  onApplicationBootstrap(): void {
    void this.runForever();
  }

  /** Before nestjs-telegraf stops the bot, so that the stop is not mistaken for a polling failure. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.state = 'stopped';
    if (!this.config.env.TELEGRAM_WEBHOOK_URL) this.bot.stop('shutdown');
    // the notifications plugin stops it earlier, after its grace; without that plugin the replies end here
    await this.sender.stop();
  }

  /** Once per burst: the chat learns that some of its messages went unanswered, and the log says which chat. */
  private tellFlooding(update: Update, chatId: number | undefined): void {
    this.logger.warn(`chat ${chatId ?? '?'} sent more than ${MAX_QUEUED_UPDATES_PER_CHAT} updates awaiting answers; update ${update.update_id} and those after it until the queue empties are skipped`);
    if (chatId === undefined) return;
    this.sender
      .send(chatId, FLOODING_NOTICE, { priority: 'high' })
      .catch((error: Error) => this.logger.warn(`chat ${chatId}: the notice of skipped messages was not sent: ${error.message}`));
  }

  private async runForever(): Promise<void> {
    await pRetry(() => this.connect(), {
      forever: true,
      minTimeout: 1000,
      maxTimeout: 30_000,
      onFailedAttempt: (error) => {
        this.state = 'offline';
        this.lastError = error.message;
        if (error.attemptNumber <= 3 || error.attemptNumber % 10 === 0) this.logger.warn(`Telegram unreachable (attempt ${error.attemptNumber}): ${error.message}; retrying`);
      },
    }).catch(() => undefined);
  }

  /** Resolves once the bot is online; in polling mode it relaunches itself if polling dies later. */
  private async connect(): Promise<void> {
    if (this.stopping) return;
    const webhookUrl = this.config.env.TELEGRAM_WEBHOOK_URL;
    if (webhookUrl) {
      this.bot.botInfo ??= await this.bot.telegram.getMe();
      await this.bot.telegram.setWebhook(webhookUrl, { secret_token: this.config.env.TELEGRAM_WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES] });
      return this.online();
    }
    await new Promise<void>((resolve, reject) => {
      this.bot
        .launch({ allowedUpdates: [...ALLOWED_UPDATES] }, () => resolve())
        .then(() => this.polledOut())
        .catch((error: Error) => {
          if (this.state === 'online') this.polledOut(error);
          reject(error);
        });
    });
    await this.online();
  }

  private async online(): Promise<void> {
    this.state = 'online';
    this.lastError = undefined;
    this.logger.log(`bot @${this.bot.botInfo?.username} is online (${this.config.env.TELEGRAM_WEBHOOK_URL ? 'webhook' : 'polling'})`);
    await this.bot.telegram
      .setMyCommands(registeredCommands().map((c) => ({ command: c.name, description: c.usage.replace(/^—\s*/, '').slice(0, 256) || c.name })))
      .catch((error: Error) => this.logger.warn(`setMyCommands failed: ${error.message}`));
  }

  /** telegraf retries failed polls by itself; the health state follows them. */
  private onPoll(ok: boolean, error?: Error): void {
    if (this.stopping || this.state === 'starting') return;
    if (ok && this.state === 'offline') {
      this.state = 'online';
      this.lastError = undefined;
      this.logger.log('Telegram reachable again');
    } else if (!ok && this.state === 'online') {
      this.state = 'offline';
      this.lastError = error?.message;
      this.logger.warn(`polling Telegram failed: ${error?.message}; telegraf retries`);
    }
  }

  private polledOut(error?: Error): void {
    if (this.stopping) return;
    this.state = 'offline';
    this.lastError = error?.message;
    this.logger.warn(`polling stopped${error ? `: ${error.message}` : ''}; reconnecting`);
    void this.runForever();
  }
}

/** nestjs-telegraf's own shutdown hook calls bot.stop() unguarded; it throws when the bot never ran (webhook mode, Telegram unreachable). */
function guardStop(bot: Telegraf<BotContext>): void {
  const stop = bot.stop.bind(bot);
  bot.stop = (reason?: string) => {
    try {
      stop(reason);
    } catch {
      // not running: nothing to stop
    }
  };
}

/** Reports the outcome of every getUpdates call. */
function watchPolling(bot: Telegraf<BotContext>, report: (ok: boolean, error?: Error) => void): void {
  const callApi = bot.telegram.callApi.bind(bot.telegram) as (...args: unknown[]) => Promise<unknown>;
  (bot.telegram as unknown as { callApi: (...args: unknown[]) => Promise<unknown> }).callApi = async (...args: unknown[]) => {
    if (args[0] !== 'getUpdates') return callApi(...args);
    try {
      const result = await callApi(...args);
      report(true);
      return result;
    } catch (error) {
      report(false, error as Error);
      throw error;
    }
  };
}
