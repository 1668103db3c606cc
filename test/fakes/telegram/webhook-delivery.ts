// Posts an update to the webhook the bot set, as Telegram does, with the secret token header.
import type { Update, WebhookDelivery, WebhookState } from './types';

const DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookOutcome {
  delivery: WebhookDelivery;
  /** A Bot API call the bot made in its answer (telegraf's webhookReply), e.g. `{ method: 'answerCallbackQuery', … }` */
  reply?: Record<string, unknown> & { method: string };
}

export async function deliverToWebhook(webhook: WebhookState, update: Update): Promise<WebhookOutcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (webhook.secret_token) headers['x-telegram-bot-api-secret-token'] = webhook.secret_token;
  const at = Date.now();
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const body = await response.text();
    const delivery = { updateId: update.update_id, url: webhook.url, status: response.status, at };
    return { delivery, reply: response.ok ? replyCall(response.headers.get('content-type'), body) : undefined };
  } catch (error) {
    return { delivery: { updateId: update.update_id, url: webhook.url, status: 0, error: (error as Error).message, at } };
  }
}

function replyCall(contentType: string | null, body: string): WebhookOutcome['reply'] {
  if (!contentType?.startsWith('application/json') || body === '') return undefined;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return typeof parsed.method === 'string' ? (parsed as WebhookOutcome['reply']) : undefined;
  } catch {
    return undefined;
  }
}
