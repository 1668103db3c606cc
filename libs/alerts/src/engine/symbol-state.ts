// Everything the trigger index keeps for one symbol: last price, window clock, books and pct groups.

import type { PercentMoveGroup } from './percent-move-group';
import { ThresholdBook } from './threshold-book';

/**
 * Price legs live in two books. `armed`: legs that fire when the price reaches them (inclusive); up
 * legs on the rising side, down legs on the falling side. `rearm`: legs that fired and wait for the
 * price to be strictly back outside their region; up legs on the falling side, down legs on the rising.
 */
export class SymbolState {
  /** NaN until a tick or a seed. */
  lastPrice = Number.NaN;
  /** Latest tick time seen; windows use it so a late tick cannot rewind them. */
  clockMs = Number.NEGATIVE_INFINITY;
  alertCount = 0;
  readonly armed = new ThresholdBook();
  readonly rearm = new ThresholdBook();
  /** crosses* alerts added before the symbol had a price; placed by the first one. */
  readonly pending: number[] = [];
  readonly groups: PercentMoveGroup[] = [];

  // Copies of the four sides' next thresholds (NaN when empty). Most ticks reach none of them, and
  // reading four fields of this object avoids touching the sides' arrays, whose cache misses would
  // otherwise dominate an idle tick. Whoever changes a side calls refreshEnds().
  private armedRisingEnd = Number.NaN;
  private armedFallingEnd = Number.NaN;
  private rearmRisingEnd = Number.NaN;
  private rearmFallingEnd = Number.NaN;

  constructor(
    readonly symbol: string,
    readonly index: number,
  ) {}

  /** Whether a tick at this price fires or re-arms any price leg (NaN ends compare false). */
  movesLegs(price: number): boolean {
    return (
      price >= this.armedRisingEnd ||
      price <= this.armedFallingEnd ||
      price > this.rearmRisingEnd ||
      price < this.rearmFallingEnd
    );
  }

  refreshEnds(): void {
    this.armedRisingEnd = this.armed.rising.peekThreshold();
    this.armedFallingEnd = this.armed.falling.peekThreshold();
    this.rearmRisingEnd = this.rearm.rising.peekThreshold();
    this.rearmFallingEnd = this.rearm.falling.peekThreshold();
  }

  /** The group an alert of this windowSec set now joins: the youngest of them, if no tick is in its window. */
  joinableGroup(windowSec: number): PercentMoveGroup | undefined {
    for (let i = this.groups.length - 1; i >= 0; i--) {
      const group = this.groups[i];
      if (group.windowSec === windowSec) return group.isEmptyAt(this.clockMs) ? group : undefined;
    }
    return undefined;
  }

  dropEmptyGroups(): void {
    for (let i = this.groups.length - 1; i >= 0; i--) if (this.groups[i].size === 0) this.groups.splice(i, 1);
  }
}
