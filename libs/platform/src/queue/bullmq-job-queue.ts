// Distributed-mode queue on BullMQ: jobs survive restarts and are shared by every worker process.
import { Logger } from '@nestjs/common';
import { DelayedError, Queue, Worker } from 'bullmq';
import type { ConnectionOptions, Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { RetryDefaults } from './in-process-job-queue';
import { AddedJob, JobDeferral, jobContext, JobHandler, JobOptions, JobQueue, PRIORITY_RANK, QueueCounts } from './job-queue';

export class BullMqJobQueue<T> implements JobQueue<T> {
  private readonly logger: Logger;
  private readonly queue: Queue;
  private worker?: Worker;

  constructor(
    readonly name: string,
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly defaults: RetryDefaults,
  ) {
    this.logger = new Logger(`Queue:${name}`);
    this.queue = new Queue(name, { connection, prefix });
  }

  async add(data: T, options: JobOptions = {}): Promise<AddedJob> {
    const id = options.jobId ?? randomUUID();
    const existing = options.jobId ? await this.queue.getJob(id) : undefined;
    if (existing && !(await existing.isCompleted()) && !(await existing.isFailed())) return { id, deduplicated: true };
    if (existing) await existing.remove();
    await this.queue.add(this.name, data, {
      jobId: id,
      priority: PRIORITY_RANK[options.priority ?? 'normal'],
      attempts: options.attempts ?? this.defaults.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? this.defaults.backoffMs },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
    return { id, deduplicated: false };
  }

  process(handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    if (this.worker) throw new Error(`queue ${this.name} already has a processor`);
    this.worker = new Worker(this.name, (job, token) => this.run(handler, job, token), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: options.concurrency ?? 1,
    });
    this.worker.on('failed', (job, error) => this.logger.warn(`job ${job?.id} attempt ${job?.attemptsMade} failed: ${error.message}`));
    this.worker.on('error', (error) => this.logger.error(`worker error: ${error.message}`));
  }

  /**
   * A deferral moves the job to the delayed set without counting an attempt (skipAttempt in BullMQ's moveToDelayed);
   * DelayedError then tells the worker the job has left its hands, and it takes the next one into the slot.
   */
  private async run(handler: JobHandler<T>, job: Job, token?: string): Promise<void> {
    const outcome = await handler(job.data as T, jobContext(job.id!, job.attemptsMade + 1));
    if (!(outcome instanceof JobDeferral)) return;
    await job.moveToDelayed(Date.now() + outcome.delayMs, token);
    throw new DelayedError();
  }

  async counts(): Promise<QueueCounts> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed');
    return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0), active: counts.active ?? 0, failed: counts.failed ?? 0 };
  }

  async stopProcessing(): Promise<void> {
    await this.worker?.close();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
