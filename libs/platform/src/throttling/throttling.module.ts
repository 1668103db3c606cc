import { Logger, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { AuthUser } from '../auth/auth-user';
import { createRedisClient } from '../redis/redis-client';
import { FixedWindowThrottlerStorage, WindowCounterFactory } from './fixed-window-throttler-storage';
import { RequestRateLimits } from './request-rate-limits';
import { THROTTLE_WINDOW_MS } from './throttle-buckets';

const UNUSED_POINTS = Number.MAX_SAFE_INTEGER;

type ThrottledRequest = { ip: string; user?: AuthUser };

/**
 * Counts in this process, or in Redis when REDIS_URL is set. A Redis call that fails, or takes longer than the
 * cache timeout, or meets a disconnected client is counted in this process instead (the insurance limiter), so
 * an outage never fails or hangs a request.
 */
function windowCounters(config: AppConfig, profiles: ProfileService): WindowCounterFactory {
  const inProcess = (duration: number) => new RateLimiterMemory({ points: UNUSED_POINTS, duration });
  if (!config.env.REDIS_URL) return inProcess;
  const logger = new Logger('Throttler');
  let lastWarningAt = 0;
  const client = createRedisClient(config.env.REDIS_URL, {
    commandTimeout: profiles.bootValue('cache').operationTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  client.on('error', (error: Error) => {
    if (Date.now() - lastWarningAt < 10_000) return;
    lastWarningAt = Date.now();
    logger.warn(`Redis for rate limits failed (${error.message}); counting in this process until it is back`);
  });
  return (duration) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `tp:${config.redisPrefix}:throttle`,
      points: UNUSED_POINTS,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: inProcess(duration),
    });
}

/** Limits are read through ProfileService on each check, so a profile switch changes them at once. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, ProfileService],
      useFactory: (config: AppConfig, profiles: ProfileService) => ({
        throttlers: [
          {
            name: 'ip',
            ttl: THROTTLE_WINDOW_MS,
            limit: () => profiles.section('http').rateLimitPerIpPerMin,
            getTracker: (req: Record<string, unknown>) => (req as ThrottledRequest).ip,
          },
          {
            name: 'key',
            ttl: THROTTLE_WINDOW_MS,
            limit: () => profiles.section('http').rateLimitPerKeyPerMin,
            getTracker: (req: Record<string, unknown>) => (req as ThrottledRequest).user?.keyId ?? 'anonymous',
            skipIf: (context) => !context.switchToHttp().getRequest<ThrottledRequest>().user,
          },
        ],
        storage: new FixedWindowThrottlerStorage(windowCounters(config, profiles)),
      }),
    }),
  ],
  providers: [RequestRateLimits],
  exports: [RequestRateLimits],
})
export class ThrottlingModule {}
