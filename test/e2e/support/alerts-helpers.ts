// Ticks in through the admin route, alerts out through REST, firings awaited by polling (never by sleeping).
import type { ApiAnswer, ApiClient } from './api-client';
import { waitFor } from './wait-for';

export interface TickInput {
  symbol: string;
  price: number;
  /** epoch ms; the server uses "now" when absent */
  ts?: number;
}

/** Symbols beyond the default three, so that every test can own the price path of its own symbol. */
export const EXTRA_SYMBOLS = Array.from({ length: 40 }, (_, i) => `S${String(i + 1).padStart(2, '0')}/USDT`);

/** Environment for alert servers: many symbols, open registration (services mode needs it), no rate limiting in the way. */
export const ALERTS_SERVER_ENV: Record<string, string> = {
  MARKET_SYMBOLS: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', ...EXTRA_SYMBOLS].join(','),
  ALLOW_REGISTRATION: 'true',
  TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '100000000',
  TP__HTTP__RATE_LIMIT_PER_KEY_PER_MIN: '100000000',
};

let lastTs = 0;

/**
 * Strictly increasing tick times: two ticks in one millisecond would be one firing time, and the firing
 * writer keeps one firing per (alert, time), so tests that count firings give every tick its own time.
 */
export function nextTs(): number {
  lastTs = Math.max(Date.now(), lastTs + 1);
  return lastTs;
}

export async function sendTicks(admin: ApiClient, ...ticks: TickInput[]): Promise<void> {
  const stamped = ticks.map((tick) => ({ ...tick, ts: tick.ts ?? nextTs() }));
  const answer = await admin.post('/api/v1/admin/market/ticks', { ticks: stamped });
  if (answer.status !== 202) throw new Error(`ticks ${JSON.stringify(ticks)}: ${answer.status} ${answer.text}`);
}

/** Sends each price as its own admin request, in order (consecutive ticks, each evaluated on its own). */
export async function sendPricePath(admin: ApiClient, symbol: string, prices: number[]): Promise<void> {
  for (const price of prices) await sendTicks(admin, { symbol, price });
}

export async function createAlert(client: ApiClient, body: Record<string, unknown>): Promise<any> {
  const answer = await client.post('/api/v1/alerts', body);
  if (answer.status !== 201) throw new Error(`create alert ${JSON.stringify(body)}: ${answer.status} ${answer.text}`);
  return answer.body;
}

export async function triggersOf(client: ApiClient, alertId: string): Promise<Array<{ id: string; price: string; triggeredAt: string; late: boolean }>> {
  const answer = await client.get(`/api/v1/alerts/${alertId}/triggers`);
  if (answer.status !== 200) throw new Error(`triggers of ${alertId}: ${answer.status} ${answer.text}`);
  return answer.body.items;
}

/** Waits until the alert has at least `count` trigger rows and returns them (newest first, as the API lists them). */
export function waitForTriggers(client: ApiClient, alertId: string, count = 1, timeoutMs = 10_000) {
  return waitFor(async () => {
    const items = await triggersOf(client, alertId);
    return items.length >= count ? items : false;
  }, timeoutMs);
}

/**
 * A once alert that fires on the very next tick of `symbol` (below a price no tick reaches from above).
 * Firings of one tick batch commit in one transaction, in tick order, so once the sentinel's trigger is
 * visible every alert that tick (or an earlier one) fired is visible too: "did not fire" is then a fact,
 * not a guess after a sleep.
 */
export async function armSentinel(client: ApiClient, symbol: string): Promise<string> {
  const alert = await createAlert(client, { symbol, condition: 'below', price: 1e12, note: 'sentinel' });
  return alert.id;
}

/** Sends the tick(s) with a fresh sentinel and waits until that evaluation has committed. */
export async function tickAndSettle(client: ApiClient, admin: ApiClient, symbol: string, price: number, ts?: number): Promise<void> {
  const sentinel = await armSentinel(client, symbol);
  await sendTicks(admin, { symbol, price, ts });
  await waitForTriggers(client, sentinel, 1);
}

export function errorMessage(answer: ApiAnswer): string {
  return String(answer.body?.message ?? answer.text);
}
