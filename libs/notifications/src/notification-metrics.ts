// Prometheus metrics of the notification pipeline (registered once per process by the platform helpers).
import { counter, gauge, histogram } from '@tradepulse/platform';

export const notificationMetrics = {
  relayed: counter({ name: 'tradepulse_notifications_relayed_total', help: 'Outbox rows turned into notifications' }),
  delivered: counter({ name: 'tradepulse_notifications_delivered_total', help: 'Notifications delivered, by channel', labelNames: ['channel'] }),
  failures: counter({ name: 'tradepulse_notification_delivery_failures_total', help: 'Notification deliveries that failed, by channel', labelNames: ['channel'] }),
  skipped: counter({ name: 'tradepulse_notification_deliveries_skipped_total', help: 'Deliveries not attempted (muted, channel off, no target), by channel', labelNames: ['channel'] }),
  batchSize: histogram({
    name: 'tradepulse_notification_batch_size',
    help: 'Notifications per flushed batch',
    buckets: [1, 2, 5, 10, 25, 50, 100],
  }),
  latency: histogram({
    name: 'tradepulse_notification_latency_seconds',
    help: 'From the source event (outbox occurred_at) to the send, by channel',
    labelNames: ['channel'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
  websocketConnections: gauge({ name: 'tradepulse_websocket_connections', help: 'Authenticated WebSocket connections of this process' }),
  webhookAttempts: counter({ name: 'tradepulse_webhook_attempts_total', help: 'Webhook POSTs, by outcome', labelNames: ['outcome'] }),
};
