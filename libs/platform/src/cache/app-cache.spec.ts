import { AppConfig, ProfileService } from '@tradepulse/config';
import { createCache } from 'cache-manager';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppCache } from './app-cache';
import { inProcessStore } from './cache.module';

function embeddedCache(): AppCache {
  const config = { env: {} } as AppConfig;
  return new AppCache(createCache({ stores: [inProcessStore(100)] }), new ProfileService('balanced', []), config);
}

describe('AppCache on the in-process store', () => {
  it('peeks synchronously at what set() stored, under the same key', async () => {
    const cache = embeddedCache();
    expect(cache.synchronous).toBe(true);
    const value = { answer: 42 };
    await cache.set('k', value, 60_000);
    expect(cache.peek('k')).toBe(value);
    expect(cache.peek('other')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('sees a tag version change at once', async () => {
    const cache = embeddedCache();
    expect(cache.peekTagVersion('u1:alerts')).toBe('0');
    await cache.invalidateTag('u1:alerts');
    const version = await cache.tagVersion('u1:alerts');
    expect(version).not.toBe('0');
    expect(cache.peekTagVersion('u1:alerts')).toBe(version);
  });

  it('gives a tag a version never seen before on every invalidation', async () => {
    const cache = embeddedCache();
    const seen = new Set(['0']);
    for (let i = 0; i < 5; i++) {
      await cache.invalidateTag('u1:alerts');
      const version = cache.peekTagVersion('u1:alerts');
      expect(seen.has(version)).toBe(false);
      seen.add(version);
    }
  });

  it('treats an expired entry as a miss', async () => {
    const cache = embeddedCache();
    await cache.set('short', 'lived', 30);
    expect(cache.peek('short')).toBe('lived');
    await sleep(60);
    expect(cache.peek('short')).toBeUndefined();
    expect(await cache.get('short')).toBeUndefined();
  });
});
