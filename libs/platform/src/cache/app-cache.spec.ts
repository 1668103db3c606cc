import { AppConfig, ProfileService } from '@tradepulse/config';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
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

describe('AppCache.getMany', () => {
  it('answers several keys in one call of the shared store, undefined where missing', async () => {
    const shared = new Keyv();
    const cache = new AppCache(createCache({ stores: [shared] }), new ProfileService('balanced', []), { env: { REDIS_URL: 'redis://shared' } } as unknown as AppConfig);
    await cache.set('a', { n: 1 }, 60_000);
    await cache.set('c', { n: 3 }, 60_000);
    const getMany = jest.spyOn(shared, 'getMany');
    const get = jest.spyOn(shared, 'get');
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual([{ n: 1 }, undefined, { n: 3 }]);
    expect(getMany).toHaveBeenCalledTimes(1);
    expect(get).not.toHaveBeenCalled();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1 });
  });

  it('misses every key when the store fails, rather than failing the caller', async () => {
    const shared = new Keyv();
    const cache = new AppCache(createCache({ stores: [shared] }), new ProfileService('balanced', []), { env: { REDIS_URL: 'redis://shared' } } as unknown as AppConfig);
    jest.spyOn(shared, 'getMany').mockRejectedValue(new Error('connection lost'));
    expect(await cache.getMany(['a', 'b'])).toEqual([undefined, undefined]);
  });
});
