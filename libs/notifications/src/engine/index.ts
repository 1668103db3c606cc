export * from './notification-batcher';
export * from './statement-coalescer';
