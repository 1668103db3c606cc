// Webhooks: each enabled endpoint of the user gets the batch as one signed POST, through the `webhooks` job
// queue (retries with exponential backoff survive restarts in Redis mode). The worker records the outcome.
import { Injectable } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { JobQueue, JobQueueFactory } from '@tradepulse/platform';
import { StoredNotification, toDeliveredItem } from '../notification';
import { WEBHOOK_QUEUE, WebhookJob } from '../webhooks/webhook-job';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { deliveryKey } from './delivery-key';
import { ChannelSender, DeliverySkipped, NotificationChannel } from './notification-channel';

const NO_ENDPOINT = 'no enabled webhook endpoint';

@Injectable()
@NotificationChannel('webhook')
export class WebhookChannel implements ChannelSender {
  private readonly queue: JobQueue<WebhookJob>;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly profiles: ProfileService,
    queues: JobQueueFactory,
  ) {
    this.queue = queues.get<WebhookJob>(WEBHOOK_QUEUE);
  }

  async unreachable(userIds: readonly string[]): Promise<Map<string, string>> {
    const reachable = await this.webhooks.usersWithEnabledEndpoints(userIds);
    return new Map(userIds.filter((userId) => !reachable.has(userId)).map((userId) => [userId, NO_ENDPOINT]));
  }

  async send(userId: string, items: StoredNotification[], dedupeKey: string): Promise<'queued'> {
    const endpoints = await this.webhooks.enabledFor(userId);
    if (!endpoints.length) throw new DeliverySkipped(NO_ENDPOINT);
    const notificationIds = items.map((item) => item.id);
    const occurredAtMs = Math.min(...items.map((item) => item.occurredAt.getTime()));
    const maxAttempts = this.profiles.section('webhooks').maxAttempts;
    await Promise.all(
      endpoints.map((endpoint) => {
        const deliveryId = deliveryKey(endpoint.id, dedupeKey, notificationIds);
        const body = JSON.stringify({ deliveryId, items: items.map(toDeliveredItem) });
        const job: WebhookJob = { endpointId: endpoint.id, userId, deliveryId, notificationIds, occurredAtMs, maxAttempts, body };
        return this.queue.add(job, { jobId: deliveryId, attempts: maxAttempts });
      }),
    );
    return 'queued';
  }
}
