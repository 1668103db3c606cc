// Active alerts per symbol, held so that a tick finds what fires in O(log n + k), never by a scan.

import { AlertSlots, ConditionCode } from './alert-slots';
import { PercentMoveGroup, fallenByPercent, risenByPercent } from './percent-move-group';
import { SymbolState } from './symbol-state';
import type { ThresholdSide } from './threshold-book';
import type { FiredAlert, IndexedAlert } from './types';

// An alert is one or two legs. An up leg fires when the price rises to its threshold, a down leg when
// it falls to it. Each leg is either armed (in a side that fires when reached, inclusive) or waiting to
// re-arm (in the opposite side, which hands it back once the price is strictly outside the region).
// The leg bits double as "this leg is armed" flags.
const LEG_UP = 2;
const LEG_DOWN = 4;
const ONCE = 1;
/** crosses* alert added before the symbol had any price: placed once a price is known. */
const PENDING = 8;

const PCT_UP = ConditionCode.pct_up;
const PCT_DOWN = ConditionCode.pct_down;
/** Legs per condition code (see ConditionCode). */
const LEGS = [LEG_UP, LEG_DOWN, LEG_UP, LEG_DOWN, LEG_UP | LEG_DOWN, LEG_UP, LEG_DOWN];
/**
 * Conditions armed from the start (above/below/pct), rather than by where the last price is. Two exceptions for
 * above/below: an alert re-added with the same trigger (a PATCH of its note, say) keeps the state it had, and an
 * every_time one flagged placeByLastPrice (reloaded after a restart, having fired) is placed by the last price like
 * a crossing. Neither fires again before the price leaves the region it fired in.
 */
const ARMED_ON_ADD = [true, true, false, false, false, true, true];
/** The answer of every tick that fires nothing: shared, and frozen so that no caller can fill it. */
const NOTHING_FIRED: FiredAlert[] = Object.freeze([]) as unknown as FiredAlert[];

export class TriggerIndex {
  private readonly slots = new AlertSlots();
  private readonly bySymbol = new Map<string, SymbolState>();
  private readonly states: SymbolState[] = [];
  /** The group of each pct alert's slot (a symbol may hold several groups of one windowSec). */
  private readonly percentGroups = new Map<number, PercentMoveGroup>();
  /** Output of the tick being evaluated; NOTHING_FIRED until something fires (most ticks allocate nothing). */
  private fired: FiredAlert[] = NOTHING_FIRED;

  get size(): number {
    return this.slots.size;
  }

  has(id: string): boolean {
    return this.slots.slotOf(id) !== undefined;
  }

  /** Indexes the alert, replacing one with the same id (the replaced alert's window history is kept). */
  add(alert: IndexedAlert): void {
    const code = ConditionCode[alert.condition];
    checkAlert(alert, code);
    const replaced = this.slots.slotOf(alert.id);
    const replacedState = replaced === undefined ? undefined : this.stateOfSlot(replaced);
    const threshold = code >= PCT_UP ? (alert.percent as number) : (alert.price as number);
    const kept = replaced === undefined || alert.frequency === 'once' ? undefined : this.keptPlacement(replaced, code, alert.symbol, threshold);
    const keptGroup = replaced === undefined ? undefined : this.keptGroup(replaced, code, alert);
    if (replaced !== undefined) this.unindex(replaced, LEGS[this.slots.condition[replaced]]);

    const state = this.stateOf(alert.symbol);
    const s = this.slots;
    const slot = s.allocate(alert.id);
    s.condition[slot] = code;
    s.symbol[slot] = state.index;
    s.threshold[slot] = threshold;
    s.windowSec[slot] = alert.windowSec ?? 0;
    s.cooldownMs[slot] = alert.cooldownMs;
    s.lastFiredAtMs[slot] = alert.lastFiredAtMs ?? Number.NaN;
    s.flags[slot] = alert.frequency === 'once' ? ONCE : 0;
    state.alertCount++;

    const byLastPrice = !ARMED_ON_ADD[code] || (alert.placeByLastPrice === true && alert.frequency === 'every_time');
    if (code >= PCT_UP) this.armPercent(state, slot, code, keptGroup ?? this.groupToJoin(state, s.windowSec[slot]));
    else if (kept !== undefined) this.restorePlacement(state, slot, kept);
    else if (!byLastPrice) this.arm(slot, LEGS[code], LEGS[code] === LEG_UP ? state.armed.rising : state.armed.falling);
    else if (alert.firedAfterLastPrice === true && alert.frequency === 'every_time') this.placeByPrice(state, slot, threshold);
    else if (Number.isNaN(state.lastPrice)) this.markPending(state, slot);
    else this.placeByPrice(state, slot, state.lastPrice);

    state.refreshEnds();
    if (replacedState && replacedState !== state) replacedState.refreshEnds();
    replacedState?.dropEmptyGroups();
  }

  remove(id: string): boolean {
    const slot = this.slots.slotOf(id);
    if (slot === undefined) return false;
    const state = this.stateOfSlot(slot);
    this.unindex(slot, LEGS[this.slots.condition[slot]]);
    state.refreshEnds();
    state.dropEmptyGroups();
    return true;
  }

  /** A price persisted before this process started; ignored once the symbol already has a price. */
  seedLastPrice(symbol: string, price: number): void {
    checkPrice(price);
    const state = this.stateOf(symbol);
    if (!Number.isNaN(state.lastPrice)) return;
    state.lastPrice = price;
    this.placePending(state, price);
    state.refreshEnds();
  }

  lastPrice(symbol: string): number | undefined {
    const price = this.bySymbol.get(symbol)?.lastPrice;
    return price === undefined || Number.isNaN(price) ? undefined : price;
  }

  /** Symbols with at least one active alert (the ones a price feed must deliver). */
  symbols(): string[] {
    return this.states.filter((state) => state.alertCount > 0).map((state) => state.symbol);
  }

  /** Applies the tick and returns what fired; `once` alerts leave the index as they fire. */
  evaluate(symbol: string, price: number, atMs: number): readonly FiredAlert[] {
    checkPrice(price);
    const state = this.stateOf(symbol);
    this.fired = NOTHING_FIRED;
    if (atMs > state.clockMs) state.clockMs = atMs;
    if (state.alertCount > 0) {
      if (state.movesLegs(price)) {
        this.applyToPriceLegs(state, price, atMs);
        state.refreshEnds();
      }
      if (state.groups.length > 0) this.applyToPercentMoves(state, price, atMs);
      if (state.pending.length > 0) {
        this.placePending(state, price);
        state.refreshEnds();
      }
    }
    state.lastPrice = price;
    return this.fired;
  }

  // Fire what the price reached, then re-arm what it left. A leg moved by one step never qualifies for
  // the other in the same tick: a fired leg is at or behind the price, a re-armed one strictly ahead.
  private applyToPriceLegs(state: SymbolState, price: number, atMs: number): void {
    const { armed, rearm } = state;
    while (armed.rising.peekThreshold() <= price) this.fire(state, armed.rising.pop(), LEG_UP, rearm.falling, price, atMs);
    while (armed.falling.peekThreshold() >= price) this.fire(state, armed.falling.pop(), LEG_DOWN, rearm.rising, price, atMs);
    while (rearm.falling.peekThreshold() > price) this.arm(rearm.falling.pop(), LEG_UP, armed.rising);
    while (rearm.rising.peekThreshold() < price) this.arm(rearm.rising.pop(), LEG_DOWN, armed.falling);
  }

  // The window holds the ticks before this one, so it is read before the price is pushed.
  private applyToPercentMoves(state: SymbolState, price: number, atMs: number): void {
    const groups = state.groups;
    if (groups.length > 1) this.mergeCaughtUpGroups(state);
    for (let i = groups.length - 1; i >= 0; i--) {
      const g = groups[i];
      g.window.advanceTo(state.clockMs);
      const low = g.window.min();
      const high = g.window.max();
      while (g.upArmed.size > 0 && risenByPercent(price, low, g.upArmed.peekThreshold()))
        this.fire(state, g.upArmed.pop(), LEG_UP, g.upRearm, price, atMs);
      while (g.upRearm.size > 0 && !risenByPercent(price, low, g.upRearm.peekThreshold()))
        this.arm(g.upRearm.pop(), LEG_UP, g.upArmed);
      while (g.downArmed.size > 0 && fallenByPercent(price, high, g.downArmed.peekThreshold()))
        this.fire(state, g.downArmed.pop(), LEG_DOWN, g.downRearm, price, atMs);
      while (g.downRearm.size > 0 && !fallenByPercent(price, high, g.downRearm.peekThreshold()))
        this.arm(g.downRearm.pop(), LEG_DOWN, g.downArmed);
      if (g.size === 0) groups.splice(i, 1);
      else g.window.push(state.clockMs, price);
    }
  }

  /** The leg has been popped from its armed side. */
  private fire(state: SymbolState, slot: number, leg: number, rearmSide: ThresholdSide, price: number, atMs: number): void {
    const s = this.slots;
    const flags = s.flags[slot];
    if (flags & ONCE) {
      this.record({ id: s.idOf(slot), symbol: state.symbol, price, atMs });
      this.unindex(slot, LEGS[s.condition[slot]] & ~leg);
      return;
    }
    s.flags[slot] = flags & ~leg;
    rearmSide.insert(s.threshold[slot], slot);
    // A firing inside the cooldown is simply missed; the leg still waits for the price to leave.
    if (atMs - s.lastFiredAtMs[slot] < s.cooldownMs[slot]) return;
    s.lastFiredAtMs[slot] = atMs;
    this.record({ id: s.idOf(slot), symbol: state.symbol, price, atMs });
  }

  private record(fired: FiredAlert): void {
    if (this.fired === NOTHING_FIRED) this.fired = [];
    this.fired.push(fired);
  }

  private arm(slot: number, leg: number, armedSide: ThresholdSide): void {
    this.slots.flags[slot] |= leg;
    armedSide.insert(this.slots.threshold[slot], slot);
  }

  private armPercent(state: SymbolState, slot: number, code: number, group: PercentMoveGroup): void {
    this.percentGroups.set(slot, group);
    if (code === PCT_UP) this.arm(slot, LEG_UP, group.upArmed);
    else this.arm(slot, LEG_DOWN, group.downArmed);
  }

  /** A group whose window holds no tick yet, so that no tick from before the alert counts for it. */
  private groupToJoin(state: SymbolState, windowSec: number): PercentMoveGroup {
    let group = state.joinableGroup(windowSec);
    if (!group) state.groups.push((group = new PercentMoveGroup(windowSec, state.clockMs)));
    return group;
  }

  /** A pct alert re-added with the same symbol and window keeps its group, and so the ticks seen since it was set. */
  private keptGroup(replaced: number, code: number, alert: IndexedAlert): PercentMoveGroup | undefined {
    const s = this.slots;
    const same = code >= PCT_UP && s.condition[replaced] >= PCT_UP && s.windowSec[replaced] === alert.windowSec && this.stateOfSlot(replaced).symbol === alert.symbol;
    return same ? this.percentGroups.get(replaced) : undefined;
  }

  /** Merges each group whose window caught up with an older one of the same windowSec into that older one. */
  private mergeCaughtUpGroups(state: SymbolState): void {
    const groups = state.groups;
    for (let young = groups.length - 1; young > 0; young--) {
      const group = groups[young];
      if (!group.caughtUpAt(state.clockMs)) continue;
      const older = groups.findIndex((other, at) => at < young && other.windowSec === group.windowSec);
      if (older < 0) continue;
      group.mergeInto(groups[older], (slot) => this.slots.threshold[slot], (slot) => this.percentGroups.set(slot, groups[older]));
      groups.splice(young, 1);
    }
  }

  /**
   * The placement flags (armed legs, PENDING) of an above/below alert being replaced by an every_time one with the
   * same trigger, to carry over; undefined when the replacement is a different trigger, which is placed as new. (A
   * `once` replacement is always placed as new: armed, it fires on the next tick at or past its threshold, as a new
   * `once` alert would, whatever the every_time alert it replaces had fired.)
   */
  private keptPlacement(replaced: number, code: number, symbol: string, threshold: number): number | undefined {
    const s = this.slots;
    const sameTrigger = s.condition[replaced] === code && s.threshold[replaced] === threshold && this.stateOfSlot(replaced).symbol === symbol;
    return sameTrigger && ARMED_ON_ADD[code] && code < PCT_UP ? s.flags[replaced] & (LEGS[code] | PENDING) : undefined;
  }

  private restorePlacement(state: SymbolState, slot: number, kept: number): void {
    const leg = LEGS[this.slots.condition[slot]];
    if (kept & PENDING) this.markPending(state, slot);
    else if (kept & leg) this.arm(slot, leg, leg === LEG_UP ? state.armed.rising : state.armed.falling);
    else (leg === LEG_UP ? state.rearm.falling : state.rearm.rising).insert(this.slots.threshold[slot], slot);
  }

  /** crosses* legs, and every_time above/below placed by the last price: armed exactly when the last price is on the far side of the threshold. */
  private placeByPrice(state: SymbolState, slot: number, lastPrice: number): void {
    const threshold = this.slots.threshold[slot];
    const legs = LEGS[this.slots.condition[slot]];
    if (legs & LEG_UP) {
      if (lastPrice < threshold) this.arm(slot, LEG_UP, state.armed.rising);
      else state.rearm.falling.insert(threshold, slot);
    }
    if (legs & LEG_DOWN) {
      if (lastPrice > threshold) this.arm(slot, LEG_DOWN, state.armed.falling);
      else state.rearm.rising.insert(threshold, slot);
    }
  }

  private markPending(state: SymbolState, slot: number): void {
    this.slots.flags[slot] |= PENDING;
    state.pending.push(slot);
  }

  private placePending(state: SymbolState, price: number): void {
    for (const slot of state.pending) {
      this.slots.flags[slot] &= ~PENDING;
      this.placeByPrice(state, slot, price);
    }
    state.pending.length = 0;
  }

  /** Takes the given legs out of their sides and frees the slot; empty windows are dropped by callers. */
  private unindex(slot: number, legs: number): void {
    const s = this.slots;
    const state = this.states[s.symbol[slot]];
    const flags = s.flags[slot];
    const threshold = s.threshold[slot];
    const code = s.condition[slot];
    if (flags & PENDING) {
      state.pending.splice(state.pending.indexOf(slot), 1);
    } else if (code >= PCT_UP) {
      const group = this.percentGroups.get(slot) as PercentMoveGroup;
      this.percentGroups.delete(slot);
      const armed = (flags & legs) !== 0;
      if (code === PCT_UP && legs) (armed ? group.upArmed : group.upRearm).remove(threshold, slot);
      if (code === PCT_DOWN && legs) (armed ? group.downArmed : group.downRearm).remove(threshold, slot);
    } else {
      if (legs & LEG_UP) (flags & LEG_UP ? state.armed.rising : state.rearm.falling).remove(threshold, slot);
      if (legs & LEG_DOWN) (flags & LEG_DOWN ? state.armed.falling : state.rearm.rising).remove(threshold, slot);
    }
    s.release(slot);
    state.alertCount--;
  }

  private stateOf(symbol: string): SymbolState {
    let state = this.bySymbol.get(symbol);
    if (!state) {
      state = new SymbolState(symbol, this.states.length);
      this.states.push(state);
      this.bySymbol.set(symbol, state);
    }
    return state;
  }

  private stateOfSlot(slot: number): SymbolState {
    return this.states[this.slots.symbol[slot]];
  }
}

function checkPrice(price: number): void {
  if (!Number.isFinite(price)) throw new RangeError(`price must be a finite number, got ${price}`);
}

// Programming errors only: DTOs validate user input at the edge.
function checkAlert(alert: IndexedAlert, code: unknown): void {
  // a number check, not undefined: a condition like 'toString' resolves through the prototype
  if (typeof code !== 'number') throw new RangeError(`unknown condition ${alert.condition}`);
  if (code >= PCT_UP) {
    const { percent, windowSec } = alert;
    if (!(typeof percent === 'number' && percent > 0 && Number.isFinite(percent)))
      throw new RangeError(`alert ${alert.id}: percent must be a finite number > 0`);
    if (!(typeof windowSec === 'number' && Number.isInteger(windowSec) && windowSec > 0 && windowSec < 2 ** 31))
      throw new RangeError(`alert ${alert.id}: windowSec must be a positive integer`);
  } else if (!(typeof alert.price === 'number' && Number.isFinite(alert.price))) {
    throw new RangeError(`alert ${alert.id}: price must be a finite number`);
  }
}
