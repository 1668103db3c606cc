// Every query on `notifications`, scoped by owner where a user asks.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { fromRow, NOTIFICATION_COLUMNS, StoredNotification } from '../notification';
import { BIGINT_ARRAY, query, run } from './sql';

export interface NotificationFilter {
  unread?: boolean;
  category?: string;
}

export interface RelayedBatch {
  /** outbox rows relayed (and deleted) by this call (a full batch means more may wait) */
  picked: number;
  /** notifications created by this call; an event key already relayed creates none */
  created: StoredNotification[];
}

const COLUMNS = NOTIFICATION_COLUMNS.split(', ').map((column) => `n.${column}`).join(', ');

@Injectable()
export class NotificationsRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * One statement, so one transaction: locks pending outbox rows (skipping rows another relay holds),
   * creates their notifications, queues them as undispatched and deletes the outbox rows. Committed
   * together or not at all, and durably: a pass lost in a database crash could give the same ids to other events
   * when relayed again, while a live process still holds the first ones in its batch windows.
   */
  async relayOutbox(limit: number): Promise<RelayedBatch> {
    const rows = await query(
      this.em,
      `with picked as (
         select id, event_key, user_id, category, priority, title, body, data, occurred_at from outbox
         order by id limit ? for update skip locked
       ), inserted as (
         insert into notifications (user_id, category, priority, title, body, data, event_key, occurred_at)
         select user_id, category, priority, title, body, data, event_key, occurred_at from picked order by id
         on conflict (event_key) do nothing
         returning ${NOTIFICATION_COLUMNS}
       ), queued as (
         insert into undispatched_notifications (notification_id) select id from inserted
       ), relayed as (
         delete from outbox where id in (select id from picked) returning id
       )
       select p.picked, i.* from (select count(*)::int as picked from relayed) p left join inserted i on true order by i.id`,
      [limit],
    );
    return { picked: Number(rows[0]?.picked ?? 0), created: rows.filter((row) => row.id !== null).map(fromRow) };
  }

  async list(userId: string, filter: NotificationFilter, limit: number, offset: number): Promise<{ items: StoredNotification[]; total: number }> {
    const [where, params] = ownedWhere(userId, filter);
    const [rows, counted] = await Promise.all([
      query(this.em, `select ${COLUMNS} from notifications n where ${where} order by n.id desc limit ? offset ?`, [...params, limit, offset]),
      query(this.em, `select count(*)::int as total from notifications n where ${where}`, params),
    ]);
    return { items: rows.map(fromRow), total: Number(counted[0]?.total ?? 0) };
  }

  async markRead(userId: string, ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    return run(this.em, `update notifications set read_at = now() where user_id = ? and id = any(${BIGINT_ARRAY}) and read_at is null`, [userId, ids]);
  }

  async markAllRead(userId: string): Promise<number> {
    return run(this.em, 'update notifications set read_at = now() where user_id = ? and read_at is null', [userId]);
  }

  /**
   * What a reconnecting WebSocket client missed: the newest `limit` notifications the websocket channel sent after
   * `afterId`, the last one the client saw. "After" in the order they were sent: those with a higher id, and
   * those with a lower id sent later (they waited in a batch window while a critical one went out alone, or in
   * another process); the latter are looked for among the `limit` notifications below `afterId`. Not those still
   * claimed: they are being sent (waiting for the user's rate, or in a batch of another process) and reach the
   * client live, in its room, which it has joined again; or the recovery sweep sends them. Replaying them as well
   * gave each twice. Oldest first.
   */
  async missedOnWebsocket(userId: string, afterId: string, limit: number): Promise<StoredNotification[]> {
    if (limit <= 0) return [];
    const sentOnWebsocket = `join deliveries d on d.notification_id = n.id and d.channel = 'websocket' and d.status = 'sent'`;
    const rows = await query(
      this.em,
      `with seen as (
         select d.updated_at as sent_at from notifications n ${sentOnWebsocket} where n.id = ? and n.user_id = ?
       )
       select * from (
         (select ${COLUMNS} from notifications n ${sentOnWebsocket}
          where n.user_id = ? and n.id > ? order by n.id desc limit ?)
         union all
         (select ${COLUMNS} from (select * from notifications where user_id = ? and id < ? order by id desc limit ?) n ${sentOnWebsocket}
          where d.updated_at > (select sent_at from seen))
         order by id desc limit ?
       ) missed order by id`,
      [afterId, userId, userId, afterId, limit, userId, afterId, limit, limit],
    );
    return rows.map(fromRow);
  }

  /**
   * Notifications relayed but never handed to the channels (the process stopped while they waited in a batch
   * window), older than their window plus `graceSec`, so batches still open in a live process are left alone.
   */
  async undispatched(graceSec: number, batchWindowMs: number, limit: number): Promise<StoredNotification[]> {
    return this.findUndispatched(
      `n.created_at < now() - make_interval(secs => ? + case when p.digest_enabled then p.digest_window_sec else 0 end)`,
      [graceSec + batchWindowMs / 1000],
      limit,
    );
  }

  /** Notifications relayed before `before` and never dispatched: when this process is the only one, all are orphans. */
  async undispatchedBefore(before: Date, limit: number): Promise<StoredNotification[]> {
    return this.findUndispatched('n.created_at < ?::timestamptz', [before.toISOString()], limit);
  }

  private async findUndispatched(condition: string, params: unknown[], limit: number): Promise<StoredNotification[]> {
    const rows = await query(
      this.em,
      `select ${COLUMNS} from undispatched_notifications u
       join notifications n on n.id = u.notification_id
       left join notification_preferences p on p.user_id = n.user_id
       where ${condition}
       order by n.id limit ?`,
      [...params, limit],
    );
    return rows.map(fromRow);
  }
}

function ownedWhere(userId: string, filter: NotificationFilter): [string, unknown[]] {
  const clauses = ['n.user_id = ?'];
  const params: unknown[] = [userId];
  if (filter.unread === true) clauses.push('n.read_at is null');
  if (filter.unread === false) clauses.push('n.read_at is not null');
  if (filter.category) {
    clauses.push('n.category = ?');
    params.push(filter.category);
  }
  return [clauses.join(' and '), params];
}
