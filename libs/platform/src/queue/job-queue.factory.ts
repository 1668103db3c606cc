import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobQueue } from './job-queue';

@Injectable()
export class JobQueueFactory implements OnApplicationShutdown {
  private readonly queues = new Map<string, JobQueue<unknown>>();

  constructor(
    private readonly config: AppConfig,
    private readonly profiles: ProfileService,
  ) {}

  /** One queue per name per process; BullMQ when REDIS_URL is set, in-process otherwise. */
  get<T>(name: string): JobQueue<T> {
    const existing = this.queues.get(name);
    if (existing) return existing as JobQueue<T>;
    const { retryAttempts, retryBackoffMs } = this.profiles.section('queues');
    const defaults = { attempts: retryAttempts + 1, backoffMs: retryBackoffMs };
    const url = this.config.env.REDIS_URL;
    const queue = url ? this.bullMqQueue<T>(name, url, defaults) : new InProcessJobQueue<T>(name, defaults);
    this.queues.set(name, queue as JobQueue<unknown>);
    return queue;
  }

  /** BullMQ is loaded only in Redis mode (see redis-client.ts). */
  private bullMqQueue<T>(name: string, url: string, defaults: { attempts: number; backoffMs: number }): JobQueue<T> {
    const { BullMqJobQueue } = require('./bullmq-job-queue') as typeof import('./bullmq-job-queue');
    return new BullMqJobQueue<T>(name, { url, maxRetriesPerRequest: null }, `tp:${this.config.redisPrefix}:bull`, defaults);
  }

  all(): JobQueue<unknown>[] {
    return [...this.queues.values()];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
  }
}
