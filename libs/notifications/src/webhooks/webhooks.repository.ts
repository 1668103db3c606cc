// Every query on `webhooks`, scoped by owner where a user asks.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { randomUUID } from 'node:crypto';
import { optionalDate, query, Row, run, toDate } from '../store/sql';
import { EndpointReach } from './endpoint-reach';

export interface WebhookEndpoint {
  id: string;
  userId: string;
  url: string;
  secret: string;
  consecutiveFailures: number;
  lastError: string | null;
  lastDeliveredAt: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'id, user_id, url, secret, consecutive_failures, last_error, last_delivered_at, disabled_at, created_at';

@Injectable()
export class WebhooksRepository {
  /** every write that changes who has an enabled endpoint is here, and calls reach.forget() once committed */
  private readonly reach: EndpointReach;

  constructor(
    private readonly em: EntityManager,
    config: AppConfig,
  ) {
    // only the embedded database guarantees one process: processes sharing a PostgreSQL (with or without Redis)
    // create and delete endpoints each other's dispatchers would not hear of
    this.reach = new EndpointReach(!config.env.DATABASE_URL);
  }

  /** The new endpoint, or undefined when the user has this URL registered already. */
  async create(userId: string, url: string, secret: string): Promise<WebhookEndpoint | undefined> {
    const rows = await query(
      this.em,
      `insert into webhooks (id, user_id, url, secret) values (?, ?, ?, ?) on conflict (user_id, url) do nothing returning ${COLUMNS}`,
      [randomUUID(), userId, url, secret],
    );
    if (!rows.length) return undefined;
    this.reach.forget();
    return toEndpoint(rows[0]);
  }

  async listOwned(userId: string, limit: number, offset: number): Promise<{ items: WebhookEndpoint[]; total: number }> {
    const [rows, counted] = await Promise.all([
      query(this.em, `select ${COLUMNS} from webhooks where user_id = ? order by created_at, id limit ? offset ?`, [userId, limit, offset]),
      query(this.em, 'select count(*)::int as total from webhooks where user_id = ?', [userId]),
    ]);
    return { items: rows.map(toEndpoint), total: Number(counted[0]?.total ?? 0) };
  }

  async countOwned(userId: string): Promise<number> {
    const rows = await query(this.em, 'select count(*)::int as total from webhooks where user_id = ?', [userId]);
    return Number(rows[0]?.total ?? 0);
  }

  /** false when the id is missing or another user's: the caller answers both the same way. */
  async deleteOwned(userId: string, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const deleted = (await run(this.em, 'delete from webhooks where id = ? and user_id = ?', [id, userId])) > 0;
    if (deleted) this.reach.forget();
    return deleted;
  }

  /** Enables a disabled endpoint again with a fresh failure count; undefined when the id is missing or another user's. */
  async enableOwned(userId: string, id: string): Promise<WebhookEndpoint | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows = await query(
      this.em,
      `update webhooks set disabled_at = null, consecutive_failures = 0 where id = ? and user_id = ? returning ${COLUMNS}`,
      [id, userId],
    );
    if (!rows[0]) return undefined;
    this.reach.forget();
    return toEndpoint(rows[0]);
  }

  async enabledFor(userId: string): Promise<WebhookEndpoint[]> {
    const rows = await query(this.em, `select ${COLUMNS} from webhooks where user_id = ? and disabled_at is null order by created_at, id`, [userId]);
    return rows.map(toEndpoint);
  }

  /** Of these users, those with at least one enabled endpoint (remembered in a single process, see EndpointReach). */
  usersWithEnabledEndpoints(userIds: readonly string[]): Promise<Set<string>> {
    return this.reach.usersWithEnabledEndpoints(userIds, async (unknown) => {
      const rows = await query(this.em, 'select distinct user_id from webhooks where user_id = any(array[?]::uuid[]) and disabled_at is null', [unknown]);
      return new Set(rows.map((row) => String(row.user_id)));
    });
  }

  async findById(id: string): Promise<WebhookEndpoint | undefined> {
    const rows = await query(this.em, `select ${COLUMNS} from webhooks where id = ?`, [id]);
    return rows[0] ? toEndpoint(rows[0]) : undefined;
  }

  async recordSuccess(id: string): Promise<void> {
    await run(this.em, 'update webhooks set consecutive_failures = 0, last_error = null, last_delivered_at = now() where id = ?', [id]);
  }

  /** Counts a failed POST; returns true when this failure disabled the endpoint. */
  async recordFailure(id: string, error: string, disableAfterFailures: number): Promise<boolean> {
    const rows = await query(
      this.em,
      `update webhooks w set consecutive_failures = w.consecutive_failures + 1, last_error = ?,
         disabled_at = case when w.consecutive_failures + 1 >= ? then coalesce(w.disabled_at, now()) else w.disabled_at end
       from webhooks prior where w.id = ? and prior.id = w.id
       returning w.disabled_at is not null and prior.disabled_at is null as disabled_now`,
      [error.slice(0, 500), disableAfterFailures, id],
    );
    const disabledNow = rows[0]?.disabled_now === true;
    if (disabledNow) this.reach.forget();
    return disabledNow;
  }
}

function toEndpoint(row: Row): WebhookEndpoint {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    url: String(row.url),
    secret: String(row.secret),
    consecutiveFailures: Number(row.consecutive_failures),
    lastError: (row.last_error as string | null) ?? null,
    lastDeliveredAt: optionalDate(row.last_delivered_at),
    disabledAt: optionalDate(row.disabled_at),
    createdAt: toDate(row.created_at),
  };
}
