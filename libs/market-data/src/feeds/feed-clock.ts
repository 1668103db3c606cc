// Time as the feeds see it, injectable so that schedules can be tested without waiting.

export interface FeedClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real time; timers are unref'd so a feed never keeps a stopping process alive. */
export const systemClock: FeedClock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
