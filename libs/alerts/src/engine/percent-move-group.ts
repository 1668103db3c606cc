// Percent-move alerts of one (symbol, windowSec): a shared price window plus alerts sorted by percent.

import { PriceWindow } from './price-window';
import { ThresholdSide } from './threshold-book';

/**
 * The move condition is monotone in the percent (IEEE products and sums are monotone), so for one
 * tick the alerts it satisfies are a prefix of the percents in ascending order. Sides hold slots keyed
 * by percent: an "armed" side pops the smallest percent first (like a rising book side, since a
 * growing move reaches small percents first), a "re-arm" side pops the largest first.
 *
 * An alert's window holds the ticks since it was set, never earlier ones: its group's window started empty
 * with it (or had emptied), so one symbol may have several groups of one windowSec, younger ones knowing
 * less history. Once every tick from before a younger group is out of the window, both windows hold the same
 * ticks and the younger group merges into the older.
 */
export class PercentMoveGroup {
  readonly window: PriceWindow;
  readonly upArmed = new ThresholdSide('rising');
  readonly upRearm = new ThresholdSide('falling');
  readonly downArmed = new ThresholdSide('rising');
  readonly downRearm = new ThresholdSide('falling');

  /** `startedAfterMs`: the symbol's clock when the group began; every tick it holds came after that */
  constructor(
    readonly windowSec: number,
    readonly startedAfterMs: number,
  ) {
    this.window = new PriceWindow(windowSec * 1000);
  }

  /** Whether an alert set now may join: the window holds no tick (so none from before the alert). */
  isEmptyAt(clockMs: number): boolean {
    this.window.advanceTo(clockMs);
    return Number.isNaN(this.window.min());
  }

  /** Whether this younger group's window now holds exactly the ticks of an older one's (`clockMs`: the symbol's). */
  caughtUpAt(clockMs: number): boolean {
    return this.startedAfterMs < clockMs - this.window.spanMs;
  }

  /** Hands every alert over to `older`, in the same armed or re-arm state; calls `moved` for each. */
  mergeInto(older: PercentMoveGroup, thresholdOf: (slot: number) => number, moved: (slot: number) => void): void {
    const pairs: Array<[ThresholdSide, ThresholdSide]> = [
      [this.upArmed, older.upArmed],
      [this.upRearm, older.upRearm],
      [this.downArmed, older.downArmed],
      [this.downRearm, older.downRearm],
    ];
    for (const [from, to] of pairs) {
      while (from.size > 0) {
        const slot = from.pop();
        to.insert(thresholdOf(slot), slot);
        moved(slot);
      }
    }
  }

  get size(): number {
    return this.upArmed.size + this.upRearm.size + this.downArmed.size + this.downRearm.size;
  }
}

/**
 * Relative slack for float rounding: 3 → 3.3 is exactly 10 %, but 3 * 1.1 is 3.3000000000000003 in binary
 * floating point. 1e-12 is far below any move a trader means and far above double rounding noise.
 */
const RELATIVE_EPSILON = 1e-12;

/** pct_up: the price is at least `percent` % above the window's low. False on an empty window (NaN low). */
export function risenByPercent(price: number, low: number, percent: number): boolean {
  return price >= low * (1 + percent / 100) * (1 - RELATIVE_EPSILON);
}

/** pct_down: the price is at least `percent` % below the window's high. False on an empty window. */
export function fallenByPercent(price: number, high: number, percent: number): boolean {
  return price <= high * (1 - percent / 100) * (1 + RELATIVE_EPSILON);
}
