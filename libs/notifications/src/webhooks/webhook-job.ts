/** One batch for one endpoint, as it waits in the `webhooks` queue. `body` is signed as it is sent. */
export interface WebhookJob {
  endpointId: string;
  userId: string;
  /** X-Tradepulse-Delivery: the same batch to the same endpoint always has the same id (receivers dedupe) */
  deliveryId: string;
  notificationIds: string[];
  /** earliest source event of the batch, epoch ms (latency metric) */
  occurredAtMs: number;
  /** total tries, from webhooks.maxAttempts when enqueued */
  maxAttempts: number;
  body: string;
}

export const WEBHOOK_QUEUE = 'webhooks';
