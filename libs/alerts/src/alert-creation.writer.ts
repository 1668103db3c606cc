// Inserts the alerts of concurrent creates as one batch (a StatementCoalescer, one batch in flight), enforcing
// the per-user limit of active alerts exactly, across processes too. The batch is one call of the database
// function create_alerts (alerts migrations): one round trip, in which the batch's users are locked and only the
// creates that fit are inserted, in arrival order.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { queryBound, StatementCoalescer } from '@tradepulse/platform';
import type { AlertFields } from './alert-view';

export interface NewAlert extends AlertFields {
  userId: string;
}

export type CreationOutcome = { created: true } | { created: false; limit: number; activeAlerts: number };

const CREATE_ALERTS = 'select ord, created, active_before from create_alerts(?::jsonb, ?::int)';

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
    const decisions = await queryBound<Decision>(this.em.fork(), CREATE_ALERTS, [JSON.stringify(alerts.map(toRow)), limit]);
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
