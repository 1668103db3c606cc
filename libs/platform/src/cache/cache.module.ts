import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { CacheableMemory } from 'cacheable';
import { Keyv } from 'keyv';
import { AppCache } from './app-cache';
import { HttpAnswerCache } from './http-answer-cache';
import { HttpCacheInterceptor } from './http-cache.interceptor';

/**
 * The embedded mode's store. Values are never mutated by their readers: no JSON round trip and no clone per
 * hit; one map, not 16 shards chosen by hashing every key on every lookup; keys unprefixed, so that
 * AppCache.peek() finds them in the store under the same key.
 */
export function inProcessStore(maxEntries: number): Keyv {
  return new Keyv({
    store: new CacheableMemory({ lruSize: maxEntries, checkInterval: 60_000, useClone: false, storeHashSize: 1 }),
    serialize: undefined,
    deserialize: undefined,
    useKeyPrefix: false,
  });
}

/** In-process LRU (size from the profile) in embedded mode, Redis through @keyv/redis when REDIS_URL is set. */
@Global()
@Module({
  imports: [
    NestCacheModule.registerAsync({
      inject: [AppConfig, ProfileService],
      useFactory: (config: AppConfig, profiles: ProfileService) => {
        const { maxEntries } = profiles.bootValue('cache');
        const store = config.env.REDIS_URL
          ? new Keyv({
              // loaded only in Redis mode (see redis-client.ts)
              store: new (require('@keyv/redis') as typeof import('@keyv/redis')).default({ url: config.env.REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(retries * 200, 2000) } }, { throwOnConnectError: false, throwOnErrors: false, connectionTimeout: 1000 }),
              namespace: `tp:${config.redisPrefix}`,
              useKeyPrefix: true,
            })
          : inProcessStore(maxEntries);
        return { stores: [store] };
      },
    }),
  ],
  providers: [AppCache, HttpAnswerCache, HttpCacheInterceptor],
  exports: [AppCache, HttpAnswerCache, HttpCacheInterceptor],
})
export class CacheModule {}
