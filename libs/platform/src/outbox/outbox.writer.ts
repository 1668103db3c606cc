// Appends outbox rows with one multi-row INSERT inside the caller's transaction.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { queryBound } from '../database/bound-query';
import { EventBus } from '../events/event-bus';
import { OutboxMessage } from './outbox-message';

declare module '../index' {
  interface DomainEvents {
    /** rows were committed to the outbox; the relay can pick them up now instead of at its next poll */
    'outbox.committed': { count: number };
  }
}

const OUTBOX_COLUMNS = 'event_key, user_id, category, priority, title, body, data, occurred_at';
const INSERT_INTO_OUTBOX = `insert into outbox (${OUTBOX_COLUMNS})`;

@Injectable()
export class OutboxWriter {
  private readonly queuedWriters: Array<() => Promise<void>> = [];

  constructor(private readonly bus: EventBus) {}

  /**
   * A producer that appends from work it queued (the alert engine's commit queue) says how to wait for that queue,
   * so the relay's last pass at shutdown relays what it commits while the process stops.
   */
  addQueuedWriter(idle: () => Promise<void>): void {
    this.queuedWriters.push(idle);
  }

  /** Resolves once every queued writer has written what it had queued. */
  async queuedWritesDone(): Promise<void> {
    await Promise.all(this.queuedWriters.map((idle) => idle()));
  }

  /**
   * `em` must be the transactional EntityManager of the state change. The rows travel as ONE bound jsonb
   * parameter, not inlined into the SQL text (see queryBound). Nothing checks a row's user_id against users: take
   * it from a row of the state change that references the user (see Migration20261124000730OutboxOwnerFromProducer).
   * An event key appended twice (a replayed event) is not refused here: the relay creates one notification per key.
   */
  async append(em: EntityManager, messages: OutboxMessage[]): Promise<void> {
    if (!messages.length) return;
    const rows = messages.map((m) => ({
      event_key: m.eventKey,
      user_id: m.userId,
      category: m.category,
      priority: m.priority,
      title: m.title,
      body: m.body,
      data: m.data,
      occurred_at: m.occurredAt.toISOString(),
    }));
    await queryBound(
      em,
      `${INSERT_INTO_OUTBOX}
       select ${OUTBOX_COLUMNS}
       from jsonb_to_recordset(?::jsonb) as r(event_key text, user_id uuid, category text, priority text, title text, body text, data jsonb, occurred_at timestamptz)`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * `insert into outbox … <select>`, for a statement that computes its notifications in the database (a
   * data-modifying CTE over the rows it just changed), so they never travel through this process. `select` yields,
   * in order: event_key, user_id (from a row it changed, as for append()), category, priority, title, body, data (jsonb), occurred_at.
   */
  insertSelectSql(select: string): string {
    return `${INSERT_INTO_OUTBOX} ${select}`;
  }

  /** Call after the transaction that appended rows has committed. */
  committed(count: number): void {
    if (count > 0) this.bus.emit('outbox.committed', { count });
  }
}
