// What a plugin hands to the notifications pipeline. Written in the same transaction as the state change
// that caused it; `eventKey` is unique per source event so a relayed or replayed event counts once (the outbox may
// hold a replayed key twice; the relay creates notifications `on conflict (event_key) do nothing`, so the second
// row becomes nothing).

export type NotificationCategory = 'alert' | 'order' | 'signal' | 'report' | 'system';
export type NotificationPriority = 'critical' | 'high' | 'normal' | 'low';

export interface OutboxMessage {
  eventKey: string;
  userId: string;
  category: NotificationCategory;
  priority: NotificationPriority;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** when the source event happened (for tick-to-notification latency) */
  occurredAt: Date;
}
