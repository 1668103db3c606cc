// Validates the `{ symbols }` payload of subscribe / unsubscribe.

export const MAX_SYMBOLS_PER_MESSAGE = 50;
const SYMBOL = /^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/;

export type SymbolListResult = { symbols: string[] } | { reason: string };

export function parseSymbolList(payload: unknown): SymbolListResult {
  const symbols = (payload as { symbols?: unknown } | null)?.symbols;
  if (!Array.isArray(symbols) || symbols.length === 0) return { reason: 'symbols: send { symbols: ["BTC/USDT", ...] }' };
  if (symbols.length > MAX_SYMBOLS_PER_MESSAGE) return { reason: `symbols: at most ${MAX_SYMBOLS_PER_MESSAGE} per message` };
  const normalized = symbols.map((symbol) => (typeof symbol === 'string' ? symbol.trim().toUpperCase() : ''));
  const bad = normalized.findIndex((symbol) => !SYMBOL.test(symbol));
  if (bad >= 0) return { reason: `symbols[${bad}]: expected BASE/QUOTE, e.g. BTC/USDT` };
  return { symbols: [...new Set(normalized)] };
}

export const priceRoom = (symbol: string) => `price:${symbol}`;
export const userRoom = (userId: string) => `user:${userId}`;
/** the sockets opened with one API key, closed when it is revoked */
export const keyRoom = (keyId: string) => `key:${keyId}`;
