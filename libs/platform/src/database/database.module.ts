import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { DatabaseConnection } from './database-connection';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(connection: DatabaseConnection): DynamicModule {
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
              // every repository forks its own EntityManager: no per-request context middleware on the hot path
              registerRequestContext: false,
              pool: { min: poolMin, max: poolMax, acquireTimeoutMillis: 10_000 },
              debug: false,
              ensureDatabase: false,
            };
          },
        }),
      ],
      providers: [{ provide: DatabaseConnection, useValue: connection }],
      exports: [DatabaseConnection],
    };
  }
}
