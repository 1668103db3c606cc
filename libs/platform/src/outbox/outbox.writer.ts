// Appends outbox rows with one multi-row INSERT inside the caller's transaction.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EventBus } from '../events/event-bus';
import { OutboxMessage } from './outbox-message';

declare module '../index' {
  interface DomainEvents {
    /** rows were committed to the outbox; the relay can pick them up now instead of at its next poll */
    'outbox.committed': { count: number };
  }
}

@Injectable()
export class OutboxWriter {
  constructor(private readonly bus: EventBus) {}

  /** `em` must be the transactional EntityManager of the state change. */
  async append(em: EntityManager, messages: OutboxMessage[]): Promise<void> {
    if (!messages.length) return;
    const values: unknown[] = [];
    const rows = messages.map((m) => {
      values.push(m.eventKey, m.userId, m.category, m.priority, m.title, m.body, JSON.stringify(m.data), m.occurredAt);
      return '(?, ?, ?, ?, ?, ?, ?::jsonb, ?)';
    });
    await em.getConnection().execute(
      `insert into outbox (event_key, user_id, category, priority, title, body, data, occurred_at) values ${rows.join(', ')} on conflict (event_key) do nothing`,
      values,
      'run',
      em.getTransactionContext(),
    );
  }

  /** Call after the transaction that appended rows has committed. */
  committed(count: number): void {
    if (count > 0) this.bus.emit('outbox.committed', { count });
  }
}
