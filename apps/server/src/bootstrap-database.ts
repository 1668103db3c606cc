// Where the database is, decided before Nest starts: DATABASE_URL, or PGlite in DATA_DIR served on loopback.
import type { AppConfig, ProfileConfig } from '@tradepulse/config';
// Straight from the files, not the @tradepulse/platform barrel: main.ts starts the database before it loads Nest and
// every plugin, and the barrel would load them all first.
import { DatabaseConnection } from '../../../libs/platform/src/database/database-connection';
import { EmbeddedDatabase, startEmbeddedDatabase } from '../../../libs/platform/src/database/embedded-database';

/** pglite-socket must accept at least as many connections as the largest pool plus the pre-start read. */
const EMBEDDED_MAX_CONNECTIONS = 32;

export async function bootstrapDatabase(
  config: AppConfig,
  settings: ProfileConfig['database'],
  onEmbeddedLost: (error: Error) => void,
): Promise<{ connection: DatabaseConnection; embedded?: EmbeddedDatabase }> {
  if (config.env.DATABASE_URL) return { connection: new DatabaseConnection(config.env.DATABASE_URL, false) };
  const embedded = await startEmbeddedDatabase(
    { dataDir: config.dataDir, maxConnections: EMBEDDED_MAX_CONNECTIONS, sharedBuffersMb: settings.embeddedSharedBuffersMb },
    onEmbeddedLost,
  );
  return { connection: new DatabaseConnection(embedded.url, true), embedded };
}
