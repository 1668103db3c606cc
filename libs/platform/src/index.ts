/** Domain event name → payload; plugins extend it by module augmentation of '@tradepulse/platform'. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DomainEvents {}

export * from './auth/api-key.guard';
export * from './auth/api-key.service';
export * from './auth/auth-user';
export * from './auth/auth.decorators';
export * from './batching/statement-coalescer';
export * from './cache/answer-encodings';
export * from './cache/app-cache';
export * from './cache/cache-metadata';
export * from './cache/cache.decorators';
export * from './database/bound-query';
export * from './database/database-connection';
export * from './database/embedded-database';
export * from './database/run-migrations';
export * from './outbox/migration-list';
export * from './users/migration-list';
export * from './database/lazy-migrations';
export * from './errors';
export * from './events/event-bus';
export * from './health/health-registry';
export * from './http/cached-read-fast-path';
export * from './http/request-timing';
export * from './redis/redis-client';
export * from './http/route-stats';
export * from './metrics/metrics';
export * from './pagination/page';
export * from './platform.module';
export * from './queue/job-queue';
export * from './queue/job-queue.factory';
export * from './users/user.entity';
export * from './users/users.service';
export * from './outbox/outbox-message';
export * from './outbox/outbox.writer';
export * from './ownership/owned.repository';
