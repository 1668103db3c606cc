import { BatcherTimers, NotificationBatcher, NotificationPriority } from './notification-batcher';

interface Note {
  id: number;
  userId: string;
  category: string;
  priority: NotificationPriority;
}

let nextId = 0;
function note(userId: string, category: string, priority: NotificationPriority = 'normal'): Note {
  return { id: nextId++, userId, category, priority };
}

function recordingBatcher(options = { batchWindowMs: 1000, batchSize: 10 }) {
  const flushes: { userId: string; ids: number[] }[] = [];
  const batcher = new NotificationBatcher<Note>(options, (userId, items) => {
    flushes.push({ userId, ids: items.map((item) => item.id) });
  });
  return { batcher, flushes };
}

beforeEach(() => {
  jest.useFakeTimers();
  nextId = 0;
});

afterEach(() => {
  jest.useRealTimers();
});

describe('NotificationBatcher', () => {
  it('flushes three items of one user and category once, in arrival order, when the window closes', () => {
    const { batcher, flushes } = recordingBatcher();
    batcher.add(note('u1', 'price'));
    jest.advanceTimersByTime(300);
    batcher.add(note('u1', 'price'));
    batcher.add(note('u1', 'price'));

    jest.advanceTimersByTime(699);
    expect(flushes).toEqual([]);
    expect(batcher.pendingItems).toBe(3);

    jest.advanceTimersByTime(1);
    expect(flushes).toEqual([{ userId: 'u1', ids: [0, 1, 2] }]);
    expect(batcher.openGroups).toBe(0);
    expect(batcher.pendingItems).toBe(0);
  });

  it('flushes items of two categories as two batches', () => {
    const { batcher, flushes } = recordingBatcher();
    batcher.add(note('u1', 'price'));
    batcher.add(note('u1', 'news'));
    batcher.add(note('u1', 'price'));
    expect(batcher.openGroups).toBe(2);

    jest.advanceTimersByTime(1000);
    expect(flushes).toEqual([
      { userId: 'u1', ids: [0, 2] },
      { userId: 'u1', ids: [1] },
    ]);
  });

  it('keeps the groups of different users apart', () => {
    const { batcher, flushes } = recordingBatcher();
    batcher.add(note('u1', 'price'));
    batcher.add(note('u2', 'price'));

    jest.advanceTimersByTime(1000);
    expect(flushes).toEqual([
      { userId: 'u1', ids: [0] },
      { userId: 'u2', ids: [1] },
    ]);
  });

  it('flushes a group as soon as it reaches batchSize, and the next item opens a new group', () => {
    const { batcher, flushes } = recordingBatcher({ batchWindowMs: 1000, batchSize: 3 });
    for (let i = 0; i < 4; i++) batcher.add(note('u1', 'price'));

    expect(flushes).toEqual([{ userId: 'u1', ids: [0, 1, 2] }]);
    expect(batcher.pendingItems).toBe(1);

    jest.advanceTimersByTime(1000);
    expect(flushes[1]).toEqual({ userId: 'u1', ids: [3] });
  });

  it('sends a critical item alone at once without disturbing the open group', () => {
    const { batcher, flushes } = recordingBatcher();
    batcher.add(note('u1', 'price'));
    batcher.add(note('u1', 'price', 'critical'));
    batcher.add(note('u1', 'price'));

    expect(flushes).toEqual([{ userId: 'u1', ids: [1] }]);
    expect(batcher.pendingItems).toBe(2);

    jest.advanceTimersByTime(1000);
    expect(flushes[1]).toEqual({ userId: 'u1', ids: [0, 2] });
  });

  it('batches a burst of 25 as one batch once batchSize is raised from 10 to 25', () => {
    const { batcher, flushes } = recordingBatcher({ batchWindowMs: 1000, batchSize: 10 });
    const burst = () => {
      for (let i = 0; i < 25; i++) batcher.add(note('u1', 'price'));
      jest.advanceTimersByTime(1000);
    };

    burst();
    expect(flushes.map((flush) => flush.ids.length)).toEqual([10, 10, 5]);

    flushes.length = 0;
    batcher.setOptions({ batchWindowMs: 1000, batchSize: 25 });
    burst();
    expect(flushes.map((flush) => flush.ids.length)).toEqual([25]);
  });

  it('flushes an open group at once, in batches of the new size, when a smaller batchSize it meets is set', () => {
    const { batcher, flushes } = recordingBatcher({ batchWindowMs: 1000, batchSize: 10 });
    for (let i = 0; i < 4; i++) batcher.add(note('u1', 'price'));
    batcher.add(note('u1', 'news'));

    batcher.setOptions({ batchWindowMs: 1000, batchSize: 3 });
    expect(flushes).toEqual([
      { userId: 'u1', ids: [0, 1, 2] },
      { userId: 'u1', ids: [3] },
    ]);
    expect(batcher.openGroups).toBe(1);
  });

  it('caps an open group at a smaller batchSize it has not reached yet', () => {
    const { batcher, flushes } = recordingBatcher({ batchWindowMs: 1000, batchSize: 10 });
    batcher.add(note('u1', 'price'));
    batcher.setOptions({ batchWindowMs: 1000, batchSize: 2 });
    expect(flushes).toEqual([]);

    batcher.add(note('u1', 'price'));
    expect(flushes).toEqual([{ userId: 'u1', ids: [0, 1] }]);
  });

  it('keeps the window of a group opened before the window changes', () => {
    const { batcher, flushes } = recordingBatcher({ batchWindowMs: 1000, batchSize: 10 });
    batcher.add(note('u1', 'price'));
    batcher.setOptions({ batchWindowMs: 5000, batchSize: 10 });
    batcher.add(note('u1', 'news'));

    jest.advanceTimersByTime(1000);
    expect(flushes).toEqual([{ userId: 'u1', ids: [0] }]);
    jest.advanceTimersByTime(4000);
    expect(flushes[1]).toEqual({ userId: 'u1', ids: [1] });
  });

  it('waits the wider per-add window of a digest user', () => {
    const { batcher, flushes } = recordingBatcher({ batchWindowMs: 1000, batchSize: 10 });
    batcher.add(note('u1', 'price'), 60_000);
    jest.advanceTimersByTime(30_000);
    batcher.add(note('u1', 'price'), 60_000);

    jest.advanceTimersByTime(29_999);
    expect(flushes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(flushes).toEqual([{ userId: 'u1', ids: [0, 1] }]);
  });

  it('closes a digest group early when an item with a shorter window joins it', () => {
    const { batcher, flushes } = recordingBatcher({ batchWindowMs: 1000, batchSize: 10 });
    batcher.add(note('u1', 'price'), 60_000);
    jest.advanceTimersByTime(10_000);
    batcher.add(note('u1', 'price'));

    jest.advanceTimersByTime(1000);
    expect(flushes).toEqual([{ userId: 'u1', ids: [0, 1] }]);
  });

  it('flushAll flushes every open group now and leaves no timer behind', () => {
    const { batcher, flushes } = recordingBatcher();
    batcher.add(note('u1', 'price'));
    batcher.add(note('u2', 'price'));
    batcher.add(note('u1', 'news'));

    batcher.flushAll();
    expect(flushes).toHaveLength(3);
    expect(batcher.openGroups).toBe(0);
    expect(batcher.pendingItems).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports a throwing onFlush to onError and keeps batching', () => {
    const errors: { error: unknown; userId: string; count: number }[] = [];
    const delivered: number[][] = [];
    const failure = new Error('telegram down');
    const batcher = new NotificationBatcher<Note>(
      { batchWindowMs: 1000, batchSize: 2 },
      (_userId, items) => {
        if (items.some((item) => item.category === 'broken')) throw failure;
        delivered.push(items.map((item) => item.id));
      },
      undefined,
      (error, userId, items) => errors.push({ error, userId, count: items.length }),
    );

    batcher.add(note('u1', 'broken'));
    batcher.add(note('u1', 'broken'));
    batcher.add(note('u1', 'price'));
    batcher.add(note('u1', 'broken', 'critical'));
    jest.advanceTimersByTime(1000);

    expect(errors).toEqual([
      { error: failure, userId: 'u1', count: 2 },
      { error: failure, userId: 'u1', count: 1 },
    ]);
    expect(delivered).toEqual([[2]]);
    expect(batcher.pendingItems).toBe(0);
  });

  it('schedules on injected timers and reads their clock', () => {
    let now = 0;
    const scheduled = new Map<number, { at: number; callback: () => void }>();
    let nextHandle = 0;
    const timers: BatcherTimers = {
      setTimeout: (callback, ms) => {
        scheduled.set(++nextHandle, { at: now + ms, callback });
        return nextHandle;
      },
      clearTimeout: (handle) => scheduled.delete(handle as number),
      now: () => now,
    };
    const flushes: number[][] = [];
    const batcher = new NotificationBatcher<Note>(
      { batchWindowMs: 500, batchSize: 10 },
      (_userId, items) => flushes.push(items.map((item) => item.id)),
      timers,
    );

    batcher.add(note('u1', 'price'));
    expect([...scheduled.values()].map((timer) => timer.at)).toEqual([500]);
    expect(jest.getTimerCount()).toBe(0);

    now = 500;
    scheduled.forEach((timer) => timer.callback());
    expect(flushes).toEqual([[0]]);
    expect(scheduled.size).toBe(0);
  });

  it('rejects options that would make batching meaningless', () => {
    const flush = () => undefined;
    expect(() => new NotificationBatcher({ batchWindowMs: 1000, batchSize: 0 }, flush)).toThrow(RangeError);
    expect(() => new NotificationBatcher({ batchWindowMs: -1, batchSize: 5 }, flush)).toThrow(RangeError);
    expect(() => new NotificationBatcher({ batchWindowMs: 2 ** 31, batchSize: 5 }, flush)).toThrow(RangeError);
  });
});
