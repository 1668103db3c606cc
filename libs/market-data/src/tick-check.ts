// What a tick must be before it reaches the price book, the candles and the alert engine. A tick time in the
// future would outrank every later tick (an older tick never overwrites a newer price) and stamp firings with a
// time that has not come, so it is refused like a bad price.
import { invalid } from '@tradepulse/platform';
import type { Tick } from './tick';

/**
 * How far ahead of this server's clock a tick time may be: another machine's clock off by a little, the replay
 * feed's spacing of a few ms. Every second more is a second in which real ticks could not move the price.
 */
export const MAX_TICK_CLOCK_SKEW_MS = 5_000;

/** Throws a 400 naming the first bad tick's field; changes nothing. */
export function checkTicks(ticks: readonly Tick[], known: { has(symbol: string): boolean; readonly symbols: readonly string[] }, now: number): void {
  for (const [i, tick] of ticks.entries()) {
    if (!known.has(tick.symbol)) throw invalid(`ticks[${i}].symbol: unknown symbol "${tick.symbol}"; known: ${known.symbols.join(', ')}`);
    if (!Number.isFinite(tick.price) || tick.price <= 0) throw invalid(`ticks[${i}].price: must be a finite number > 0`);
    if (!Number.isSafeInteger(tick.ts) || tick.ts < 0 || tick.ts > now + MAX_TICK_CLOCK_SKEW_MS) {
      throw invalid(`ticks[${i}].ts: must be epoch milliseconds no later than ${MAX_TICK_CLOCK_SKEW_MS / 1000} s ahead of the server's clock`);
    }
  }
}
