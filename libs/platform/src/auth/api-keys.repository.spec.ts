import { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeysRepository } from './api-keys.repository';

/** An entity manager whose raw queries answer the rows of the key ids they were given, recording each query. */
function fakeDatabase(rows: Record<string, { user_id: string; username: string }>, failures = 0) {
  const queries: string[][] = [];
  const raw = (_sql: string, [ids]: [string]) => {
    const asked: string[] = JSON.parse(ids);
    queries.push(asked);
    if (queries.length <= failures) return Promise.reject(new Error('connection terminated'));
    const found = asked.filter((id) => rows[id]).map((id) => ({ id, secret_hash: `hash-${id}`, role: 'user', ...rows[id] }));
    return Promise.resolve({ rows: found });
  };
  const em = { fork: () => em, getConnection: () => ({ getKnex: () => ({ raw }) }), getTransactionContext: () => undefined };
  return { keys: new ApiKeysRepository(em as unknown as EntityManager), queries };
}

describe('ApiKeysRepository', () => {
  it('looks up the keys asked for in one turn with one query, and answers each request its own key', async () => {
    const { keys, queries } = fakeDatabase({ k1: { user_id: 'u1', username: 'ann' }, k2: { user_id: 'u2', username: 'bob' } });
    const found = await Promise.all(['k1', 'missing', 'k2'].map((id) => keys.findActive(id)));
    expect(queries).toEqual([['k1', 'missing', 'k2']]);
    expect(found).toEqual([
      { secretHash: 'hash-k1', userId: 'u1', username: 'ann', role: 'user' },
      undefined,
      { secretHash: 'hash-k2', userId: 'u2', username: 'bob', role: 'user' },
    ]);
  });

  it('fails the lookups of a turn whose query fails, and looks up again on the next', async () => {
    const { keys, queries } = fakeDatabase({ k1: { user_id: 'u1', username: 'ann' } }, 1);
    const failed = await Promise.allSettled(['k1', 'k2'].map((id) => keys.findActive(id)));
    expect(failed.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await keys.findActive('k1')).toMatchObject({ userId: 'u1' });
    expect(queries).toEqual([['k1', 'k2'], ['k1']]);
  });
});
