// A typed in-process bus for domain events. Plugins declare their events by augmenting DomainEvents
// (see libs/platform/src/domain-events.ts).
import { Injectable, Logger } from '@nestjs/common';

import type { DomainEvents } from '../domain-events';

type Listener<T> = (payload: T) => void | Promise<void>;

@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly listeners = new Map<string, Set<Listener<unknown>>>();

  on<K extends keyof DomainEvents & string>(event: K, listener: Listener<DomainEvents[K]>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<unknown>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<unknown>);
  }

  /** Calls every listener; a failing listener is logged and does not stop the others. */
  emit<K extends keyof DomainEvents & string>(event: K, payload: DomainEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch((error: Error) => this.logger.error(`listener of ${event} failed: ${error.message}`));
      } catch (error) {
        this.logger.error(`listener of ${event} failed: ${(error as Error).message}`);
      }
    }
  }
}
