// The commands that are about the chat itself: /start, /help, /link, /token, /settings.
import { ApiKeyService } from '@tradepulse/platform';
import { Ctx, Update } from 'nestjs-telegraf';
import { escapeHtml } from '../telegram-html';
import type { BotContext } from './bot-context';
import { BotCommand, registeredCommands } from './bot-command.decorator';
import { ChatAccountsService } from './chat-accounts.service';
import { commandArgs, replyHtml } from './reply';

@Update()
export class CoreCommands {
  constructor(
    private readonly accounts: ChatAccountsService,
    private readonly keys: ApiKeyService,
  ) {}

  @BotCommand('start', 'create your account (or say hello again)')
  async start(@Ctx() ctx: BotContext): Promise<void> {
    if (ctx.state.account) return replyHtml(ctx, `Welcome back, <b>${escapeHtml(ctx.state.account.username)}</b>. Send /help to see what I can do.`);
    if (ctx.chat?.type !== 'private') return replyHtml(ctx, 'Open a private chat with me and send /start there to create your account.');
    const account = await this.accounts.createFor(ctx.chat.id, ctx.from?.username);
    await replyHtml(ctx, `Your Tradepulse account <b>${escapeHtml(account.username)}</b> is ready.\nTry /price BTC/USDT or set an alert with /alert.\nAlready have an account made over the API? Use /link &lt;code&gt; instead.`);
  }

  @BotCommand('help', 'this list')
  async help(@Ctx() ctx: BotContext): Promise<void> {
    const lines = registeredCommands().map((c) => `/${c.name} ${escapeHtml(c.usage)}`);
    await replyHtml(ctx, `<b>Tradepulse commands</b>\n${lines.join('\n')}`);
  }

  @BotCommand('link', '<code> — attach this chat to an account made over the API')
  async link(@Ctx() ctx: BotContext): Promise<void> {
    const [code] = commandArgs(ctx);
    if (!code) return replyHtml(ctx, 'Usage: /link &lt;code&gt; — get a code with POST /api/v1/me/telegram-link.');
    const account = await this.accounts.link(ctx.chat!.id, code);
    await replyHtml(ctx, `This chat is now linked to <b>${escapeHtml(account.username)}</b>. Notifications will arrive here.`);
  }

  @BotCommand('token', '— create an API key (private chats only)')
  async token(@Ctx() ctx: BotContext): Promise<void> {
    if (!ctx.state.account) return replyHtml(ctx, notLinked(ctx));
    if (ctx.chat?.type !== 'private') return replyHtml(ctx, 'For your safety I only send API keys in a private chat.');
    const issued = await this.keys.issue(ctx.state.account.userId, 'telegram');
    await replyHtml(ctx, `Your new API key (shown once, keep it secret):\n<code>${escapeHtml(issued.apiKey)}</code>\nRevoke it with DELETE /api/v1/me/api-keys/${issued.id}.`);
  }

  @BotCommand('settings', '— your account and notification settings')
  async settings(@Ctx() ctx: BotContext): Promise<void> {
    if (!ctx.state.account) return replyHtml(ctx, notLinked(ctx));
    await replyHtml(
      ctx,
      `Account: <b>${escapeHtml(ctx.state.account.username)}</b>\nYour notifications come to this chat unless you turned the Telegram channel off or muted their category.\n` +
        'See and change channels, muted categories and digests with GET/PUT /api/v1/notifications/preferences.',
    );
  }
}

/** The answer to a command that needs an account, in a chat that has none: what this server lets it do. */
export function notLinked(ctx: BotContext): string {
  return ctx.state.registrationOpen === false
    ? 'This chat has no Tradepulse account. Registration is closed on this server: attach an existing account with /link &lt;code&gt; (get a code with POST /api/v1/me/telegram-link).'
    : 'This chat has no Tradepulse account yet. Send /start to create one, or /link &lt;code&gt; to attach an account made over the API.';
}
