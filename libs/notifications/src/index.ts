export * from './notifications.module';
export * from './notifications.options';
export * from './migration-list';
export * from './notification';
export { NotificationChannel, DeliverySkipped, type ChannelSender } from './channels/notification-channel';
export { SocketIoAdapter } from './websocket/socket-io.adapter';
export { WEBSOCKET_PATH } from './websocket/notifications.gateway';
export { signBody, SIGNATURE_HEADER, DELIVERY_HEADER } from './webhooks/webhook-signature';
