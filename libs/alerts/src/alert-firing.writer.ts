// Commits the alerts fired by one tick batch in ONE transaction: a conditional update (only rows still
// active, and for every_time only if this firing is newer than the last), the trigger rows, and the outbox
// rows of their notifications. Whatever fired elsewhere or was replayed updates nothing and is dropped here.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { OutboxMessage, OutboxWriter, queryBound } from '@tradepulse/platform';
import Decimal from 'decimal.js';

export interface Firing {
  alertId: string;
  price: number;
  atMs: number;
  late: boolean;
}

export interface CommittedFiring extends Firing {
  userId: string;
  symbol: string;
  condition: string;
  threshold: string | null;
  percent: string | null;
  frequency: 'once' | 'every_time';
}

interface UpdatedRow {
  id: string;
  user_id: string;
  symbol: string;
  condition: string;
  price: string | null;
  percent: string | null;
  frequency: 'once' | 'every_time';
  tick_price: string;
  at: Date;
  late: boolean;
}

/**
 * One statement: the conditional update and the trigger rows of what it updated, so the fired rows come back to
 * Node once (for the outbox) instead of travelling back to the database again for the trigger rows.
 */
const FIRE_AND_RECORD = `
  with fired as (
    update alerts a set
      status = case when a.frequency = 'once' then 'triggered' else a.status end,
      last_triggered_at = v.at, trigger_count = a.trigger_count + 1, updated_at = now()
    from jsonb_to_recordset(?::jsonb) as v(id uuid, tick_price numeric, at timestamptz, late boolean)
    where a.id = v.id and a.status = 'active'
      and (a.expires_at is null or a.expires_at > v.at)
      and (a.last_triggered_at is null or a.last_triggered_at < v.at)
    returning a.id, a.user_id, a.symbol, a.condition, a.price, a.percent, a.frequency, v.tick_price, v.at,
      -- "late" means the crossing happened while this process was down: only alerts that existed before it started
      (v.late and a.created_at < ?::timestamptz) as late
  ), recorded as (
    insert into alert_triggers (alert_id, user_id, price, late, triggered_at)
    select id, user_id, tick_price, late, at from fired
    on conflict (alert_id, triggered_at) do nothing
  )
  select id, user_id, symbol, condition, price::text as price, percent::text as percent, frequency, tick_price::text as tick_price, at, late
  from fired`;

@Injectable()
export class AlertFiringWriter {
  private readonly startedAt = new Date();

  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  async commit(firings: Firing[]): Promise<CommittedFiring[]> {
    if (!firings.length) return [];
    // rows travel as one bound JSON parameter: knex would splice JS arrays into comma lists
    const batch = JSON.stringify(firings.map((f) => ({ id: f.alertId, tick_price: String(f.price), at: new Date(f.atMs).toISOString(), late: f.late })));
    const committed = await this.em.fork().transactional(async (tx) => {
      const rows = await queryBound<UpdatedRow>(tx, FIRE_AND_RECORD, [batch, this.startedAt.toISOString()]);
      await this.outbox.append(tx, rows.map(toNotification));
      return rows;
    });
    this.outbox.committed(committed.length);
    return committed.map((r) => ({
      alertId: r.id,
      userId: r.user_id,
      symbol: r.symbol,
      condition: r.condition,
      threshold: r.price,
      percent: r.percent,
      frequency: r.frequency,
      price: Number(r.tick_price),
      atMs: new Date(r.at).getTime(),
      late: r.late,
    }));
  }
}

const CONDITION_TEXT: Record<string, string> = {
  above: 'rose to or above',
  below: 'fell to or below',
  crosses_up: 'crossed up through',
  crosses_down: 'crossed down through',
  crosses: 'crossed',
  pct_up: 'rose by',
  pct_down: 'fell by',
};

function toNotification(row: UpdatedRow): OutboxMessage {
  const tick = new Decimal(row.tick_price).toString();
  const target = row.price ? new Decimal(row.price).toString() : `${new Decimal(row.percent ?? 0).toString()}%`;
  const at = new Date(row.at);
  return {
    eventKey: `alert:${row.id}:${at.getTime()}`,
    userId: row.user_id,
    category: 'alert',
    priority: 'high',
    title: `${row.symbol} ${CONDITION_TEXT[row.condition] ?? row.condition} ${target}`,
    body: `${row.symbol} is at ${tick}${row.late ? ' (the crossing happened while the server was down)' : ''}.`,
    data: { alertId: row.id, symbol: row.symbol, condition: row.condition, threshold: row.price ? new Decimal(row.price).toString() : null, percent: row.percent, price: tick, late: row.late },
    occurredAt: at,
  };
}
