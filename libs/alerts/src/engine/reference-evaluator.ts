// The alert semantics stated the naive way: every alert of the symbol is checked one by one on every
// tick, in batches of 50 like the system the trigger index replaces. Property tests hold the index to
// it and the bench uses it as the baseline, so it favours obviousness over speed.

import { fallenByPercent, risenByPercent } from './percent-move-group';
import type { FiredAlert, IndexedAlert } from './types';

interface TrackedAlert {
  alert: IndexedAlert;
  /**
   * above/below/pct every_time: false after a firing until a tick is outside the region. An above/below one
   * re-added with the same trigger keeps its state; one added with placeByLastPrice starts armed only if the last
   * price is outside its region (with no price yet: undefined until the first price says).
   */
  armed: boolean | undefined;
  lastFiredAtMs: number | undefined;
  /** pct: the ticks of its symbol since it was set (kept when re-added with the same symbol and window) */
  ticks: WindowTick[];
}

interface WindowTick {
  atMs: number;
  price: number;
}

export class ReferenceEvaluator {
  private readonly tracked = new Map<string, TrackedAlert>();
  private readonly bySymbol = new Map<string, TrackedAlert[]>();
  private readonly prices = new Map<string, number>();
  private readonly clocks = new Map<string, number>();

  constructor(private readonly batchSize = 50) {}

  get size(): number {
    return this.tracked.size;
  }

  add(alert: IndexedAlert): void {
    const replaced = this.tracked.get(alert.id);
    if (replaced) this.detach(replaced);
    const sameTrigger = replaced && isLevel(alert) && replaced.alert.condition === alert.condition && replaced.alert.price === alert.price && replaced.alert.symbol === alert.symbol;
    const armed = sameTrigger ? replaced.armed : this.armedOnAdd(alert);
    const sameWindow = replaced && isPercent(alert) && isPercent(replaced.alert) && replaced.alert.windowSec === alert.windowSec && replaced.alert.symbol === alert.symbol;
    const entry: TrackedAlert = { alert: { ...alert }, armed, lastFiredAtMs: alert.lastFiredAtMs, ticks: sameWindow ? replaced.ticks : [] };
    this.tracked.set(alert.id, entry);
    this.listOf(alert.symbol).push(entry);
  }

  remove(id: string): boolean {
    const entry = this.tracked.get(id);
    if (!entry) return false;
    this.detach(entry);
    return true;
  }

  seedLastPrice(symbol: string, price: number): void {
    if (this.prices.has(symbol)) return;
    this.prices.set(symbol, price);
    for (const entry of this.listOf(symbol)) if (entry.armed === undefined) entry.armed = !this.satisfied(entry.alert, undefined, price, 0);
  }

  lastPrice(symbol: string): number | undefined {
    return this.prices.get(symbol);
  }

  evaluate(symbol: string, price: number, atMs: number): FiredAlert[] {
    const prev = this.prices.get(symbol);
    const clock = Math.max(this.clocks.get(symbol) ?? Number.NEGATIVE_INFINITY, atMs);
    this.clocks.set(symbol, clock);
    const list = this.listOf(symbol);
    const fired: FiredAlert[] = [];
    const spent: TrackedAlert[] = [];
    for (let start = 0; start < list.length; start += this.batchSize) {
      for (const entry of list.slice(start, start + this.batchSize)) {
        if (!this.fires(entry, prev, price, clock, atMs)) continue;
        fired.push({ id: entry.alert.id, symbol, price, atMs });
        if (entry.alert.frequency === 'once') spent.push(entry);
      }
    }
    for (const entry of spent) this.detach(entry);
    for (const entry of list) if (isPercent(entry.alert)) entry.ticks.push({ atMs: clock, price });
    this.prices.set(symbol, price);
    return fired;
  }

  private fires(entry: TrackedAlert, prev: number | undefined, cur: number, clock: number, atMs: number): boolean {
    const { alert } = entry;
    const satisfied = this.satisfied(alert, prev, cur, clock, entry.ticks);
    if (alert.frequency === 'once') return satisfied;
    if (isRegion(alert)) {
      if (entry.armed === undefined) {
        entry.armed = !satisfied;
        return false;
      }
      if (!satisfied) {
        entry.armed = true;
        return false;
      }
      if (!entry.armed) return false;
      entry.armed = false;
    } else if (!satisfied) {
      return false;
    }
    if (entry.lastFiredAtMs !== undefined && atMs - entry.lastFiredAtMs < alert.cooldownMs) return false;
    entry.lastFiredAtMs = atMs;
    return true;
  }

  private armedOnAdd(alert: IndexedAlert): boolean | undefined {
    if (!(isLevel(alert) && alert.frequency === 'every_time' && alert.placeByLastPrice === true)) return true;
    const price = this.prices.get(alert.symbol);
    return price === undefined ? undefined : !this.satisfied(alert, undefined, price, 0);
  }

  /** `ticks`: a pct alert's ticks since it was set */
  private satisfied(alert: IndexedAlert, prev: number | undefined, cur: number, clock: number, ticks: readonly WindowTick[] = []): boolean {
    const p = alert.price as number;
    switch (alert.condition) {
      case 'above':
        return cur >= p;
      case 'below':
        return cur <= p;
      case 'crosses_up':
        return prev !== undefined && prev < p && p <= cur;
      case 'crosses_down':
        return prev !== undefined && prev > p && p >= cur;
      case 'crosses':
        return prev !== undefined && ((prev < p && p <= cur) || (prev > p && p >= cur));
      case 'pct_up': {
        const window = windowPrices(alert, ticks, clock);
        return window.length > 0 && risenByPercent(cur, Math.min(...window), alert.percent as number);
      }
      case 'pct_down': {
        const window = windowPrices(alert, ticks, clock);
        return window.length > 0 && fallenByPercent(cur, Math.max(...window), alert.percent as number);
      }
    }
  }

  private detach(entry: TrackedAlert): void {
    this.tracked.delete(entry.alert.id);
    const list = this.listOf(entry.alert.symbol);
    list.splice(list.indexOf(entry), 1);
  }

  private listOf(symbol: string): TrackedAlert[] {
    let list = this.bySymbol.get(symbol);
    if (!list) this.bySymbol.set(symbol, (list = []));
    return list;
  }

}

/** The prices of the ticks since a pct alert was set that are at most its windowSec old. */
function windowPrices(alert: IndexedAlert, ticks: readonly WindowTick[], clock: number): number[] {
  const windowSec = alert.windowSec as number;
  return ticks.filter((tick) => tick.atMs >= clock - windowSec * 1000).map((tick) => tick.price);
}

function isPercent(alert: IndexedAlert): boolean {
  return alert.condition === 'pct_up' || alert.condition === 'pct_down';
}

/** Conditions about being in a region (re-armed by leaving it), as opposed to crossings. */
function isLevel(alert: IndexedAlert): boolean {
  return alert.condition === 'above' || alert.condition === 'below';
}

function isRegion(alert: IndexedAlert): boolean {
  return isLevel(alert) || isPercent(alert);
}
