import type { StoredNotification } from '../notification';
import { groupByBatch } from './delivery-recovery';

const notification = (id: string, userId: string): StoredNotification => ({
  id,
  userId,
  category: 'alert',
  priority: 'high',
  title: `n${id}`,
  body: '',
  data: {},
  createdAt: new Date(0),
  occurredAt: new Date(0),
  readAt: null,
});

describe('groupByBatch', () => {
  it('gives back stale claims as the batches they were claimed in, per channel, in order', () => {
    const stale = [
      { channel: 'webhook', dedupeKey: 'a', notification: notification('1', 'ann') },
      { channel: 'webhook', dedupeKey: 'b', notification: notification('2', 'ann') },
      { channel: 'telegram', dedupeKey: 'a', notification: notification('1', 'ann') },
      { channel: 'webhook', dedupeKey: 'a', notification: notification('3', 'ann') },
      { channel: 'webhook', dedupeKey: 'c', notification: notification('4', 'bob') },
    ];
    expect(groupByBatch(stale).map(({ channel, userId, dedupeKey, items }) => [channel, userId, dedupeKey, items.map((item) => item.id)])).toEqual([
      ['webhook', 'ann', 'a', ['1', '3']],
      ['webhook', 'ann', 'b', ['2']],
      ['telegram', 'ann', 'a', ['1']],
      ['webhook', 'bob', 'c', ['4']],
    ]);
  });
});
