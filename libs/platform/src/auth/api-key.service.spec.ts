import { ProfileService } from '@tradepulse/config';
import { generateApiKey, hashSecret } from '../users/api-key-codec';
import { ApiKeyService } from './api-key.service';
import { EventBus } from '../events/event-bus';
import { ApiKeysRepository } from './api-keys.repository';

/** Stored keys whose lookups resolve only when the test says so. */
function fakeRepository() {
  const lookups: Array<() => void> = [];
  const key = generateApiKey();
  const row = { secretHash: hashSecret(key.secret), userId: 'user-1', username: 'ann', role: 'user' };
  const apiKeys = { findActive: jest.fn(() => new Promise((resolve) => lookups.push(() => resolve(row)))), revokeOwned: jest.fn(async () => true) };
  const service = () => new ApiKeyService(profiles, apiKeys as unknown as ApiKeysRepository, new EventBus());
  return { service, apiKeys, key, answerLookups: () => lookups.splice(0).forEach((answer) => answer()) };
}

const profiles = new ProfileService('balanced', []);

/** Verifies the key once (answering its lookup), so that the service remembers it. */
async function verifiedOnce(keys: ApiKeyService, apiKey: string, answerLookups: () => void): Promise<void> {
  const first = keys.verify(apiKey);
  answerLookups();
  await first;
}

describe('ApiKeyService', () => {
  it('verifies a burst of requests for one expired key with a single database lookup', async () => {
    const { service, apiKeys, key, answerLookups } = fakeRepository();
    const keys = service();
    const burst = Array.from({ length: 20 }, () => keys.verify(key.apiKey));
    answerLookups();
    const users = await Promise.all(burst);
    expect(apiKeys.findActive).toHaveBeenCalledTimes(1);
    expect(users.every((user) => user?.id === 'user-1' && user.keyId === key.keyId)).toBe(true);
    expect(keys.verifyFromMemory(key.apiKey)?.id).toBe('user-1');
  });

  it('does not let a lookup that started before a revocation authenticate, nor put the key back in memory', async () => {
    const { service, key, answerLookups } = fakeRepository();
    const keys = service();
    const before = keys.verify(key.apiKey);
    await keys.revoke('user-1', key.keyId);
    answerLookups();
    expect(await before).toBeUndefined();
    expect(keys.verifyFromMemory(key.apiKey)).toBeUndefined();
  });

  it('refuses a wrong secret for a key it has verified', async () => {
    const { service, key, answerLookups } = fakeRepository();
    const keys = service();
    const first = keys.verify(key.apiKey);
    answerLookups();
    await first;
    const forged = `tp_${key.keyId}_${'A'.repeat(43)}`;
    expect(keys.verifyFromMemory(forged)).toBeUndefined();
    expect(await keys.verify(forged)).toBeUndefined();
  });

  it('remembers the key a connection proved, and forgets it on revocation or another key', async () => {
    const { service, key, answerLookups } = fakeRepository();
    const keys = service();
    await verifiedOnce(keys, key.apiKey, answerLookups);
    const connection = {};
    expect(keys.verifyFromMemory(key.apiKey, connection)?.keyId).toBe(key.keyId);
    expect(keys.verifyFromMemory(key.apiKey, connection)?.keyId).toBe(key.keyId);
    expect(keys.verifyFromMemory(`tp_${key.keyId}_${'A'.repeat(43)}`, connection)).toBeUndefined();
    expect(keys.verifyFromMemory(key.apiKey, connection)?.keyId).toBe(key.keyId);
    await keys.revoke('user-1', key.keyId);
    expect(keys.verifyFromMemory(key.apiKey, connection)).toBeUndefined();
  });

  it('forgets a key another process revoked, connection included: its next use is asked of the database', async () => {
    const { service, apiKeys, key, answerLookups } = fakeRepository();
    const keys = service();
    await verifiedOnce(keys, key.apiKey, answerLookups);
    const connection = {};
    expect(keys.verifyFromMemory(key.apiKey, connection)?.keyId).toBe(key.keyId);

    keys.revokedElsewhere(key.keyId);

    expect(keys.verifyFromMemory(key.apiKey, connection)).toBeUndefined();
    apiKeys.findActive.mockImplementationOnce(async () => undefined);
    expect(await keys.verify(key.apiKey, connection)).toBeUndefined();
    expect(apiKeys.findActive).toHaveBeenCalledTimes(2);
  });
});
