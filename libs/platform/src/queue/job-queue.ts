// The queue port. Plugins ask JobQueueFactory for a named queue and never learn whether BullMQ or the
// in-process adapter runs it.

export type JobPriority = 'high' | 'normal' | 'low';

export interface JobOptions {
  /** a second add with the id of a job still waiting or running is ignored */
  jobId?: string;
  priority?: JobPriority;
  /** total tries, default from the profile (queues.retryAttempts + 1) */
  attempts?: number;
  /** first retry delay; doubles on each retry; default from the profile */
  backoffMs?: number;
}

export interface AddedJob {
  id: string;
  deduplicated: boolean;
}

export interface JobContext {
  id: string;
  /** 1 on the first try; a deferred job runs again with the same number */
  attempt: number;
  /**
   * For a job that cannot run yet (a resource it needs is busy): the handler returns what this returns, and the job
   * runs again after `delayMs` as the same attempt. Meanwhile it holds no concurrency slot, so other jobs run.
   */
  defer(delayMs: number): JobDeferral;
}

/** What a handler returns to have its job put back for a while; made by JobContext.defer. */
export class JobDeferral {
  constructor(readonly delayMs: number) {}
}

export type JobHandler<T> = (data: T, job: JobContext) => Promise<void | JobDeferral>;

export function jobContext(id: string, attempt: number): JobContext {
  return { id, attempt, defer: (delayMs) => new JobDeferral(delayMs) };
}

export interface QueueCounts {
  waiting: number;
  active: number;
  failed: number;
}

export interface JobQueue<T> {
  readonly name: string;
  add(data: T, options?: JobOptions): Promise<AddedJob>;
  /** starts consuming; call once per process that should run these jobs */
  process(handler: JobHandler<T>, options?: { concurrency?: number }): void;
  counts(): Promise<QueueCounts>;
  /**
   * This process takes no more jobs; resolves once the attempts it is running have finished. Jobs may still be
   * added (until close): they wait for another process (BullMQ), or are dropped with this one (in-process).
   */
  stopProcessing(): Promise<void>;
  close(): Promise<void>;
}

/** Numeric priority in the convention of both adapters: lower runs first (BullMQ's). */
export const PRIORITY_RANK: Record<JobPriority, number> = { high: 1, normal: 5, low: 10 };
