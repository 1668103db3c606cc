// The @nestjs/throttler storage, counted by rate-limiter-flexible in fixed windows: O(1) per request. (The
// library's own in-memory storage keeps a timestamp per hit and filters them all on every request, which
// made it the largest cost of a request under load.)
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/** Makes the limiter that counts windows of `durationSec`; its own points are unused, limits are checked here. */
export type WindowCounterFactory = (durationSec: number) => RateLimiterAbstract;

export class FixedWindowThrottlerStorage implements ThrottlerStorage {
  private readonly counters = new Map<number, RateLimiterAbstract>();

  constructor(private readonly createCounter: WindowCounterFactory) {}

  /** Limits come per call, so a profile switch changes them for the very next request. */
  async increment(key: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    return record(await this.count(key, ttlMs), limit);
  }

  /** Counts one hit in the key's window, without the record increment() makes of it (for the cached-read fast path). */
  count(key: string, ttlMs: number): Promise<RateLimiterRes> {
    return this.counter(ttlMs).penalty(key, 1);
  }

  private counter(ttlMs: number): RateLimiterAbstract {
    const durationSec = Math.max(1, Math.ceil(ttlMs / 1000));
    let counter = this.counters.get(durationSec);
    if (!counter) {
      counter = this.createCounter(durationSec);
      this.counters.set(durationSec, counter);
    }
    return counter;
  }
}

/** The throttler's view of a window count: blocked once the hits exceed the limit. */
export function record(counted: RateLimiterRes, limit: number): ThrottlerStorageRecord {
  const timeToExpire = Math.max(1, Math.ceil(counted.msBeforeNext / 1000));
  const isBlocked = counted.consumedPoints > limit;
  return { totalHits: counted.consumedPoints, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
}
