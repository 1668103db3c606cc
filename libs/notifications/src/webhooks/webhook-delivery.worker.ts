// Runs the `webhooks` queue (worker role): one POST per job, one request at a time per endpoint and in order, a
// timeout per request, retries by the queue with exponential backoff, the endpoint disabled after too many
// failures in a row. Redirects are not followed: a redirect could lead to a target the policy refuses. Sockets
// resolve names through the policy (connectLookup), so a name cannot pass the check and then connect elsewhere.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { JobContext, JobDeferral, JobQueue, JobQueueFactory, retryWhileDatabaseUnavailable } from '@tradepulse/platform';
import { Agent, fetch } from 'undici';
import { notificationMetrics } from '../notification-metrics';
import { DeliveriesRepository } from '../store/deliveries.repository';
import { WEBHOOK_QUEUE, WebhookJob } from './webhook-job';
import { settledWithinGrace, SHUTDOWN_GRACE_SEC } from '../shutdown-grace';
import { EndpointTurns } from './endpoint-turns';
import { DELIVERY_HEADER, signBody, SIGNATURE_HEADER } from './webhook-signature';
import { TARGET_REFUSED, WebhookTargetPolicy } from './webhook-target';
import { WebhookEndpoint, WebhooksRepository } from './webhooks.repository';

const CHANNEL = 'webhook';

@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly turns = new EndpointTurns();
  private readonly connections: Agent;
  /** aborts the requests still in flight when the shutdown grace is over */
  private readonly interruption = new AbortController();
  private queue?: JobQueue<WebhookJob>;

  constructor(
    private readonly config: AppConfig,
    private readonly profiles: ProfileService,
    private readonly queues: JobQueueFactory,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    @Inject(WebhookTargetPolicy) private readonly targets: WebhookTargetPolicy,
  ) {
    this.connections = new Agent({ connect: { lookup: targets.connectLookup } });
  }

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('worker')) return;
    this.queue = this.queues.get<WebhookJob>(WEBHOOK_QUEUE);
    this.queue.process((job, context) => this.deliverInTurn(job, context), { concurrency: this.profiles.bootValue('queues').concurrency });
  }

  /**
   * While the database is still open: no new job starts, and the requests in flight get the shutdown grace to be
   * answered and recorded. Those still waiting then are aborted, their jobs put back unchanged (no attempt spent,
   * no failure counted against the endpoint): another worker, or the restart, POSTs them again with the same
   * delivery id.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.queue) return;
    const stopped = this.queue.stopProcessing();
    if (!(await settledWithinGrace(stopped))) {
      this.logger.warn(`webhook requests still unanswered ${SHUTDOWN_GRACE_SEC} s into shutdown are aborted; their jobs are put back`);
      this.interruption.abort();
      await stopped;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connections.close();
  }

  /**
   * One request at a time per endpoint, inside this process, in order. A job that is not next is deferred, not
   * held: waiting in its queue slot, a slow endpoint's backlog would fill every slot and other users' webhooks
   * would wait behind it. A deferral costs the job none of its attempts.
   */
  private async deliverInTurn(job: WebhookJob, context: JobContext): Promise<void | JobDeferral> {
    const turn = this.turns.take(job.endpointId, context.id);
    if (turn !== true) return context.defer(turn);
    try {
      return await this.deliver(job, context);
    } finally {
      this.turns.release(job.endpointId);
    }
  }

  /**
   * Resolves when the job is done (delivered, or failed for good), or with a deferral when shutdown interrupted
   * its request; throws to have the queue retry it.
   */
  async deliver(job: WebhookJob, context: JobContext): Promise<void | JobDeferral> {
    const endpoint = await this.webhooks.findById(job.endpointId);
    if (!endpoint || endpoint.disabledAt) {
      await this.record(job, 'skipped', endpoint ? 'webhook endpoint disabled' : 'webhook endpoint removed');
      return;
    }
    const refusal = await this.targets.refusal(endpoint.url);
    const { error, refused } = refusal ? { error: `target refused: ${refusal}`, refused: true } : await this.post(endpoint, job, context.attempt);
    if (this.interruption.signal.aborted && error) return context.defer(0);
    if (!error) {
      notificationMetrics.webhookAttempts.inc({ outcome: 'delivered' });
      // the receiver has it: a throw here would have the queue POST it again, so the outcome waits for the database
      await retryWhileDatabaseUnavailable(
        async () => {
          await this.webhooks.recordSuccess(endpoint.id);
          await this.record(job, 'sent');
        },
        { log: { what: `recording webhook delivery ${job.deliveryId}`, logger: this.logger } },
      );
      notificationMetrics.delivered.inc({ channel: CHANNEL }, job.notificationIds.length);
      notificationMetrics.latency.observe({ channel: CHANNEL }, (Date.now() - job.occurredAtMs) / 1000);
      return;
    }
    notificationMetrics.webhookAttempts.inc({ outcome: 'failed' });
    const { disableAfterFailures } = this.profiles.section('webhooks');
    const disabledNow = await this.webhooks.recordFailure(endpoint.id, error, disableAfterFailures);
    if (disabledNow) this.logger.warn(`webhook ${endpoint.id} disabled after ${disableAfterFailures} consecutive failures (last: ${error})`);
    if (disabledNow || refused || context.attempt >= job.maxAttempts) {
      await this.record(job, 'failed', error);
      notificationMetrics.failures.inc({ channel: CHANNEL }, job.notificationIds.length);
      this.logger.warn(`webhook delivery ${job.deliveryId} to ${endpoint.id} failed for good after ${context.attempt} attempt(s): ${error}`);
      return;
    }
    await this.deliveries.recordAttempt(CHANNEL, job.notificationIds, error);
    throw new Error(`webhook ${endpoint.id}: ${error}`);
  }

  private record(job: WebhookJob, status: 'sent' | 'failed' | 'skipped', error?: string): Promise<void> {
    return this.deliveries.mark(job.notificationIds.map((id) => ({ id, channel: CHANNEL, status, error })));
  }

  /** No error when the endpoint answered 2xx, else what went wrong; `refused` when the policy refused the address connected to. */
  private async post(endpoint: WebhookEndpoint, job: WebhookJob, attempt: number): Promise<{ error?: string; refused?: boolean }> {
    const { timeoutMs } = this.profiles.section('webhooks');
    try {
      const response = await fetch(endpoint.url, {
        dispatcher: this.connections,
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.interruption.signal]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tradepulse-Webhooks/1',
          [SIGNATURE_HEADER]: signBody(endpoint.secret, job.body),
          [DELIVERY_HEADER]: job.deliveryId,
          'X-Tradepulse-Attempt': String(attempt),
        },
        body: job.body,
      });
      await response.body?.cancel();
      return response.ok ? {} : { error: `answered HTTP ${response.status}` };
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') return { error: `no answer within ${timeoutMs} ms` };
      const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
      if (cause?.code === TARGET_REFUSED) return { error: `target refused: ${cause.message}`, refused: true };
      return { error: cause?.message ?? (error as Error).message };
    }
  }
}
