// The two buckets every request counts against: one per client IP, one per API key, each per minute.
export const THROTTLE_WINDOW_MS = 60_000;

export type ThrottlerName = 'ip' | 'key';

/** The storage key of a bucket, the same whether the Nest guard or the cached-read fast path counts it. */
export function throttleKey(throttler: string, tracker: string): string {
  return `${throttler}:${tracker}`;
}
