// A local Telegram Bot API server for tests: the real telegraf client talks to it through
// `telegram: { apiRoot: fake.url }`, and the test drives users, failures and outages.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BotApiHandler } from './bot-api-handler';
import type { BotApiState } from './bot-api-state';
import { CallLog } from './call-log';
import { chatKey } from './chats';
import { CONTROL_PREFIX, handleControlRequest } from './control-routes';
import { FailurePlan } from './failure-plan';
import { HttpListener } from './http-listener';
import { MessageStore } from './message-store';
import { sendJson } from './send-json';
import type {
  CallPredicate, ChatId, FailureSpec, FakeBotApiOptions, RecordedCall, TelegramUser, Update, UpdateInput,
  WebhookDelivery, WebhookState,
} from './types';
import { callbackQuery, textMessage } from './update-builders';
import { UpdateQueue } from './update-queue';
import { waitForMatch } from './wait-for';
import { deliverToWebhook } from './webhook-delivery';

const DEFAULT_WAIT_MS = 5_000;

export class FakeBotApi {
  private readonly listener = new HttpListener((req, res) => this.onRequest(req, res));
  private readonly log = new CallLog();
  private readonly failures = new FailurePlan();
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly state: BotApiState;
  private readonly api: BotApiHandler;
  private webhookDeliveryChain = Promise.resolve();
  private callbackQueryCount = 0;
  private down = false;

  constructor(options: FakeBotApiOptions = {}) {
    this.state = {
      bot: botUser(options),
      messages: new MessageStore(),
      updates: new UpdateQueue(),
      files: new Map(),
      blockedChats: new Set(),
      openCallbackQueries: new Set(),
      commands: [],
      webhook: undefined,
    };
    this.api = new BotApiHandler(this.state, this.log, this.failures, options);
  }

  // --- lifecycle ---------------------------------------------------------------------------

  /** Listens on 127.0.0.1; port 0 picks a free one. Resolves with `url`. */
  async start(port = 0): Promise<string> {
    await this.listener.listen(port);
    return this.url;
  }

  async stop(): Promise<void> {
    this.state.updates.releaseWaiting();
    await this.listener.close();
  }

  /** The apiRoot to give telegraf: `http://127.0.0.1:<port>` */
  get url(): string {
    return this.listener.url;
  }

  get port(): number {
    return this.listener.port;
  }

  get isDown(): boolean {
    return this.down;
  }

  /** Down: the port refuses connections and open sockets (long polls too) are destroyed. Up: same port again. */
  async setDown(down: boolean): Promise<void> {
    if (down === this.down) return;
    this.down = down;
    if (down) await this.listener.close();
    else await this.listener.listen(this.listener.port);
  }

  // --- what users do -----------------------------------------------------------------------

  /** Queues an update for getUpdates, or posts it to the webhook when one is set. */
  pushUpdate(input: UpdateInput): Update {
    const update = this.state.updates.assignId(input);
    const query = update.callback_query as { id?: unknown } | undefined;
    if (query?.id !== undefined) this.state.openCallbackQueries.add(String(query.id));
    const webhook = this.state.webhook;
    if (webhook) this.deliverToWebhook(webhook, update);
    else this.state.updates.push(update);
    return update;
  }

  /** A user writes `text` in a chat: private when chatId > 0, a group when < 0. */
  sendText(chatId: ChatId, text: string, from?: Partial<TelegramUser>): Update {
    const message = this.state.messages.save(textMessage(chatId, this.state.messages.nextId(chatId), text, from));
    return this.pushUpdate({ message });
  }

  /** A user presses an inline button with callback `data` under message `messageId` of the chat. */
  pressButton(chatId: ChatId, messageId: number, data: string, from?: Partial<TelegramUser>): Update {
    const message = this.state.messages.get(chatId, messageId) ?? { message_id: messageId, chat: { id: chatId }, date: 0 };
    const queryId = `cbq-${++this.callbackQueryCount}`;
    return this.pushUpdate({ callback_query: callbackQuery(queryId, chatId, message, data, from) });
  }

  /** The user of a private chat blocks the bot (403 on sends) or unblocks it. */
  setBlocked(chatId: ChatId, blocked = true): void {
    if (blocked) this.state.blockedChats.add(chatKey(chatId));
    else this.state.blockedChats.delete(chatKey(chatId));
  }

  // --- what the bot did --------------------------------------------------------------------

  /** Successful calls, oldest first (getUpdates excluded). */
  get sent(): readonly RecordedCall[] {
    return this.log.sent;
  }

  /** Successful and failed calls, oldest first (getUpdates excluded). */
  get calls(): readonly RecordedCall[] {
    return this.log.calls;
  }

  /** First successful call, recorded or to come, that matches. */
  waitForMessage(predicate: CallPredicate, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedCall> {
    return this.log.waitFor(predicate, timeoutMs, false);
  }

  /** Like waitForMessage, failed calls included. */
  waitForCall(predicate: CallPredicate, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedCall> {
    return this.log.waitFor(predicate, timeoutMs, true);
  }

  onCall(listener: (call: RecordedCall) => void): () => void {
    this.log.events.on('call', listener);
    return () => this.log.events.off('call', listener);
  }

  callsAfter(seq: number, includeFailed = false): RecordedCall[] {
    return this.log.after(seq, includeFailed);
  }

  /** Set by setWebhook, with its secret_token (which getWebhookInfo never reveals). */
  get webhookInfo(): WebhookState | undefined {
    return this.state.webhook;
  }

  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.deliveries;
  }

  waitForWebhookDelivery(predicate: (delivery: WebhookDelivery) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<WebhookDelivery> {
    return waitForMatch({
      recorded: this.deliveries, emitter: this.events, event: 'webhookDelivery', predicate, timeoutMs,
      describe: () => JSON.stringify(this.deliveries.slice(-10)),
    });
  }

  get commands(): readonly unknown[] {
    return this.state.commands;
  }

  get pendingUpdateCount(): number {
    return this.state.updates.pendingCount;
  }

  /** The bytes of a document the bot uploaded, by the fileId recorded with the call. */
  fileContent(fileId: string): Buffer | undefined {
    return this.state.files.get(fileId);
  }

  // --- failures ----------------------------------------------------------------------------

  /** The next `count` calls of `method` ('*': any but getUpdates) fail as described, e.g. `{ status: 429, retryAfter: 2 }`. */
  failNext(method: string, count = 1, failure: FailureSpec = { status: 500 }): void {
    this.failures.add(method, count, failure);
  }

  /** Forgets calls, updates, messages, files, failures, webhook, commands and blocks; stays up. */
  reset(): void {
    this.log.clear();
    this.failures.clear();
    this.deliveries.length = 0;
    this.state.updates.releaseWaiting();
    this.state.updates.clear();
    this.state.messages.clear();
    this.state.files.clear();
    this.state.blockedChats.clear();
    this.state.openCallbackQueries.clear();
    this.state.commands = [];
    this.state.webhook = undefined;
  }

  // --- serving -----------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((error: Error) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${error.message}` });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControlRequest(this, req, res, url);
    return this.api.handle(req, res, url);
  }

  /** One delivery at a time, in update order, as Telegram does with max_connections 1. */
  private deliverToWebhook(webhook: WebhookState, update: Update): void {
    this.webhookDeliveryChain = this.webhookDeliveryChain.then(async () => {
      const { delivery, reply } = await deliverToWebhook(webhook, update);
      // telegraf answers some calls (answerCallbackQuery, deleteMessage…) in the webhook response
      // instead of calling the API; Telegram executes them, so the fake records them too
      if (reply) this.executeWebhookReply(reply);
      this.deliveries.push(delivery);
      this.events.emit('webhookDelivery', delivery);
    });
  }

  private executeWebhookReply({ method, ...params }: { method: string } & Record<string, unknown>): void {
    this.api.execute(method, { params, files: {} });
  }
}

function botUser({ token, botUsername }: FakeBotApiOptions): TelegramUser {
  const idFromToken = Number(token?.split(':')[0]);
  const id = Number.isSafeInteger(idFromToken) && idFromToken > 0 ? idFromToken : 100_000_001;
  return { id, is_bot: true, first_name: 'Tradepulse Test Bot', username: botUsername ?? 'tradepulse_test_bot' };
}
