// Tradepulse server: runs migrations, composes the plugins for the configured roles, serves, shuts down on SIGTERM.
import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, ProfileName, ProfileService } from '@tradepulse/config';
import { readStoredProfile } from '@tradepulse/monitoring';
import { SocketIoAdapter } from '@tradepulse/notifications';
import { DatabaseConnection, DatabaseCreation, EmbeddedDatabase, RouteStats, runMigrations, stopDatabaseRetries } from '@tradepulse/platform';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import { setUpHttp } from './http-setup';
import { ALL_MIGRATIONS } from './migrations';

const SHUTDOWN_DEADLINE_MS = 9_000;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const EMBEDDED_DATABASE_CREATED: Record<DatabaseCreation, string> = {
  template: "created the embedded database from the build's template",
  initdb: "created the embedded database with initdb: the build's template for this PGlite version was missing or could not be copied (`npm run build` makes it)",
};

export async function serve(config: AppConfig, { connection, embedded }: { connection: DatabaseConnection; embedded?: EmbeddedDatabase }): Promise<void> {
  const applied = await runMigrations(connection.url, ALL_MIGRATIONS);
  if (applied.length) new NestLogger('Database').log(`applied migrations: ${applied.join(', ')}`);
  const profileName = await chooseProfile(config, connection.url);
  const profiles = new ProfileService(profileName, config.overrides);
  const routeStats = new RouteStats();

  const adapter = new FastifyAdapter({
    bodyLimit: profiles.bootValue('http').bodyLimitBytes,
    trustProxy: profiles.bootValue('http').trustProxy,
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      (req as IncomingMessage & { id: string }).id = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, profiles, database: connection, routeStats }), adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  if (embedded?.created) new NestLogger('Database').debug(EMBEDDED_DATABASE_CREATED[embedded.created]);
  app.useWebSocketAdapter(new SocketIoAdapter(app));
  const stoppingGate = await setUpHttp(app, profiles, routeStats);
  app.enableShutdownHooks();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stoppingGate.close();
    stopDatabaseRetries();
    const logger = new NestLogger('Shutdown');
    logger.log(`${signal}: refusing new requests (503), finishing running work, closing queues and the database`);
    setTimeout(() => {
      logger.error(`still running ${SHUTDOWN_DEADLINE_MS} ms after ${signal}; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    let code = 0;
    try {
      await app.close();
    } catch (error) {
      code = 1;
      logger.error(`shutdown hook failed: ${(error as Error).stack ?? error}`);
    }
    await embedded?.stop().catch((error: Error) => logger.error(`closing the embedded database failed: ${error.message}`));
    process.exit(code);
  };
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.env.PORT, host: config.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.env.PORT;
  const database = embedded ? `embedded database, shared_buffers ${embedded.sharedBuffersMb} MB` : 'PostgreSQL';
  new NestLogger('Tradepulse').log(`listening on http://${config.host}:${port} (profile ${profiles.name}, ${database}, ${config.distributed ? 'Redis' : 'in-process cache and queues'})`);
  // machine-readable line for scripts and tests that start the server on port 0
  process.stdout.write(`${JSON.stringify({ event: 'listening', port, host: config.host })}\n`);
}

async function chooseProfile(config: AppConfig, databaseUrl: string): Promise<ProfileName> {
  const stored = await readStoredProfile(databaseUrl);
  const logger = new NestLogger('Profile');
  if (config.explicitProfile) {
    if (stored && stored !== config.explicitProfile) logger.log(`PROFILE=${config.explicitProfile} is set explicitly and wins over the stored profile ${stored}`);
    return config.explicitProfile;
  }
  if (stored) logger.log(`restoring profile ${stored} from the last run-time switch`);
  return stored ?? 'balanced';
}
