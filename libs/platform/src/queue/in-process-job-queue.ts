// Embedded-mode queue: p-queue for priorities and concurrency, p-retry for retries with exponential backoff.
import { Logger } from '@nestjs/common';
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import { randomUUID } from 'node:crypto';
import { AddedJob, JobDeferral, jobContext, JobHandler, JobOptions, JobQueue, PRIORITY_RANK, QueueCounts } from './job-queue';

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
  /** jobs deferred by their handler, each waiting for its timer; close() drops them */
  private readonly deferred = new Map<NodeJS.Timeout, () => void>();
  private queue?: PQueue;
  private handler?: JobHandler<T>;
  private active = 0;
  private failed = 0;
  private closed = false;
  /** stopProcessing(): no attempt starts any more, jobs added later are dropped with the process */
  private processingStopped = false;
  private addedAfterStop = 0;

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
    if (this.processingStopped) {
      if (!this.addedAfterStop++) this.logger.warn(`job ${id}, and any added after it, not run: this process stopped taking jobs`);
    } else if (this.queue) void this.schedule(job);
    else this.waiting.push(job);
    return { id, deduplicated: false };
  }

  process(handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    if (this.handler) throw new Error(`queue ${this.name} already has a processor`);
    this.handler = handler;
    // paused while the backlog is queued, so that its priorities decide what runs first
    this.queue = new PQueue({ concurrency: options.concurrency ?? 1, autoStart: false });
    for (const job of this.waiting.splice(0)) void this.schedule(job);
    this.queue.start();
  }

  async counts(): Promise<QueueCounts> {
    return { waiting: (this.queue?.size ?? 0) + this.waiting.length + this.deferred.size, active: this.active, failed: this.failed };
  }

  /**
   * Lets the attempts already running finish and runs nothing more: jobs still waiting, deferred, or backing off
   * before a retry, are dropped with the process, as they would be by a crash (whoever queued them recovers them:
   * webhook deliveries, for one, are re-sent from their claims).
   */
  async stopProcessing(): Promise<void> {
    this.processingStopped = true;
    if (!this.queue) return;
    const dropped = this.queue.size + this.deferred.size;
    this.queue.clear();
    for (const [timer, drop] of this.deferred) {
      clearTimeout(timer);
      drop();
    }
    this.deferred.clear();
    if (dropped) this.logger.warn(`${dropped} waiting job attempt(s) not run: this process stopped taking jobs`);
    await this.queue.onIdle();
  }

  /** stopProcessing(), and add() refuses from now on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopProcessing();
  }

  /**
   * Each attempt waits for a concurrency slot of its own: a job backing off before its retry holds none, so a
   * failing target cannot stall the queue's other jobs for the length of its backoffs.
   */
  private async schedule(job: PendingJob<T>): Promise<void> {
    const attempts = job.options.attempts ?? this.defaults.attempts;
    try {
      await pRetry((attempt) => this.attempt(job, attempt), {
        retries: Math.max(0, attempts - 1),
        minTimeout: job.options.backoffMs ?? this.defaults.backoffMs,
        factor: 2,
        randomize: true,
        // a backoff alone keeps no process (nor a test run) alive
        unref: true,
        onFailedAttempt: (error) => {
          if (error.retriesLeft > 0 && !this.processingStopped) this.logger.warn(`job ${job.id} attempt ${error.attemptNumber} failed: ${error.message}; retrying`);
        },
      });
    } catch (error) {
      if (this.processingStopped) return;
      this.failed++;
      this.logger.error(`job ${job.id} failed after ${attempts} attempts and is dropped: ${(error as Error).message}`);
    } finally {
      this.known.delete(job.id);
    }
  }

  /** One attempt, as p-retry counts them: each deferral by the handler runs the job again as this same attempt. */
  private async attempt(job: PendingJob<T>, attempt: number): Promise<void> {
    for (;;) {
      if (this.processingStopped) throw new pRetry.AbortError(`queue ${this.name} stopped before attempt ${attempt} of job ${job.id}`);
      const outcome = await this.run(job, attempt);
      if (!(outcome instanceof JobDeferral)) return;
      await this.deferral(job, attempt, outcome.delayMs);
    }
  }

  private run(job: PendingJob<T>, attempt: number): Promise<void | JobDeferral> {
    // p-queue runs higher numbers first; our ranks run lower first
    const priority = -PRIORITY_RANK[job.options.priority ?? 'normal'];
    return this.queue!.add(async () => {
      this.active++;
      try {
        return await this.handler!(job.data, jobContext(job.id, attempt));
      } finally {
        this.active--;
      }
    }, { priority });
  }

  /** Waits out a deferral outside p-queue, so that it holds no slot; rejects (aborting the job) if close() drops it. */
  private deferral(job: PendingJob<T>, attempt: number, delayMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const drop = () => reject(new pRetry.AbortError(`queue ${this.name} stopped while attempt ${attempt} of job ${job.id} was deferred`));
      if (this.processingStopped) return drop();
      const timer = setTimeout(() => {
        this.deferred.delete(timer);
        resolve();
      }, delayMs);
      // a deferral alone keeps no process (nor a test run) alive, like a backoff
      timer.unref();
      this.deferred.set(timer, drop);
    });
  }
}
