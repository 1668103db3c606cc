// Counts a request against the guard's two buckets for answers given before Nest's pipeline (the cached-read
// fast path), with the same storage, keys and headers as ApiThrottlerGuard.
import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { ProfileService } from '@tradepulse/config';
import { FastifyReply } from 'fastify';
import { THROTTLE_WINDOW_MS, throttleKey, ThrottlerName } from './throttle-buckets';

@Injectable()
export class RequestRateLimits {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly profiles: ProfileService,
  ) {}

  /**
   * Counts the request; false when a bucket is over its limit. The caller then hands the request to Nest,
   * whose guard answers the 429 (counting it once more, on a bucket that is already over).
   */
  async admit(ip: string, keyId: string, reply: FastifyReply): Promise<boolean> {
    const { rateLimitPerIpPerMin, rateLimitPerKeyPerMin } = this.profiles.section('http');
    const [byIp, byKey] = await Promise.all([this.count('ip', ip, rateLimitPerIpPerMin), this.count('key', keyId, rateLimitPerKeyPerMin)]);
    if (byIp.isBlocked || byKey.isBlocked) return false;
    this.describe(reply, 'ip', rateLimitPerIpPerMin, byIp);
    this.describe(reply, 'key', rateLimitPerKeyPerMin, byKey);
    return true;
  }

  private count(throttler: ThrottlerName, tracker: string, limit: number) {
    return this.storage.increment(throttleKey(throttler, tracker), THROTTLE_WINDOW_MS, limit, THROTTLE_WINDOW_MS, throttler);
  }

  private describe(reply: FastifyReply, throttler: ThrottlerName, limit: number, counted: { totalHits: number; timeToExpire: number }): void {
    void reply
      .header(`X-RateLimit-Limit-${throttler}`, limit)
      .header(`X-RateLimit-Remaining-${throttler}`, Math.max(0, limit - counted.totalHits))
      .header(`X-RateLimit-Reset-${throttler}`, counted.timeToExpire);
  }
}
