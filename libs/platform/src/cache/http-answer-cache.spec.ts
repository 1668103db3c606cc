import { AppConfig, ProfileService } from '@tradepulse/config';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppCache } from './app-cache';
import { HttpAnswerCache } from './http-answer-cache';

/** Redis mode with a Keyv that serializes like @keyv/redis does, over a Map: every shared read parses the entry. */
function sharedStoreCaches(processes: number) {
  const shared = new Keyv();
  const sharedGets = jest.spyOn(shared, 'get');
  const config = { env: { REDIS_URL: 'redis://shared' } } as unknown as AppConfig;
  const make = () => {
    const cache = new AppCache(createCache({ stores: [shared] }), new ProfileService('balanced', []), config);
    return { cache, answers: new HttpAnswerCache(cache, new ProfileService('balanced', [])) };
  };
  return { processes: Array.from({ length: processes }, make), sharedGets };
}

/** The key of a tag some write already invalidated (a version other than '0'). */
async function versionedKey(answers: HttpAnswerCache) {
  await answers.invalidate('u1', 'alerts');
  const key = await answers.key('u1', 'alerts', '/api/v1/alerts');
  expect(key.copyable).toBe(true);
  return key;
}

describe('HttpAnswerCache with a shared store', () => {
  afterEach(() => jest.restoreAllMocks());

  it('serves an answer it stored from its own copy, without reading the shared store', async () => {
    const { processes: [{ answers }], sharedGets } = sharedStoreCaches(1);
    const key = await versionedKey(answers);
    answers.store(key, { items: [1, 2] });
    sharedGets.mockClear();
    const hit = await answers.get(key);
    expect(hit?.json).toBe('{"items":[1,2]}');
    expect(sharedGets).not.toHaveBeenCalled();
  });

  it('reads an answer another process stored once, then from its copy', async () => {
    const { processes: [writer, reader], sharedGets } = sharedStoreCaches(2);
    const key = await versionedKey(writer.answers);
    writer.answers.store(key, { items: [1] });
    await sleep(5); // the shared write is not awaited by store()
    sharedGets.mockClear();
    expect((await reader.answers.get(key))?.json).toBe('{"items":[1]}');
    expect((await reader.answers.get(key))?.json).toBe('{"items":[1]}');
    expect(sharedGets).toHaveBeenCalledTimes(1);
  });

  it('misses on every process once the owner invalidated the tag, though their copies are still held', async () => {
    const { processes: [writer, reader] } = sharedStoreCaches(2);
    const before = await versionedKey(writer.answers);
    writer.answers.store(before, { items: [1] });
    await sleep(5);
    expect(await reader.answers.get(before)).toBeDefined();
    await writer.answers.invalidate('u1', 'alerts');
    const after = await reader.answers.key('u1', 'alerts', '/api/v1/alerts');
    expect(after.id).not.toBe(before.id);
    expect(await reader.answers.get(after)).toBeUndefined();
  });

  it('keeps no copy under version 0, which a failed read of the version gives as well', async () => {
    const { processes: [{ answers }], sharedGets } = sharedStoreCaches(1);
    const key = await answers.key('u1', 'alerts', '/api/v1/alerts');
    expect(key.copyable).toBe(false);
    answers.store(key, { items: [1] });
    await sleep(5);
    sharedGets.mockClear();
    expect((await answers.get(key))?.json).toBe('{"items":[1]}');
    expect(sharedGets).toHaveBeenCalledTimes(1);
  });

  it('drops its copy when the shared entry expires', async () => {
    const { processes: [{ answers, cache }] } = sharedStoreCaches(1);
    const key = await versionedKey(answers);
    jest.spyOn(cache, 'set').mockResolvedValue(); // nothing shared: only the copy can answer
    const answer = answers.store(key, { items: [1] });
    expect(answer.expiresAt! - Date.now()).toBeGreaterThan(1_000);
    expect(await answers.get(key)).toBeDefined();
    jest.spyOn(Date, 'now').mockReturnValue(answer.expiresAt! + 1);
    expect(await answers.get(key)).toBeUndefined();
  });

  it('does not let compressed forms made for one hit reach the shared store', async () => {
    const { processes: [writer, reader] } = sharedStoreCaches(2);
    const key = await versionedKey(writer.answers);
    writer.answers.store(key, { items: 'x'.repeat(10_000) });
    const local = (await writer.answers.get(key))!;
    writer.answers.body(local, 'gzip');
    expect(local.encoded?.gzip).toBeInstanceOf(Buffer);
    await sleep(5);
    expect((await reader.answers.get(key))?.encoded).toBeUndefined();
  });
});

describe('HttpAnswerCache.body', () => {
  const { processes: [{ answers }] } = sharedStoreCaches(1);

  it('sends a small answer as its JSON string, with its length in bytes', () => {
    const answer = answers.store({ id: 'k-small', copyable: true }, { name: 'Zoë' });
    const sent = answers.body(answer, undefined);
    expect(sent.body).toBe('{"name":"Zoë"}');
    expect(sent.bytes).toBe(Buffer.byteLength('{"name":"Zoë"}'));
  });

  it('sends a large answer as the same bytes, made once', () => {
    const answer = answers.store({ id: 'k-large', copyable: true }, { items: Array.from({ length: 200 }, (_, i) => ({ id: i, note: 'é'.repeat(10) })) });
    const first = answers.body(answer, undefined);
    expect(Buffer.isBuffer(first.body)).toBe(true);
    expect(first.body.toString()).toBe(answer.json);
    expect(first.bytes).toBe(Buffer.byteLength(answer.json));
    expect(answers.body(answer, undefined).body).toBe(first.body);
  });
});
