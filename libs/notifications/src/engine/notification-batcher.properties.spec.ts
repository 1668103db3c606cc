import fc from 'fast-check';
import { BatcherOptions, NotificationBatcher, NotificationPriority } from './notification-batcher';

interface Note {
  id: number;
  userId: string;
  category: string;
  priority: NotificationPriority;
}

/** What the test knows about an item when it was added. */
interface Sent {
  note: Note;
  at: number;
  windowOverrideMs: number | undefined;
  /** Index into the options log of the options in force when the item was added. */
  optionsIndex: number;
}

interface Flush {
  userId: string;
  items: Note[];
  at: number;
  optionsIndex: number;
}

type Step =
  | { kind: 'add'; gapMs: number; userId: string; category: string; priority: NotificationPriority; windowMs?: number }
  | { kind: 'setOptions'; options: BatcherOptions };

const optionsArb = fc.record({
  batchWindowMs: fc.integer({ min: 0, max: 1000 }),
  batchSize: fc.integer({ min: 1, max: 6 }),
});

const addArb = fc.record({
  kind: fc.constant('add' as const),
  // Zero gaps matter: bursts at one instant are where size and window limits meet.
  gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1500 })),
  userId: fc.constantFrom('u1', 'u2'),
  category: fc.constantFrom('price', 'news'),
  priority: fc.constantFrom<NotificationPriority>('critical', 'high', 'normal', 'low'),
  windowMs: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
});

const MAX_WINDOW_MS = 3000;

/** Plays the steps on jest's fake clock, then lets every window close. */
function play(initial: BatcherOptions, steps: Step[]) {
  jest.clearAllTimers();
  const optionsLog = [initial];
  const sent: Sent[] = [];
  const flushes: Flush[] = [];
  const batcher = new NotificationBatcher<Note>(initial, (userId, items) => {
    flushes.push({ userId, items: [...items], at: Date.now(), optionsIndex: optionsLog.length - 1 });
  });
  for (const step of steps) {
    if (step.kind === 'setOptions') {
      optionsLog.push(step.options);
      batcher.setOptions(step.options);
      continue;
    }
    jest.advanceTimersByTime(step.gapMs);
    const note: Note = { id: sent.length, userId: step.userId, category: step.category, priority: step.priority };
    sent.push({ note, at: Date.now(), windowOverrideMs: step.windowMs, optionsIndex: optionsLog.length - 1 });
    batcher.add(note, step.windowMs);
  }
  jest.advanceTimersByTime(MAX_WINDOW_MS);
  return { batcher, sent, flushes, optionsLog };
}

function checkInvariants({ batcher, sent, flushes, optionsLog }: ReturnType<typeof play>): void {
  const flushed = flushes.flatMap((flush) => flush.items.map((item) => item.id));
  expect([...flushed].sort((a, b) => a - b)).toEqual(sent.map((entry) => entry.note.id));
  expect(batcher.pendingItems).toBe(0);
  expect(batcher.openGroups).toBe(0);

  const lastIdPerKey = new Map<string, number>();
  for (const flush of flushes) {
    const [first] = flush.items;
    const opener = sent[first.id];
    if (first.priority === 'critical') {
      expect(flush.items).toHaveLength(1);
      expect(flush.at).toBe(opener.at);
      continue;
    }
    // A group is capped by the size in force when it opened and by every smaller size set while it was open.
    const sizesWhileOpen = optionsLog.slice(opener.optionsIndex, flush.optionsIndex + 1).map((o) => o.batchSize);
    expect(flush.items.length).toBeLessThanOrEqual(Math.min(...sizesWhileOpen));
    const groupWindowMs = optionsLog[opener.optionsIndex].batchWindowMs;
    for (const item of flush.items) {
      expect(item.userId).toBe(flush.userId);
      expect(item.category).toBe(first.category);
      expect(item.priority).not.toBe('critical');
      const entry = sent[item.id];
      expect(flush.at - entry.at).toBeLessThanOrEqual(entry.windowOverrideMs ?? groupWindowMs);
      const key = `${item.userId}/${item.category}`;
      expect(item.id).toBeGreaterThan(lastIdPerKey.get(key) ?? -1);
      lastIdPerKey.set(key, item.id);
    }
  }
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('NotificationBatcher properties', () => {
  it('flushes every item exactly once, in order per key, within its window and batchSize, for any add sequence', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(addArb, { maxLength: 60 }), (options, steps) => {
        const run = play(options, steps);
        checkInvariants(run);
        // Without profile switches, a batch short of batchSize means its earliest window closed, and not before.
        for (const flush of run.flushes) {
          if (flush.items[0].priority === 'critical' || flush.items.length === options.batchSize) continue;
          const deadlines = flush.items.map((item) => {
            const entry = run.sent[item.id];
            return entry.at + (entry.windowOverrideMs ?? options.batchWindowMs);
          });
          expect(flush.at).toBe(Math.min(...deadlines));
        }
      }),
    );
  });

  it('keeps those guarantees when the profile switches mid-stream', () => {
    const stepArb = fc.oneof(
      { arbitrary: addArb, weight: 8 },
      { arbitrary: fc.record({ kind: fc.constant('setOptions' as const), options: optionsArb }), weight: 1 },
    );
    fc.assert(
      fc.property(optionsArb, fc.array(stepArb, { maxLength: 60 }), (options, steps) => {
        checkInvariants(play(options, steps));
      }),
    );
  });

  it('leaves nothing pending after flushAll, whatever was open', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(addArb, { maxLength: 40 }), (options, steps) => {
        jest.clearAllTimers();
        let flushedCount = 0;
        const batcher = new NotificationBatcher<Note>(options, (_userId, items) => {
          flushedCount += items.length;
        });
        steps.forEach((step, id) => {
          jest.advanceTimersByTime(step.gapMs);
          batcher.add({ id, userId: step.userId, category: step.category, priority: step.priority }, step.windowMs);
        });
        batcher.flushAll();
        expect(flushedCount).toBe(steps.length);
        expect(batcher.pendingItems).toBe(0);
        expect(jest.getTimerCount()).toBe(0);
      }),
    );
  });
});
