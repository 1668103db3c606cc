// Drives a fake Bot API running in another process through its control port (see main.ts).
import type {
  CallPredicate, ChatId, FailureSpec, RecordedCall, TelegramUser, Update, UpdateInput, WebhookDelivery, WebhookState,
} from './types';

export interface FakeBotApiState {
  port: number;
  url: string;
  down: boolean;
  webhookInfo: WebhookState | null;
  commands: unknown[];
  pendingUpdateCount: number;
}

const DEFAULT_WAIT_MS = 5_000;

export class FakeBotApiClient {
  /** controlUrl: `http://127.0.0.1:<controlPort>` */
  constructor(readonly controlUrl: string) {}

  state(): Promise<FakeBotApiState> {
    return this.get('state');
  }

  async webhookInfo(): Promise<WebhookState | undefined> {
    return (await this.state()).webhookInfo ?? undefined;
  }

  /** Successful calls, oldest first. */
  async sent(): Promise<RecordedCall[]> {
    return (await this.get<{ calls: RecordedCall[] }>('calls')).calls;
  }

  /** Successful and failed calls, oldest first. */
  async calls(): Promise<RecordedCall[]> {
    return (await this.get<{ calls: RecordedCall[] }>('calls?failed=1')).calls;
  }

  async pushUpdate(update: UpdateInput): Promise<Update> {
    return (await this.post<{ update: Update }>('updates', update)).update;
  }

  async sendText(chatId: ChatId, text: string, from?: Partial<TelegramUser>): Promise<Update> {
    return (await this.post<{ update: Update }>('text', { chatId, text, from })).update;
  }

  async pressButton(chatId: ChatId, messageId: number, data: string, from?: Partial<TelegramUser>): Promise<Update> {
    return (await this.post<{ update: Update }>('button', { chatId, messageId, data, from })).update;
  }

  async failNext(method: string, count = 1, failure: FailureSpec = { status: 500 }): Promise<void> {
    await this.post('fail', { method, count, ...failure });
  }

  async setDown(down: boolean): Promise<void> {
    await this.post('down', { down });
  }

  async setBlocked(chatId: ChatId, blocked = true): Promise<void> {
    await this.post('blocked', { chatId, blocked });
  }

  async reset(): Promise<void> {
    await this.post('reset', {});
  }

  async fileContent(fileId: string): Promise<Buffer | undefined> {
    const response = await fetch(`${this.controlUrl}/__control/files/${encodeURIComponent(fileId)}`);
    if (response.status === 404) return undefined;
    return Buffer.from(await response.arrayBuffer());
  }

  /** First successful call, recorded or to come, that matches; long-polls the fake, never sleeps. */
  waitForMessage(predicate: CallPredicate, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedCall> {
    return this.waitFor(predicate, timeoutMs, false);
  }

  /** Like waitForMessage, failed calls included. */
  waitForCall(predicate: CallPredicate, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedCall> {
    return this.waitFor(predicate, timeoutMs, true);
  }

  async waitForWebhookDelivery(predicate: (delivery: WebhookDelivery) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<WebhookDelivery> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      const waitMs = Math.max(deadline - Date.now(), 0);
      const { deliveries } = await this.get<{ deliveries: WebhookDelivery[] }>(`webhook-deliveries?after=${seen}&waitMs=${waitMs}`);
      const match = deliveries.find(predicate);
      if (match) return match;
      seen += deliveries.length;
      if (waitMs === 0) throw new Error(`No matching webhook delivery within ${timeoutMs} ms`);
    }
  }

  private async waitFor(predicate: CallPredicate, timeoutMs: number, includeFailed: boolean): Promise<RecordedCall> {
    const deadline = Date.now() + timeoutMs;
    const failed = includeFailed ? '&failed=1' : '';
    let after = 0;
    for (;;) {
      const waitMs = Math.max(deadline - Date.now(), 0);
      const { calls } = await this.get<{ calls: RecordedCall[] }>(`calls?after=${after}&waitMs=${waitMs}${failed}`);
      const match = calls.find(predicate);
      if (match) return match;
      after = calls.at(-1)?.seq ?? after;
      if (waitMs === 0) throw new Error(`No matching call within ${timeoutMs} ms; last: ${JSON.stringify(calls.slice(-5))}`);
    }
  }

  private async get<T>(path: string): Promise<T> {
    return this.parse<T>(await fetch(`${this.controlUrl}/__control/${path}`));
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.controlUrl}/__control/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return this.parse<T>(response);
  }

  private async parse<T>(response: Response): Promise<T> {
    const body = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`Fake Bot API control: ${response.status} ${body.error ?? ''}`);
    return body;
  }
}
