// Every alert query, owner-scoped, plus the engine's bulk reads.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { OwnedRepository } from '@tradepulse/platform';
import { Alert, AlertStatus } from './alert.entity';

export interface AlertTriggerRow {
  id: string;
  price: string;
  late: boolean;
  triggered_at: Date;
}

export interface AlertCounts {
  active: number;
  triggered: number;
  expired: number;
  cancelled: number;
  triggersLast24h: number;
}

@Injectable()
export class AlertsRepository extends OwnedRepository<Alert> {
  constructor(em: EntityManager) {
    super(em, Alert);
  }

  /** The user's alerts whose id starts with `prefix` (the short ids the bot shows). */
  async idsByPrefix(ownerId: string, prefix: string): Promise<string[]> {
    if (!/^[0-9a-f-]{4,36}$/i.test(prefix)) return [];
    const rows = await this.em.getConnection().execute<{ id: string }[]>(`select id from alerts where user_id = ? and id::text like ? limit 2`, [ownerId, `${prefix.toLowerCase()}%`]);
    return rows.map((r) => r.id);
  }

  triggers(ownerId: string, alertId: string, limit = 500): Promise<AlertTriggerRow[]> {
    return this.em
      .getConnection()
      .execute<AlertTriggerRow[]>('select id::text as id, price::text as price, late, triggered_at from alert_triggers where alert_id = ? and user_id = ? order by triggered_at desc limit ?', [alertId, ownerId, limit]);
  }

  async counts(ownerId: string): Promise<AlertCounts> {
    const [row] = await this.em.getConnection().execute<Array<Record<string, string>>>(
      `select
         count(*) filter (where status = 'active') as active,
         count(*) filter (where status = 'triggered') as triggered,
         count(*) filter (where status = 'expired') as expired,
         count(*) filter (where status = 'cancelled') as cancelled,
         (select count(*) from alert_triggers t where t.user_id = ? and t.triggered_at > now() - interval '24 hours') as triggers_24h
       from alerts where user_id = ?`,
      [ownerId, ownerId],
    );
    return { active: Number(row.active), triggered: Number(row.triggered), expired: Number(row.expired), cancelled: Number(row.cancelled), triggersLast24h: Number(row.triggers_24h) };
  }

  /** Streams every active alert for the engine at start-up, a page at a time. */
  async *activeAlerts(pageSize = 10_000): AsyncGenerator<Alert[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await this.em.fork().find(Alert, { status: 'active', id: { $gt: after } }, { orderBy: { id: 'asc' }, limit: pageSize });
      if (!page.length) return;
      yield page;
      after = page[page.length - 1].id;
    }
  }

  /** Marks expired alerts (one statement) and returns them with their owners. */
  expireDue(): Promise<Array<{ id: string; user_id: string }>> {
    return this.em
      .getConnection()
      .execute<Array<{ id: string; user_id: string }>>(`update alerts set status = 'expired', updated_at = now() where status = 'active' and expires_at <= now() returning id, user_id`);
  }

  setStatus(ownerId: string, id: string, from: AlertStatus, to: AlertStatus): Promise<number> {
    return this.em.fork().nativeUpdate(Alert, this.scoped(ownerId, { id, status: from }), { status: to, updatedAt: new Date() });
  }
}
