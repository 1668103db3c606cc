// Failures a test asked for: the next n calls of a method answer with an error instead of a result.
import { BotApiError } from './bot-api-state';
import type { FailureSpec } from './types';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Matches every method except getUpdates, so a polling bot does not swallow the failure. */
export const ANY_METHOD = '*';

export class FailurePlan {
  private readonly planned = new Map<string, FailureSpec[]>();

  add(method: string, count: number, failure: FailureSpec): void {
    const key = method.toLowerCase();
    this.planned.set(key, [...(this.planned.get(key) ?? []), ...Array.from({ length: count }, () => failure)]);
  }

  take(method: string): FailureSpec | undefined {
    const own = this.planned.get(method.toLowerCase());
    if (own?.length) return own.shift();
    return method === 'getUpdates' ? undefined : this.planned.get(ANY_METHOD)?.shift();
  }

  clear(): void {
    this.planned.clear();
  }
}

export function failureAnswer({ status = 500, retryAfter, description }: FailureSpec): BotApiError {
  if (status === 429) {
    const seconds = retryAfter ?? 1;
    return new BotApiError(429, description ?? `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
  }
  return new BotApiError(status, description ?? DESCRIPTIONS[status] ?? `Error ${status}`);
}
