// Alert fields stored column-wise in typed arrays, addressed by a numeric slot interned from the id.

import type { AlertCondition } from './types';

/** Condition codes, also the index into the per-condition tables of the trigger index. */
export const ConditionCode: Readonly<Record<AlertCondition, number>> = {
  above: 0,
  below: 1,
  crosses_up: 2,
  crosses_down: 3,
  crosses: 4,
  pct_up: 5,
  pct_down: 6,
};

const INITIAL_CAPACITY = 1024;

/**
 * One object per alert would cost ~150 bytes before the id string; columns cost 34 bytes a slot.
 * Slots are recycled through a free list, so arrays only grow to the peak population.
 */
export class AlertSlots {
  /** Price threshold, or percent for pct alerts. */
  threshold = new Float64Array(INITIAL_CAPACITY);
  cooldownMs = new Float64Array(INITIAL_CAPACITY);
  /** NaN when never fired, so `atMs - last < cooldown` is false without a branch. */
  lastFiredAtMs = new Float64Array(INITIAL_CAPACITY);
  symbol = new Int32Array(INITIAL_CAPACITY);
  windowSec = new Int32Array(INITIAL_CAPACITY);
  condition = new Uint8Array(INITIAL_CAPACITY);
  /** Bit set owned by the trigger index (frequency, armed legs, pending placement). */
  flags = new Uint8Array(INITIAL_CAPACITY);

  private readonly slotById = new Map<string, number>();
  private ids: (string | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private highWater = 0;
  private flattenProbe = 0;

  get size(): number {
    return this.slotById.size;
  }

  slotOf(id: string): number | undefined {
    return this.slotById.get(id);
  }

  idOf(slot: number): string {
    return this.ids[slot] as string;
  }

  /** Reserves a slot for a new id (the caller has checked it is not present). */
  allocate(id: string): number {
    // V8 keeps a string built by concatenation as a rope: ~350 bytes for a uuid instead of ~56. Reading
    // a character flattens it in place; kept in a field so the read is not optimised away.
    this.flattenProbe = id.charCodeAt(0);
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.highWater++;
      if (slot === this.threshold.length) this.grow(slot * 2);
      this.ids.push(id);
    } else {
      this.ids[slot] = id;
    }
    this.slotById.set(id, slot);
    return slot;
  }

  release(slot: number): void {
    this.slotById.delete(this.ids[slot] as string);
    this.ids[slot] = undefined;
    this.flags[slot] = 0;
    this.freeSlots.push(slot);
  }

  /** Bytes of the typed columns (capacity), for memory reports. */
  get columnBytes(): number {
    return this.threshold.length * 34;
  }

  private grow(capacity: number): void {
    this.threshold = copyInto(new Float64Array(capacity), this.threshold);
    this.cooldownMs = copyInto(new Float64Array(capacity), this.cooldownMs);
    this.lastFiredAtMs = copyInto(new Float64Array(capacity), this.lastFiredAtMs);
    this.symbol = copyInto(new Int32Array(capacity), this.symbol);
    this.windowSec = copyInto(new Int32Array(capacity), this.windowSec);
    this.condition = copyInto(new Uint8Array(capacity), this.condition);
    this.flags = copyInto(new Uint8Array(capacity), this.flags);
  }
}

function copyInto<T extends Float64Array | Int32Array | Uint8Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
