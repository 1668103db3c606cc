// Tradepulse server entry: validates configuration, opens the database, then hands over to server.ts.
// Loading Nest, the plugins and their dependencies takes about as long as opening the embedded database, so the
// database starts first (on its own thread) and the rest loads while it opens: only light modules are imported here.
import { AppConfig, ConfigError, ProfileService, readEmbeddedProfileMarker } from '@tradepulse/config';
import { bootstrapDatabase } from './bootstrap-database';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  // validates PROFILE and every TP__ override before anything starts; the embedded database opens with the settings
  // of the last run-time switch (server.ts then reads that switch from the database itself)
  const embeddedProfile = config.env.DATABASE_URL ? undefined : readEmbeddedProfileMarker(config.dataDir);
  const bootProfiles = new ProfileService(config.explicitProfile ?? embeddedProfile ?? 'balanced', config.overrides);
  const database = bootstrapDatabase(config, bootProfiles.bootValue('database'), (error) => {
    process.stderr.write(`the embedded database stopped: ${error.stack ?? error.message}; exiting\n`);
    process.exit(1);
  });
  // reported by main().catch whichever of the two fails first; the other's failure must not go unhandled
  database.catch(() => undefined);
  const { serve } = await import('./server.js');
  await serve(config, await database);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`start-up failed: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
