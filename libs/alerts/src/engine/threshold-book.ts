// Sorted (threshold, handle) pairs per symbol, so a price move finds what it reached without a scan.
// Shared by the alert trigger index and (later) the order engine's pending limit/stop orders.

/**
 * Which way the price must move to reach an entry.
 * `rising`: entries above the price (take-profit, buy-stop, `above` alerts); the lowest is reached first.
 * `falling`: entries below the price (buy-limit, stop-loss, `below` alerts); the highest is reached first.
 */
export type BookSide = 'rising' | 'falling';

const MIN_CAPACITY = 8;
const EMPTY_KEYS = new Float64Array(0);
const EMPTY_HANDLES = new Int32Array(0);

/**
 * One side of a book. Invariant: `keys` ascend, ties ordered by handle, so the entry the price reaches
 * next is always the LAST one. Keys are stored as `sign * threshold` (sign -1 on the rising side) so
 * both sides share one ordering. Reaching entries pops them off the end in O(k); the entries that move
 * on a tick are the ones nearest the price, i.e. near the end, so inserting them shifts few elements.
 * Insert/remove elsewhere is a binary search plus a memmove of this side's tail (O(n) of one symbol).
 */
export class ThresholdSide {
  private keys: Float64Array = EMPTY_KEYS;
  private handles: Int32Array = EMPTY_HANDLES;
  private count = 0;
  private readonly sign: number;

  constructor(readonly side: BookSide) {
    this.sign = side === 'rising' ? -1 : 1;
  }

  get size(): number {
    return this.count;
  }

  /** Threshold of the entry the price reaches next; NaN when empty (every comparison with it is false). */
  peekThreshold(): number {
    return this.count === 0 ? Number.NaN : this.sign * this.keys[this.count - 1];
  }

  /** Removes the entry the price reaches next and returns its handle; -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const handle = this.handles[--this.count];
    this.shrinkIfSparse();
    return handle;
  }

  insert(threshold: number, handle: number): void {
    if (Number.isNaN(threshold)) throw new RangeError('threshold must be a number');
    const key = this.sign * threshold;
    const at = this.lowerBound(key, handle);
    if (this.count === this.keys.length) this.resize(Math.max(MIN_CAPACITY, this.count * 2));
    if (at < this.count) {
      this.keys.copyWithin(at + 1, at, this.count);
      this.handles.copyWithin(at + 1, at, this.count);
    }
    this.keys[at] = key;
    this.handles[at] = handle;
    this.count++;
  }

  /** Removes the pair; the threshold must be the one it was inserted with. */
  remove(threshold: number, handle: number): boolean {
    const key = this.sign * threshold;
    const at = this.lowerBound(key, handle);
    if (at === this.count || this.keys[at] !== key || this.handles[at] !== handle) return false;
    this.keys.copyWithin(at, at + 1, this.count);
    this.handles.copyWithin(at, at + 1, this.count);
    this.count--;
    this.shrinkIfSparse();
    return true;
  }

  /**
   * Pops every entry the price has reached (threshold <= price on the rising side, >= on the falling
   * side; strictly past it when `strict`), appending handles to `out`. Returns how many were taken.
   */
  takeReached(price: number, strict: boolean, out: number[]): number {
    const target = this.sign * price;
    const start = this.count;
    let n = start;
    if (strict) while (n > 0 && this.keys[n - 1] > target) out.push(this.handles[--n]);
    else while (n > 0 && this.keys[n - 1] >= target) out.push(this.handles[--n]);
    this.count = n;
    this.shrinkIfSparse();
    return start - n;
  }

  /** Bytes held by this side's arrays (capacity, not just size). */
  get byteLength(): number {
    return this.keys.byteLength + this.handles.byteLength;
  }

  /** First index whose (key, handle) is >= the given pair. */
  private lowerBound(key: number, handle: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid];
      if (k < key || (k === key && this.handles[mid] < handle)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Give memory back after mass removal; a quarter threshold keeps grow/shrink amortised O(1).
  private shrinkIfSparse(): void {
    const capacity = this.keys.length;
    if (capacity > MIN_CAPACITY && this.count < capacity >>> 2) this.resize(capacity >>> 1);
  }

  private resize(capacity: number): void {
    const keys = new Float64Array(capacity);
    const handles = new Int32Array(capacity);
    keys.set(this.keys.subarray(0, this.count));
    handles.set(this.handles.subarray(0, this.count));
    this.keys = keys;
    this.handles = handles;
  }
}

/** Both sides of one symbol's book. */
export class ThresholdBook {
  readonly rising = new ThresholdSide('rising');
  readonly falling = new ThresholdSide('falling');

  get size(): number {
    return this.rising.size + this.falling.size;
  }

  side(side: BookSide): ThresholdSide {
    return side === 'rising' ? this.rising : this.falling;
  }
}
