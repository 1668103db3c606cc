// Writes that must not be lost to a database restart (alert firings, delivery claims and outcomes) wait it out: while
// the database cannot be reached they are retried, backing off to RETRY_MAX_DELAY_MS, until it answers or the process
// begins to stop. Any other error is retried at most `otherErrorAttempts` times in all, then thrown.
import pRetry, { FailedAttemptError } from 'p-retry';
import { isDatabaseUnavailable } from './database-unavailable';

const RETRY_FIRST_DELAY_MS = 200;
/** short enough that a stopping process notices within its shutdown deadline */
const RETRY_MAX_DELAY_MS = 2_000;
/** an outage retries every 2 s: the first failure and then every tenth are enough to follow it in the log */
const LOG_EVERY_ATTEMPTS = 10;

let stopping = false;

/** Called once the process begins to stop: retries still waiting give up after their current attempt. */
export function stopDatabaseRetries(): void {
  stopping = true;
}

export interface RetryWhileUnavailableOptions {
  /** attempts in all for an error other than unavailability (1: throw it at once) */
  otherErrorAttempts?: number;
  /** what is being written, for the warning logged on the first retry and every tenth after it */
  log?: { what: string; logger: { warn(message: string): void } };
  /** each failed attempt that will be retried */
  onRetry?: (error: FailedAttemptError) => void;
}

export function retryWhileDatabaseUnavailable<T>(work: () => Promise<T>, { otherErrorAttempts = 1, log, onRetry }: RetryWhileUnavailableOptions = {}): Promise<T> {
  return pRetry(work, {
    forever: true,
    minTimeout: RETRY_FIRST_DELAY_MS,
    maxTimeout: RETRY_MAX_DELAY_MS,
    onFailedAttempt: (error) => {
      if (stopping) throw error;
      if (!isDatabaseUnavailable(error) && error.attemptNumber >= otherErrorAttempts) throw error;
      if (log && (error.attemptNumber === 1 || error.attemptNumber % LOG_EVERY_ATTEMPTS === 0)) {
        log.logger.warn(`${log.what} failed (attempt ${error.attemptNumber}), retrying: ${error.message}`);
      }
      onRetry?.(error);
    },
  });
}
