// The @nestjs/throttler storage, counted by rate-limiter-flexible in fixed windows: O(1) per request. (The
// library's own in-memory storage keeps a timestamp per hit and filters them all on every request, which
// made it the largest cost of a request under load.)
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { RateLimiterAbstract } from 'rate-limiter-flexible';

/** Makes the limiter that counts windows of `durationSec`; its own points are unused, limits are checked here. */
export type WindowCounterFactory = (durationSec: number) => RateLimiterAbstract;

export class FixedWindowThrottlerStorage implements ThrottlerStorage {
  private readonly counters = new Map<number, RateLimiterAbstract>();

  constructor(private readonly createCounter: WindowCounterFactory) {}

  /** Limits come per call, so a profile switch changes them for the very next request. */
  async increment(key: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    const counted = await this.counter(ttlMs).penalty(key, 1);
    const timeToExpire = Math.max(1, Math.ceil(counted.msBeforeNext / 1000));
    const isBlocked = counted.consumedPoints > limit;
    return { totalHits: counted.consumedPoints, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
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
