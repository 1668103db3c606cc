// Percent-move alerts of one (symbol, windowSec): a shared price window plus alerts sorted by percent.

import { PriceWindow } from './price-window';
import { ThresholdSide } from './threshold-book';

/**
 * The move condition is monotone in the percent (IEEE products and sums are monotone), so for one
 * tick the alerts it satisfies are a prefix of the percents in ascending order. Sides hold slots keyed
 * by percent: an "armed" side pops the smallest percent first (like a rising book side, since a
 * growing move reaches small percents first), a "re-arm" side pops the largest first.
 */
export class PercentMoveGroup {
  readonly window: PriceWindow;
  readonly upArmed = new ThresholdSide('rising');
  readonly upRearm = new ThresholdSide('falling');
  readonly downArmed = new ThresholdSide('rising');
  readonly downRearm = new ThresholdSide('falling');

  constructor(readonly windowSec: number) {
    this.window = new PriceWindow(windowSec * 1000);
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
