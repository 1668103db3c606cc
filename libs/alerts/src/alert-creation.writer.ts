// Inserts the alerts of concurrent creates as one batch (a StatementCoalescer, one batch in flight) in one transaction, enforcing the per-user
// limit of active alerts exactly, across processes too: the batch's users are locked, then one statement counts
// each user's active alerts and inserts only the creates that fit, in arrival order.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { queryBound, StatementCoalescer } from '@tradepulse/platform';
import type { AlertFields } from './alert-view';

export interface NewAlert extends AlertFields {
  userId: string;
}

export type CreationOutcome = { created: true } | { created: false; limit: number; activeAlerts: number };

/**
 * Advisory locks per user, taken in key order so two batches with overlapping users cannot deadlock. A separate
 * statement on purpose: in READ COMMITTED the next statement's snapshot then sees what the previous holder committed.
 */
const LOCK_USERS = `
  select pg_advisory_xact_lock(key)
  from (select distinct hashtext(user_id) as key from jsonb_array_elements_text(?::jsonb) as u(user_id) order by key) as keys`;

const INSERT_WITHIN_LIMIT = `
  with input as (
    select * from jsonb_to_recordset(?::jsonb) as r(ord int, id uuid, user_id uuid, symbol text, condition text, price numeric,
      percent numeric, window_sec int, frequency text, cooldown_sec int, note text, expires_at timestamptz, created_at timestamptz)
  ), active as (
    select user_id, count(*)::int as alerts from alerts
    where status = 'active' and user_id in (select user_id from input)
    group by user_id
  ), decided as (
    select i.*, coalesce(a.alerts, 0) as active_before,
      coalesce(a.alerts, 0) + row_number() over (partition by i.user_id order by i.ord) <= ?::int as created
    from input i left join active a using (user_id)
  ), inserted as (
    insert into alerts (id, user_id, symbol, condition, price, percent, window_sec, frequency, cooldown_sec, status, note, expires_at, trigger_count, created_at, updated_at)
    select id, user_id, symbol, condition, price, percent, window_sec, frequency, cooldown_sec, 'active', note, expires_at, 0, created_at, created_at
    from decided where created
  )
  select ord, created, active_before from decided`;

interface Decision {
  ord: number;
  created: boolean;
  active_before: number;
}

@Injectable()
export class AlertCreationWriter {
  private maxPerUser: number;
  private batchSize: number;
  private readonly batches = new StatementCoalescer<NewAlert, CreationOutcome | Error>((alerts) => this.insertBatch(alerts), {
    maxInFlight: 1,
    maxRows: () => this.batchSize,
  });

  constructor(
    private readonly em: EntityManager,
    profiles: ProfileService,
  ) {
    this.maxPerUser = profiles.section('alerts').maxPerUser;
    this.batchSize = profiles.section('database').batchSize;
    profiles.onChange('alerts', (next) => (this.maxPerUser = next.maxPerUser));
    profiles.onChange('database', (next) => (this.batchSize = next.batchSize));
  }

  /** Resolves once the alert is stored, or refused by the limit; rejects (nothing stored) if writing it failed. */
  async create(alert: NewAlert): Promise<CreationOutcome> {
    const [outcome] = await this.batches.submit([alert]);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * One statement for the batch. If the database refuses it, the creates are written one by one, so a row only
   * the database can reject (an out-of-range value that passed validation) fails its own request, not its batch's.
   */
  private async insertBatch(alerts: NewAlert[]): Promise<Array<CreationOutcome | Error>> {
    try {
      return await this.insertRows(alerts);
    } catch (error) {
      if (alerts.length === 1) return [error as Error];
      const outcomes: Array<CreationOutcome | Error> = [];
      for (const alert of alerts) outcomes.push(...(await this.insertBatch([alert])));
      return outcomes;
    }
  }

  private async insertRows(alerts: NewAlert[]): Promise<CreationOutcome[]> {
    const limit = this.maxPerUser;
    const users = JSON.stringify([...new Set(alerts.map((a) => a.userId))]);
    const rows = JSON.stringify(alerts.map(toRow));
    const decisions = await this.em.fork().transactional(async (tx) => {
      await queryBound(tx, LOCK_USERS, [users]);
      return queryBound<Decision>(tx, INSERT_WITHIN_LIMIT, [rows, limit]);
    });
    const outcomes: CreationOutcome[] = new Array(alerts.length);
    for (const d of decisions) {
      // a refused create sees the alerts stored before it in this batch too: at most `limit` (more if the limit was lowered)
      outcomes[d.ord] = d.created ? { created: true } : { created: false, limit, activeAlerts: Math.max(d.active_before, limit) };
    }
    return outcomes;
  }
}

function toRow(alert: NewAlert, ord: number) {
  return {
    ord,
    id: alert.id,
    user_id: alert.userId,
    symbol: alert.symbol,
    condition: alert.condition,
    price: alert.price ?? null,
    percent: alert.percent ?? null,
    window_sec: alert.windowSec ?? null,
    frequency: alert.frequency,
    cooldown_sec: alert.cooldownSec,
    note: alert.note ?? null,
    expires_at: alert.expiresAt ? alert.expiresAt.toISOString() : null,
    created_at: alert.createdAt.toISOString(),
  };
}
