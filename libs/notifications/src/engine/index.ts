export * from './notification-batcher';
