import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { DatabaseConnection } from './database-connection';

/**
 * PostgreSQL's JIT compiles a statement whose estimated cost passes jit_above_cost. The estimates of our batched
 * statements (rows from a JSON parameter, which the planner guesses at thousands) pass it, so a 5,000-row delivery
 * claim paid about 19 ms of compilation for a 150 ms statement, on every run. Short transactional statements never
 * win it back. Sent as a startup option, so it costs no round trip; the embedded PGlite has no JIT.
 */
const WITHOUT_JIT = '-c jit=off';

/**
 * Every statement here is written for READ COMMITTED, the default, which a server or database may change: the
 * alert limit's lock-then-count (create_alerts) needs each statement's own snapshot, and batches written under
 * SERIALIZABLE would fail with serialization errors. Sent as a startup option too (a client's option wins over
 * the database's and the role's defaults). The embedded database keeps PostgreSQL's default.
 */
const READ_COMMITTED = '-c default_transaction_isolation=read\\ committed';

/**
 * The embedded database gets one connection, whatever the profile's pool. PGlite has a single backend, and
 * pglite-socket queues the protocol messages of all connections one by one, keeping a connection's messages
 * together only inside a transaction: the Parse, Bind and Execute of two connections' parameterized queries
 * interleave, one Bind then runs against the other's statement, and each connection gets the other's rows
 * (electric-sql/pglite#1046, open; seen here as a fresh API key refused while another was looked up). A second
 * connection could only queue in that same backend anyway.
 */
const EMBEDDED_POOL = { min: 1, max: 1 };

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
              pool: { ...(connection.embedded ? EMBEDDED_POOL : { min: poolMin, max: poolMax }), acquireTimeoutMillis: 10_000 },
              debug: false,
              ensureDatabase: false,
              ...(connection.embedded ? {} : { driverOptions: { connection: { options: `${WITHOUT_JIT} ${READ_COMMITTED}` } } }),
            };
          },
        }),
      ],
      providers: [{ provide: DatabaseConnection, useValue: connection }],
      exports: [DatabaseConnection],
    };
  }
}
