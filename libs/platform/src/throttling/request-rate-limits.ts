// Counts a request against the guard's two buckets for answers given before Nest's pipeline (the cached-read
// fast path), with the same storage, keys and headers as ApiThrottlerGuard.
import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage } from '@nestjs/throttler';
import { ProfileService } from '@tradepulse/config';
import { FixedWindowThrottlerStorage, record } from './fixed-window-throttler-storage';
import { THROTTLE_WINDOW_MS, throttleKey, ThrottlerName } from './throttle-buckets';

@Injectable()
export class RequestRateLimits {
  constructor(
    @InjectThrottlerStorage() private readonly storage: FixedWindowThrottlerStorage,
    private readonly profiles: ProfileService,
  ) {}

  /**
   * Counts the request and returns the guard's rate-limit headers as name, value, name, value…; undefined when
   * a bucket is over its limit. The caller then hands the request to Nest, whose guard answers the 429
   * (counting it once more, on a bucket that is already over).
   */
  admit(ip: string, keyId: string): Promise<string[] | undefined> {
    const { rateLimitPerIpPerMin, rateLimitPerKeyPerMin } = this.profiles.section('http');
    // plain promises, not async functions: this runs on every cached hit, and each promise pays the async hooks
    return Promise.all([this.count('ip', ip), this.count('key', keyId)]).then(([ipCount, keyCount]) => {
      const byIp = record(ipCount, rateLimitPerIpPerMin);
      const byKey = record(keyCount, rateLimitPerKeyPerMin);
      if (byIp.isBlocked || byKey.isBlocked) return undefined;
      return [...describe('ip', rateLimitPerIpPerMin, byIp), ...describe('key', rateLimitPerKeyPerMin, byKey)];
    });
  }

  private count(throttler: ThrottlerName, tracker: string) {
    return this.storage.count(throttleKey(throttler, tracker), THROTTLE_WINDOW_MS);
  }
}

const HEADER_NAMES: Record<ThrottlerName, [limit: string, remaining: string, reset: string]> = {
  ip: ['x-ratelimit-limit-ip', 'x-ratelimit-remaining-ip', 'x-ratelimit-reset-ip'],
  key: ['x-ratelimit-limit-key', 'x-ratelimit-remaining-key', 'x-ratelimit-reset-key'],
};

function describe(throttler: ThrottlerName, limit: number, counted: { totalHits: number; timeToExpire: number }): string[] {
  const [limitName, remainingName, resetName] = HEADER_NAMES[throttler];
  return [limitName, String(limit), remainingName, String(Math.max(0, limit - counted.totalHits)), resetName, String(counted.timeToExpire)];
}
