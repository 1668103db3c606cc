// Sliding-window minimum and maximum of a symbol's recent prices, for percent-move alerts.

const MIN_CAPACITY = 16;

/**
 * Ring buffer of (atMs, price) kept monotonic: each push drops the back entries it dominates, so the
 * front is always the window's extreme. Every price is pushed and dropped at most once: O(1) amortised.
 */
class MonotonicDeque {
  private times = new Float64Array(MIN_CAPACITY);
  private prices = new Float64Array(MIN_CAPACITY);
  private head = 0;
  private length = 0;

  // keepsMin: the deque holds ascending prices (front = min); otherwise descending (front = max).
  constructor(private readonly keepsMin: boolean) {}

  front(): number {
    return this.length === 0 ? Number.NaN : this.prices[this.head];
  }

  expireBefore(horizonMs: number): void {
    const mask = this.times.length - 1;
    while (this.length > 0 && this.times[this.head] < horizonMs) {
      this.head = (this.head + 1) & mask;
      this.length--;
    }
  }

  push(atMs: number, price: number): void {
    let mask = this.times.length - 1;
    while (this.length > 0) {
      const back = this.prices[(this.head + this.length - 1) & mask];
      if (this.keepsMin ? back < price : back > price) break;
      this.length--;
    }
    if (this.length === this.times.length) {
      this.grow();
      mask = this.times.length - 1;
    }
    const at = (this.head + this.length) & mask;
    this.times[at] = atMs;
    this.prices[at] = price;
    this.length++;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const prices = new Float64Array(capacity);
    const mask = this.times.length - 1;
    for (let i = 0; i < this.length; i++) {
      times[i] = this.times[(this.head + i) & mask];
      prices[i] = this.prices[(this.head + i) & mask];
    }
    this.times = times;
    this.prices = prices;
    this.head = 0;
  }
}

/**
 * Min and max of the prices pushed in the last `spanMs` (inclusive: a price exactly `spanMs` old
 * still counts). Times must not go backwards; the caller clamps late ticks to its clock.
 */
export class PriceWindow {
  private readonly lows = new MonotonicDeque(true);
  private readonly highs = new MonotonicDeque(false);

  constructor(readonly spanMs: number) {}

  /** Forgets prices older than `spanMs` before `nowMs`. */
  advanceTo(nowMs: number): void {
    const horizon = nowMs - this.spanMs;
    this.lows.expireBefore(horizon);
    this.highs.expireBefore(horizon);
  }

  /** Lowest price in the window; NaN when empty. */
  min(): number {
    return this.lows.front();
  }

  /** Highest price in the window; NaN when empty. */
  max(): number {
    return this.highs.front();
  }

  push(atMs: number, price: number): void {
    this.lows.push(atMs, price);
    this.highs.push(atMs, price);
  }
}
