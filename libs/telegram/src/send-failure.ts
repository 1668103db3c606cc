// What a failed Bot API call means for a retry: wait as told, back off, or give up.

export type SendFailure =
  | { kind: 'rate-limited'; retryAfterSec: number }
  | { kind: 'transient' }
  | { kind: 'permanent' };

/** Telegram always sends retry_after with a 429; this covers a proxy that does not. */
const DEFAULT_RETRY_AFTER_SEC = 3;
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET',
]);

interface TelegramErrorShape {
  response?: { error_code?: unknown; parameters?: { retry_after?: unknown } };
  name?: unknown;
  code?: unknown;
}

/**
 * Reads telegraf's TelegramError by shape (`response.error_code`), not by class, so a second copy
 * of telegraf in node_modules cannot break it. Network failures are node-fetch FetchErrors.
 */
export function classifySendFailure(error: unknown): SendFailure {
  const { response, name, code } = (error ?? {}) as TelegramErrorShape;
  const errorCode = response?.error_code;
  if (typeof errorCode === 'number') {
    if (errorCode === 429) {
      const retryAfter = Number(response?.parameters?.retry_after);
      return { kind: 'rate-limited', retryAfterSec: retryAfter > 0 ? retryAfter : DEFAULT_RETRY_AFTER_SEC };
    }
    return errorCode >= 500 ? { kind: 'transient' } : { kind: 'permanent' };
  }
  if (name === 'FetchError' || (typeof code === 'string' && NETWORK_ERROR_CODES.has(code))) return { kind: 'transient' };
  return { kind: 'permanent' };
}
