import { MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { DatabaseConnection } from './database-connection';
import { MigrationRunner } from './migration-runner';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(connection: DatabaseConnection, migrations: MigrationObject[]): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        MikroOrmModule.forRootAsync({
          driver: PostgreSqlDriver,
          inject: [ProfileService],
          useFactory: (profiles: ProfileService) => {
            const { poolMin, poolMax } = profiles.bootValue('database');
            return {
              driver: PostgreSqlDriver,
              clientUrl: connection.url,
              autoLoadEntities: true,
              registerRequestContext: true,
              forRoutesPath: '{*path}',
              pool: { min: poolMin, max: poolMax, acquireTimeoutMillis: 10_000 },
              extensions: [Migrator],
              migrations: { migrationsList: migrations, transactional: true, allOrNothing: true },
              debug: false,
              ensureDatabase: false,
            };
          },
        }),
      ],
      providers: [{ provide: DatabaseConnection, useValue: connection }, MigrationRunner],
      exports: [DatabaseConnection],
    };
  }
}
