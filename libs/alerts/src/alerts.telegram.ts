// Alert commands: /alert (one line or a guided dialogue), /alerts with remove buttons, /remove.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { MarketDataService } from '@tradepulse/market-data';
import { BotCommand, commandArgs, DialogueStore, editHtml, escapeHtml, notLinked, replyHtml } from '@tradepulse/telegram';
import type { BotContext, Dialogue } from '@tradepulse/telegram';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Action, Ctx, Update } from 'nestjs-telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { AlertsService } from './alerts.service';
import { AlertView, CreateAlertDto } from './dto/alert.dto';

type CommandCondition = 'above' | 'below' | 'crosses';
const CONDITIONS: CommandCondition[] = ['above', 'below', 'crosses'];
const USAGE = 'Usage: /alert &lt;symbol&gt; &lt;above|below|crosses&gt; &lt;price&gt;, e.g. /alert BTC/USDT above 70000 — or just /alert for a guided setup.';
/** alerts per page of /alerts: one remove button each, within what a message's keyboard comfortably holds */
const LIST_PAGE_SIZE = 20;

interface AlertDraft {
  symbol?: string;
  condition?: CommandCondition;
  price?: number;
}

@Update()
@Injectable()
export class AlertCommands implements OnModuleInit {
  constructor(
    private readonly alerts: AlertsService,
    private readonly market: MarketDataService,
    private readonly dialogues: DialogueStore,
  ) {}

  onModuleInit(): void {
    this.dialogues.register('alert', (ctx, text, dialogue) => this.continueDialogue(ctx, text, dialogue as Dialogue<AlertDraft>));
  }

  @BotCommand('alert', '<symbol> <above|below|crosses> <price> — set a price alert (no arguments: guided)')
  async alert(@Ctx() ctx: BotContext): Promise<void> {
    if (!ctx.state.account) return replyHtml(ctx, notLinked(ctx));
    const args = commandArgs(ctx);
    if (args.length === 0) return this.askSymbol(ctx);
    if (args.length !== 3) return replyHtml(ctx, USAGE);
    const symbol = this.market.prices.resolve(args[0]);
    if (!symbol) return replyHtml(ctx, `Unknown symbol "${escapeHtml(args[0])}". Known: ${this.market.prices.symbols.join(', ')}.\n${USAGE}`);
    const condition = args[1].toLowerCase() as CommandCondition;
    if (!CONDITIONS.includes(condition)) return replyHtml(ctx, `The condition must be above, below or crosses, not "${escapeHtml(args[1])}".\n${USAGE}`);
    const price = parsePrice(args[2]);
    if (price === undefined) return replyHtml(ctx, `${notAPrice(args[2])}\n${USAGE}`);
    await this.create(ctx, { symbol, condition, price });
  }

  @BotCommand('alerts', '— your active alerts, with buttons to remove them')
  async list(@Ctx() ctx: BotContext): Promise<void> {
    if (!ctx.state.account) return replyHtml(ctx, notLinked(ctx));
    const { text, keyboard } = await this.renderList(ctx.state.account.userId, 1);
    await replyHtml(ctx, text, keyboard);
  }

  @BotCommand('remove', '<id> — remove an alert (the short id from /alerts is enough)')
  async remove(@Ctx() ctx: BotContext): Promise<void> {
    if (!ctx.state.account) return replyHtml(ctx, notLinked(ctx));
    const [idOrPrefix] = commandArgs(ctx);
    if (!idOrPrefix) return replyHtml(ctx, 'Usage: /remove &lt;id&gt; — the ids are shown by /alerts.');
    const userId = ctx.state.account.userId;
    const id = await this.alerts.resolveId(userId, idOrPrefix);
    const removed = await this.alerts.cancel(userId, id);
    await replyHtml(ctx, removed ? `Alert <code>${id.slice(0, 8)}</code> removed.` : `Alert <code>${id.slice(0, 8)}</code> is no longer active: it fired, expired or was removed before.`);
  }

  /** The page of the list the button was on (buttons of lists sent before paging carry none: page 1). */
  @Action(/^alert:rm:([0-9a-f-]{36})(?::(\d{1,6}))?$/)
  async removeButton(@Ctx() ctx: BotContext & { match: RegExpExecArray }): Promise<void> {
    if (!ctx.state.account) return void (await ctx.answerCbQuery('This chat has no account.'));
    const userId = ctx.state.account.userId;
    const removed = await this.alerts.cancel(userId, ctx.match[1]);
    await ctx.answerCbQuery(removed ? 'Alert removed' : 'That alert was already removed or has fired');
    await this.showListPage(ctx, userId, Number(ctx.match[2] ?? 1));
  }

  @Action(/^alert:page:(\d{1,6})$/)
  async pageButton(@Ctx() ctx: BotContext & { match: RegExpExecArray }): Promise<void> {
    if (!ctx.state.account) return void (await ctx.answerCbQuery('This chat has no account.'));
    await ctx.answerCbQuery();
    await this.showListPage(ctx, ctx.state.account.userId, Number(ctx.match[1]));
  }

  /** Edits the list message into that page (the last one when the list has shrunk below it). */
  private async showListPage(ctx: BotContext, userId: string, page: number): Promise<void> {
    const { text, keyboard } = await this.renderList(userId, page);
    await editHtml(ctx, text, keyboard);
  }

  @Action(/^alert:(sym|cond|confirm|cancel):?(.*)$/)
  async dialogueButton(@Ctx() ctx: BotContext & { match: RegExpExecArray }): Promise<void> {
    await ctx.answerCbQuery();
    const dialogue = ctx.chat ? await this.dialogues.get<AlertDraft>(ctx) : undefined;
    if (!dialogue || dialogue.name !== 'alert') return replyHtml(ctx, 'That question has expired. Send /alert to start again.');
    const [, kind, value] = ctx.match;
    const answer = kind === 'confirm' ? 'yes' : kind === 'cancel' ? 'no' : value;
    await this.continueDialogue(ctx, answer, dialogue);
  }

  private async askSymbol(ctx: BotContext): Promise<void> {
    await this.dialogues.save<AlertDraft>(ctx, { name: 'alert', step: 'symbol', data: {} });
    const buttons = this.market.prices.symbols.map((s) => ({ text: s, callback_data: `alert:sym:${s}` }));
    await replyHtml(ctx, 'Which symbol? Tap one or type it.', { inline_keyboard: chunk(buttons, 3) });
  }

  private async continueDialogue(ctx: BotContext, text: string, dialogue: Dialogue<AlertDraft>): Promise<void> {
    const draft = dialogue.data;
    const answer = text.trim();
    if (/^(cancel|stop)$/i.test(answer) || (dialogue.step === 'confirm' && /^(no|n)$/i.test(answer))) {
      await this.dialogues.end(ctx);
      return replyHtml(ctx, 'Cancelled. Nothing was set.');
    }
    switch (dialogue.step) {
      case 'symbol': {
        const symbol = this.market.prices.resolve(answer);
        if (!symbol) return replyHtml(ctx, `Unknown symbol "${escapeHtml(answer)}". Known: ${this.market.prices.symbols.join(', ')}. Type one, or "cancel".`);
        const current = this.market.prices.get(symbol);
        await this.dialogues.save(ctx, { name: 'alert', step: 'condition', data: { symbol } });
        const buttons = CONDITIONS.map((c) => ({ text: c, callback_data: `alert:cond:${c}` }));
        return replyHtml(ctx, `<b>${symbol}</b> is at ${current ? current.price : 'no price yet'}.\nAlert me when the price is…`, { inline_keyboard: [buttons] });
      }
      case 'condition': {
        const condition = answer.toLowerCase() as CommandCondition;
        if (!CONDITIONS.includes(condition)) return replyHtml(ctx, 'Choose above, below or crosses (or "cancel").');
        await this.dialogues.save(ctx, { name: 'alert', step: 'price', data: { ...draft, condition } });
        return replyHtml(ctx, `${condition} which price? Send a number, e.g. 70000.`);
      }
      case 'price': {
        const price = parsePrice(answer);
        if (price === undefined) return replyHtml(ctx, `${notAPrice(answer)} Or "cancel".`);
        await this.dialogues.save(ctx, { name: 'alert', step: 'confirm', data: { ...draft, price } });
        return replyHtml(ctx, `Set an alert: <b>${draft.symbol} ${draft.condition} ${price}</b>?`, {
          inline_keyboard: [[{ text: '✅ Set it', callback_data: 'alert:confirm' }, { text: 'Cancel', callback_data: 'alert:cancel' }]],
        });
      }
      case 'confirm': {
        if (!/^(yes|y|ok)$/i.test(answer)) return replyHtml(ctx, 'Answer yes to set the alert, or no to cancel.');
        await this.dialogues.end(ctx);
        return this.create(ctx, draft as Required<AlertDraft>);
      }
    }
  }

  /** Checked by the rules of POST /alerts (CreateAlertDto), so a chat can store nothing the API would refuse. */
  private async create(ctx: BotContext, draft: Required<AlertDraft>): Promise<void> {
    const body = plainToInstance(CreateAlertDto, { symbol: draft.symbol, condition: draft.condition, price: draft.price });
    const refused = (await validate(body)).flatMap((error) => Object.values(error.constraints ?? {}));
    if (refused.length) return replyHtml(ctx, `⚠️ ${escapeHtml(refused.join('; '))}`);
    const alert = await this.alerts.create(ctx.state.account!.userId, body);
    await replyHtml(ctx, `✅ Alert <code>${alert.id.slice(0, 8)}</code> set: ${alert.symbol} ${alert.condition} ${alert.price}. I'll message you here when it fires.`);
  }

  private async renderList(userId: string, requestedPage: number): Promise<{ text: string; keyboard: InlineKeyboardMarkup }> {
    const activePage = (page: number) => this.alerts.list(userId, { status: 'active', page, pageSize: LIST_PAGE_SIZE });
    const wanted = Math.max(1, requestedPage);
    const [stats, requested] = await Promise.all([this.alerts.stats(userId, false), activePage(wanted)]);
    const lastPage = Math.max(1, Math.ceil(requested.total / LIST_PAGE_SIZE));
    // the list shrank below the page the button was on (removals, firings): show its last page
    const page = Math.min(wanted, lastPage);
    const { items } = page === wanted ? requested : await activePage(page);
    const header = `<b>Your alerts</b>: ${stats.active} active, ${stats.triggered} triggered, ${stats.triggersLast24h} firings in 24 h`;
    if (!items.length) return { text: `${header}\nNo active alerts. Set one with /alert.`, keyboard: { inline_keyboard: [] } };
    const lines = items.map((a) => `<code>${a.id.slice(0, 8)}</code> ${describe(a)}`);
    const pageLine = lastPage > 1 ? `\nPage ${page} of ${lastPage}` : '';
    const removeButtons = items.map((a) => [{ text: `✖ ${a.id.slice(0, 8)} ${a.symbol}`, callback_data: `alert:rm:${a.id}:${page}` }]);
    const turn = [
      ...(page > 1 ? [{ text: '◀ Previous', callback_data: `alert:page:${page - 1}` }] : []),
      ...(page < lastPage ? [{ text: 'Next ▶', callback_data: `alert:page:${page + 1}` }] : []),
    ];
    return { text: `${header}\n${lines.join('\n')}${pageLine}`, keyboard: { inline_keyboard: turn.length ? [...removeButtons, turn] : removeButtons } };
  }
}

function describe(alert: AlertView): string {
  const target = alert.price ?? `${alert.percent}% in ${alert.windowSec}s`;
  return `${alert.symbol} ${alert.condition} ${target}${alert.frequency === 'every_time' ? ' (every time)' : ''}`;
}

/**
 * Digits with an optional decimal point. A comma is refused, not guessed at: "0,5" (a decimal comma) and "70,000"
 * (a thousands separator) cannot both be read right, and a wrong guess sets the alert 10 or 1,000 times off.
 */
function parsePrice(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function notAPrice(text: string): string {
  const shown = `"${escapeHtml(text.length > 40 ? `${text.slice(0, 40)}…` : text)}"`;
  return text.includes(',')
    ? `${shown} has a comma: write the price with digits and a dot only, e.g. 70000 or 0.25.`
    : `${shown} is not a price: send a number greater than 0, e.g. 70000 or 0.25.`;
}

function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
}
