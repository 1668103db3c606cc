// Embedded-mode queue: p-queue for priorities and concurrency, p-retry for retries with exponential backoff.
import { Logger } from '@nestjs/common';
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import { randomUUID } from 'node:crypto';
import { AddedJob, JobHandler, JobOptions, JobQueue, PRIORITY_RANK, QueueCounts } from './job-queue';

interface PendingJob<T> {
  id: string;
  data: T;
  options: JobOptions;
}

export interface RetryDefaults {
  attempts: number;
  backoffMs: number;
}

export class InProcessJobQueue<T> implements JobQueue<T> {
  private readonly logger: Logger;
  private readonly waiting: PendingJob<T>[] = [];
  private readonly known = new Set<string>();
  private queue?: PQueue;
  private handler?: JobHandler<T>;
  private active = 0;
  private failed = 0;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly defaults: RetryDefaults,
  ) {
    this.logger = new Logger(`Queue:${name}`);
  }

  async add(data: T, options: JobOptions = {}): Promise<AddedJob> {
    const id = options.jobId ?? randomUUID();
    if (this.known.has(id)) return { id, deduplicated: true };
    if (this.closed) throw new Error(`queue ${this.name} is closed`);
    this.known.add(id);
    const job = { id, data, options };
    if (this.queue) this.schedule(job);
    else this.waiting.push(job);
    return { id, deduplicated: false };
  }

  process(handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    if (this.handler) throw new Error(`queue ${this.name} already has a processor`);
    this.handler = handler;
    // paused while the backlog is queued, so that its priorities decide what runs first
    this.queue = new PQueue({ concurrency: options.concurrency ?? 1, autoStart: false });
    for (const job of this.waiting.splice(0)) this.schedule(job);
    this.queue.start();
  }

  async counts(): Promise<QueueCounts> {
    return { waiting: (this.queue?.size ?? 0) + this.waiting.length, active: this.active, failed: this.failed };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.queue) await this.queue.onIdle();
  }

  private schedule(job: PendingJob<T>): void {
    // p-queue runs higher numbers first; our ranks run lower first
    const priority = -PRIORITY_RANK[job.options.priority ?? 'normal'];
    void this.queue!.add(() => this.run(job), { priority });
  }

  private async run(job: PendingJob<T>): Promise<void> {
    this.active++;
    const attempts = job.options.attempts ?? this.defaults.attempts;
    try {
      await pRetry((attempt) => this.handler!(job.data, { id: job.id, attempt }), {
        retries: Math.max(0, attempts - 1),
        minTimeout: job.options.backoffMs ?? this.defaults.backoffMs,
        factor: 2,
        randomize: true,
        onFailedAttempt: (error) => {
          if (error.retriesLeft > 0) this.logger.warn(`job ${job.id} attempt ${error.attemptNumber} failed: ${error.message}; retrying`);
        },
      });
    } catch (error) {
      this.failed++;
      this.logger.error(`job ${job.id} failed after ${attempts} attempts and is dropped: ${(error as Error).message}`);
    } finally {
      this.active--;
      this.known.delete(job.id);
    }
  }
}
