// Posts an update to the webhook the bot set, as Telegram does, with the secret token header.
import type { Update, WebhookDelivery, WebhookState } from './types';

const DELIVERY_TIMEOUT_MS = 10_000;

export async function deliverToWebhook(webhook: WebhookState, update: Update): Promise<WebhookDelivery> {
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
    await response.arrayBuffer();
    return { updateId: update.update_id, url: webhook.url, status: response.status, at };
  } catch (error) {
    return { updateId: update.update_id, url: webhook.url, status: 0, error: (error as Error).message, at };
  }
}
