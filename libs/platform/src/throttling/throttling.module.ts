import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, ProfileService } from '@tradepulse/config';
import Redis from 'ioredis';
import { AuthUser } from '../auth/auth-user';
import { ResilientThrottlerStorage } from './resilient-throttler-storage';

const MINUTE_MS = 60_000;

type ThrottledRequest = { ip: string; user?: AuthUser };

/** A client that fails fast while disconnected; its outages are reported by the storage wrapper, not as unhandled errors. */
function quietRedis(url: string, keyPrefix: string): Redis {
  const client = new Redis(url, { keyPrefix, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  client.on('error', () => undefined);
  return client;
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
            ttl: MINUTE_MS,
            limit: () => profiles.section('http').rateLimitPerIpPerMin,
            getTracker: (req: Record<string, unknown>) => (req as ThrottledRequest).ip,
          },
          {
            name: 'key',
            ttl: MINUTE_MS,
            limit: () => profiles.section('http').rateLimitPerKeyPerMin,
            getTracker: (req: Record<string, unknown>) => (req as ThrottledRequest).user?.keyId ?? 'anonymous',
            skipIf: (context) => !context.switchToHttp().getRequest<ThrottledRequest>().user,
          },
        ],
        storage: config.env.REDIS_URL
          ? new ResilientThrottlerStorage(
              new ThrottlerStorageRedisService(quietRedis(config.env.REDIS_URL, `tp:${config.redisPrefix}:throttle:`)),
              () => profiles.section('cache').operationTimeoutMs,
            )
          : undefined,
      }),
    }),
  ],
})
export class ThrottlingModule {}
