// What every plugin stands on: database, cache, queues, event bus, auth, validation, errors, throttling.
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyService } from './auth/api-key.service';
import { ApiKeysRepository } from './auth/api-keys.repository';
import { RevocationAnnouncements } from './auth/revocation-announcements';
import { Announcements } from './redis/announcements';
import { CacheModule } from './cache/cache.module';
import { DatabaseConnection } from './database/database-connection';
import { DatabaseModule } from './database/database.module';
import { OutboxWriter } from './outbox/outbox.writer';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { StorableTextPipe } from './errors/storable-text.pipe';
import { createValidationPipe } from './errors/validation';
import { EventBus } from './events/event-bus';
import { HealthRegistry } from './health/health-registry';
import { CachedReadFastPath } from './http/cached-read-fast-path';
import { RouteStats } from './http/route-stats';
import { JobQueueFactory } from './queue/job-queue.factory';
import { ApiThrottlerGuard } from './throttling/api-throttler.guard';
import { ThrottlingModule } from './throttling/throttling.module';
import { AdminBootstrap } from './users/admin-bootstrap';
import { ApiKey } from './users/api-key.entity';
import { AuthController } from './users/auth.controller';
import { MeController } from './users/me.controller';
import { User } from './users/user.entity';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

export interface PlatformOptions {
  database: DatabaseConnection;
  routeStats: RouteStats;
}

@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        DatabaseModule.forRoot(options.database),
        MikroOrmModule.forFeature([User, ApiKey]),
        CacheModule,
        ThrottlingModule,
      ],
      controllers: [AuthController, MeController],
      providers: [
        { provide: RouteStats, useValue: options.routeStats },
        EventBus,
        OutboxWriter,
        HealthRegistry,
        JobQueueFactory,
        ApiKeysRepository,
        UsersRepository,
        ApiKeyService,
        Announcements,
        RevocationAnnouncements,
        CachedReadFastPath,
        UsersService,
        AdminBootstrap,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: ApiThrottlerGuard },
        // in this order: text PostgreSQL cannot store is refused before validation reads it
        { provide: APP_PIPE, useClass: StorableTextPipe },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
      exports: [RouteStats, Announcements, CachedReadFastPath, EventBus, OutboxWriter, HealthRegistry, JobQueueFactory, ApiKeyService, UsersService, CacheModule],
    };
  }
}
