import type { EntityManager } from '@mikro-orm/postgresql';
import { ProfileService } from '@tradepulse/config';
import { AlertCreationWriter, CreationOutcome, NewAlert } from './alert-creation.writer';

type WithRows = { insertRows(alerts: NewAlert[]): Promise<CreationOutcome[]> };

const alert = (note: string) => ({ id: note, userId: 'u1', symbol: 'BTC/USDT', condition: 'above', price: 1, note }) as unknown as NewAlert;

describe('AlertCreationWriter', () => {
  it('fails only the create the database refuses, not the others of its batch', async () => {
    const writer = new AlertCreationWriter({} as EntityManager, new ProfileService('balanced', []));
    const batches: string[][] = [];
    jest.spyOn(writer as unknown as WithRows, 'insertRows').mockImplementation(async (alerts) => {
      batches.push(alerts.map((a) => a.note!));
      if (alerts.some((a) => a.note === 'refused')) throw new Error('numeric field overflow');
      return alerts.map(() => ({ created: true as const }));
    });
    const results = await Promise.allSettled(['first', 'refused', 'third'].map((note) => writer.create(alert(note))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('numeric field overflow');
    // one statement for the batch, then each create alone once it failed
    expect(batches).toEqual([['first', 'refused', 'third'], ['first'], ['refused'], ['third']]);
  });
});
