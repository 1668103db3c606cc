// Where the database is, decided before Nest starts: DATABASE_URL, or PGlite in DATA_DIR served on loopback.
import { AppConfig } from '@tradepulse/config';
import { DatabaseConnection, EmbeddedDatabase, startEmbeddedDatabase } from '@tradepulse/platform';

/** pglite-socket must accept at least as many connections as the largest pool plus the pre-start read. */
const EMBEDDED_MAX_CONNECTIONS = 32;

export async function bootstrapDatabase(config: AppConfig): Promise<{ connection: DatabaseConnection; embedded?: EmbeddedDatabase }> {
  if (config.env.DATABASE_URL) return { connection: new DatabaseConnection(config.env.DATABASE_URL, false) };
  const embedded = await startEmbeddedDatabase(config.dataDir, EMBEDDED_MAX_CONNECTIONS);
  return { connection: new DatabaseConnection(embedded.url, true), embedded };
}
