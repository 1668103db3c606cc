import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler-storage';

const MINUTE_MS = 60_000;

describe('FixedWindowThrottlerStorage', () => {
  const inProcess = () => new FixedWindowThrottlerStorage((duration) => new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration }));

  it('counts hits per key and blocks past the limit until the window ends', async () => {
    const storage = inProcess();
    const records = [];
    for (let hit = 0; hit < 4; hit++) records.push(await storage.increment('ip:1.2.3.4', MINUTE_MS, 3));
    expect(records.map((r) => r.totalHits)).toEqual([1, 2, 3, 4]);
    expect(records.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(records[3].timeToBlockExpire).toBeGreaterThan(0);
    expect(records[3].timeToBlockExpire).toBeLessThanOrEqual(60);
    expect((await storage.increment('ip:5.6.7.8', MINUTE_MS, 3)).totalHits).toBe(1);
  });

  it('applies the limit passed with each call, so a raised limit unblocks at once', async () => {
    const storage = inProcess();
    for (let hit = 0; hit < 5; hit++) await storage.increment('key:abc', MINUTE_MS, 3);
    expect((await storage.increment('key:abc', MINUTE_MS, 3)).isBlocked).toBe(true);
    expect((await storage.increment('key:abc', MINUTE_MS, 100)).isBlocked).toBe(false);
  });

  it('starts a new window when the old one expires', async () => {
    const storage = inProcess();
    await storage.increment('ip:x', 1_000, 1);
    expect((await storage.increment('ip:x', 1_000, 1)).isBlocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await storage.increment('ip:x', 1_000, 1)).totalHits).toBe(1);
  });

  it('keeps counting in this process when Redis is unreachable, without failing or waiting', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const storage = new FixedWindowThrottlerStorage(
      (duration) =>
        new RateLimiterRedis({
          storeClient: dead,
          points: Number.MAX_SAFE_INTEGER,
          duration,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration }),
        }),
    );
    const first = await storage.increment('ip:y', MINUTE_MS, 1);
    const second = await storage.increment('ip:y', MINUTE_MS, 1);
    expect([first.isBlocked, second.isBlocked]).toEqual([false, true]);
    dead.disconnect();
  });
});
