// A stored notification as the pipeline carries it, and the shape clients receive (REST, WebSocket, webhooks).
import type { NotificationCategory, NotificationPriority } from '@tradepulse/platform';
import { toDate } from './store/sql';

export const NOTIFICATION_CATEGORIES: readonly NotificationCategory[] = ['alert', 'order', 'signal', 'report', 'system'];
export const NOTIFICATION_PRIORITIES: readonly NotificationPriority[] = ['critical', 'high', 'normal', 'low'];

export interface StoredNotification {
  /** bigserial, as a decimal string: clients replay "since the last id" */
  id: string;
  userId: string;
  category: NotificationCategory;
  priority: NotificationPriority;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: Date;
  /** when the source event happened; latency is measured from here */
  occurredAt: Date;
  readAt: Date | null;
}

export interface NotificationView {
  id: string;
  category: NotificationCategory;
  priority: NotificationPriority;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
  data: Record<string, unknown>;
}

export function toView(notification: StoredNotification): NotificationView {
  return {
    id: notification.id,
    category: notification.category,
    priority: notification.priority,
    title: notification.title,
    body: notification.body,
    createdAt: notification.createdAt.toISOString(),
    readAt: notification.readAt ? notification.readAt.toISOString() : null,
    data: notification.data,
  };
}

/** Maps a `notifications` row (snake_case, as the driver returns it) to the pipeline's shape. */
export function fromRow(row: Record<string, unknown>): StoredNotification {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    category: row.category as NotificationCategory,
    priority: row.priority as NotificationPriority,
    title: String(row.title),
    body: String(row.body),
    data: (row.data ?? {}) as Record<string, unknown>,
    createdAt: toDate(row.created_at),
    occurredAt: toDate(row.occurred_at ?? row.created_at),
    readAt: row.read_at ? toDate(row.read_at) : null,
  };
}

export const NOTIFICATION_COLUMNS = 'id, user_id, category, priority, title, body, data, created_at, occurred_at, read_at';

/** One item of a delivered batch (WebSocket `notification` event, webhook body). */
export interface DeliveredItem {
  id: string;
  category: string;
  priority: string;
  title: string;
  body: string;
  createdAt: string;
  data: Record<string, unknown>;
}

export function toDeliveredItem(notification: StoredNotification): DeliveredItem {
  const { id, category, priority, title, body, data } = notification;
  return { id, category, priority, title, body, createdAt: notification.createdAt.toISOString(), data };
}
