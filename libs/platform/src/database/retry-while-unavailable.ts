// Writes that must not be lost to a database restart (alert firings, delivery outcomes) wait it out: while the
// database cannot be reached they are retried, backing off to RETRY_MAX_DELAY_MS, until it answers or the process
// begins to stop. Any other error is retried at most `otherErrorAttempts` times in all, then thrown.
import pRetry, { FailedAttemptError } from 'p-retry';
import { isDatabaseUnavailable } from './database-unavailable';

const RETRY_FIRST_DELAY_MS = 200;
/** short enough that a stopping process notices within its shutdown deadline */
const RETRY_MAX_DELAY_MS = 2_000;

const stopping = new AbortController();

/** Called once the process begins to stop: retries still waiting give up after their current attempt. */
export function stopDatabaseRetries(): void {
  stopping.abort();
}

export interface RetryWhileUnavailableOptions {
  /** attempts in all for an error other than unavailability (1: throw it at once) */
  otherErrorAttempts?: number;
  /** each failed attempt that will be retried */
  onRetry?: (error: FailedAttemptError) => void;
}

export function retryWhileDatabaseUnavailable<T>(work: () => Promise<T>, { otherErrorAttempts = 1, onRetry }: RetryWhileUnavailableOptions = {}): Promise<T> {
  return pRetry(work, {
    forever: true,
    minTimeout: RETRY_FIRST_DELAY_MS,
    maxTimeout: RETRY_MAX_DELAY_MS,
    onFailedAttempt: (error) => {
      if (stopping.signal.aborted) throw error;
      if (!isDatabaseUnavailable(error) && error.attemptNumber >= otherErrorAttempts) throw error;
      onRetry?.(error);
    },
  });
}
