// Resolves with the first item, already recorded or still to come, that matches; never polls.
import type { EventEmitter } from 'node:events';

export interface WaitForMatch<T> {
  recorded: readonly T[];
  emitter: EventEmitter;
  event: string;
  predicate: (item: T) => boolean;
  timeoutMs: number;
  /** says what was recorded, for the timeout message */
  describe: () => string;
}

export function waitForMatch<T>({ recorded, emitter, event, predicate, timeoutMs, describe }: WaitForMatch<T>): Promise<T> {
  const past = recorded.find(predicate);
  if (past !== undefined) return Promise.resolve(past);
  return new Promise((resolve, reject) => {
    const onItem = (item: T): void => {
      if (!predicate(item)) return;
      clearTimeout(timer);
      emitter.off(event, onItem);
      resolve(item);
    };
    const timer = setTimeout(() => {
      emitter.off(event, onItem);
      reject(new Error(`No matching ${event} within ${timeoutMs} ms. Recorded:\n${describe()}`));
    }, timeoutMs);
    emitter.on(event, onItem);
  });
}
