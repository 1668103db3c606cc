// Tells "the database cannot be reached right now" (down, restarting, connections cut) apart from every other
// database error, so that callers can answer 503 and retry instead of reporting a bug. The error may come raw
// from pg or knex, or wrapped by MikroORM (which keeps the driver's code and sets `cause`).

/** Socket-level failures from Node, as pg reports them while it connects or when a connection is cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** SQLSTATE 57P01–57P03: the server is shutting down or starting up. Class 08 is "connection exception". */
const SERVER_GOING_AWAY = new Set(['57P01', '57P02', '57P03']);

/** Messages of pg and knex that carry no code. */
const UNAVAILABLE_MESSAGES = [/Connection terminated/i, /connection error/i, /Timeout acquiring a connection/i, /Client was closed/i, /not queryable/i];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_GOING_AWAY.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}
