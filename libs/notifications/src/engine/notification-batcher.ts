// Groups user notifications per user × category the way Alertmanager groups alerts: the first item opens
// a window, and the group flushes once when the window closes or the group is full.
import type { NotificationPriority } from '@tradepulse/platform';

export type { NotificationPriority };

export interface BatchItem {
  readonly userId: string;
  readonly category: string;
  readonly priority: NotificationPriority;
}

export interface BatcherOptions {
  /** How long a group waits after its first item before it flushes, in milliseconds. */
  batchWindowMs: number;
  /** Most items one flush carries; a group that reaches it flushes at once. */
  batchSize: number;
}

/** The clock the batcher schedules with; `now` defaults to `Date.now`. */
export interface BatcherTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now?(): number;
}

export type FlushListener<T> = (userId: string, items: T[]) => void;
export type FlushErrorListener<T> = (error: unknown, userId: string, items: readonly T[]) => void;

// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days), which would turn a long digest
// window into no window at all.
const MAX_WINDOW_MS = 2 ** 31 - 1;

// Resolved on each call rather than captured, so timers faked after construction still apply.
const systemTimers: BatcherTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface OpenGroup<T> {
  readonly userId: string;
  readonly items: T[];
  /** Window of items that bring no override: the batchWindowMs in force when the group opened. */
  readonly windowMs: number;
  batchSize: number;
  /** Earliest arrival + window over the group's items, so no item waits longer than its own window. */
  deadline: number;
  timer: unknown;
}

export class NotificationBatcher<T extends BatchItem> {
  private readonly groups = new Map<string, OpenGroup<T>>();
  private options: BatcherOptions;
  private pending = 0;

  constructor(
    options: BatcherOptions,
    private readonly onFlush: FlushListener<T>,
    private readonly timers: BatcherTimers = systemTimers,
    private readonly onError: FlushErrorListener<T> = reportLostBatch,
  ) {
    this.options = checkedOptions(options);
  }

  get openGroups(): number {
    return this.groups.size;
  }

  get pendingItems(): number {
    return this.pending;
  }

  /** `windowMs` overrides the window for this item, e.g. a user's digest preference. */
  add(item: T, windowMs?: number): void {
    if (item.priority === 'critical') {
      this.deliver(item.userId, [item]);
      return;
    }
    if (windowMs !== undefined) checkWindow(windowMs);
    const key = groupKey(item);
    const group = this.groups.get(key) ?? this.open(key, item.userId);
    group.items.push(item);
    this.pending++;
    if (group.items.length >= group.batchSize) {
      this.close(key, group);
      return;
    }
    const deadline = this.now() + (windowMs ?? group.windowMs);
    if (deadline < group.deadline) this.schedule(key, group, deadline);
  }

  /**
   * Switches profile. The window applies to groups opened from now on; a smaller batchSize also caps the
   * open groups, so those already holding that many flush at once, in batches of the new size.
   */
  setOptions(options: BatcherOptions): void {
    this.options = checkedOptions(options);
    for (const [key, group] of this.groups) {
      group.batchSize = Math.min(group.batchSize, this.options.batchSize);
      if (group.items.length >= group.batchSize) this.close(key, group);
    }
  }

  /** Flushes every open group now, e.g. on shutdown. */
  flushAll(): void {
    for (const [key, group] of [...this.groups]) this.close(key, group);
  }

  private open(key: string, userId: string): OpenGroup<T> {
    const group: OpenGroup<T> = {
      userId,
      items: [],
      windowMs: this.options.batchWindowMs,
      batchSize: this.options.batchSize,
      deadline: Infinity,
      timer: undefined,
    };
    this.groups.set(key, group);
    return group;
  }

  private schedule(key: string, group: OpenGroup<T>, deadline: number): void {
    if (group.timer !== undefined) this.timers.clearTimeout(group.timer);
    group.deadline = deadline;
    group.timer = this.timers.setTimeout(() => this.close(key, group), deadline - this.now());
  }

  private close(key: string, group: OpenGroup<T>): void {
    // onFlush may add items re-entrantly and close this group first; a group flushes once.
    if (this.groups.get(key) !== group) return;
    if (group.timer !== undefined) this.timers.clearTimeout(group.timer);
    this.groups.delete(key);
    this.pending -= group.items.length;
    // Only a batchSize shrunk by setOptions leaves a group holding more than one batch.
    for (let start = 0; start < group.items.length; start += group.batchSize) {
      this.deliver(group.userId, group.items.slice(start, start + group.batchSize));
    }
  }

  private deliver(userId: string, items: T[]): void {
    try {
      this.onFlush(userId, items);
    } catch (error) {
      this.onError(error, userId, items);
    }
  }

  private now(): number {
    return this.timers.now ? this.timers.now() : Date.now();
  }
}

// JSON keeps the key unambiguous whatever characters ids and categories contain.
function groupKey(item: BatchItem): string {
  return JSON.stringify([item.userId, item.category]);
}

function checkedOptions({ batchWindowMs, batchSize }: BatcherOptions): BatcherOptions {
  checkWindow(batchWindowMs);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  return { batchWindowMs, batchSize };
}

function checkWindow(windowMs: number): void {
  if (!Number.isFinite(windowMs) || windowMs < 0 || windowMs > MAX_WINDOW_MS) {
    throw new RangeError(`a batch window must be between 0 and ${MAX_WINDOW_MS} ms, got ${windowMs}`);
  }
}

function reportLostBatch(error: unknown, userId: string, items: readonly BatchItem[]): void {
  console.error(`NotificationBatcher: onFlush failed; ${items.length} notification(s) for user ${userId} were not delivered`, error);
}
