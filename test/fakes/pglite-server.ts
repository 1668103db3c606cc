// A standalone PostgreSQL-compatible server (PGlite) that a test can kill or restart to simulate a database outage.
// In memory, or in PGLITE_DATA_DIR so that a restart (SIGTERM, then a new process on the same directory and
// PGLITE_PORT) finds its data again. Prints {"port":N} once it listens.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

async function main(): Promise<void> {
  const db = await PGlite.create(process.env.PGLITE_DATA_DIR || undefined);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: Number(process.env.PGLITE_PORT ?? 0), maxConnections: 32 });
  await server.start();
  process.stdout.write(`${JSON.stringify({ port: Number(server.getServerConn().split(':').pop()) })}\n`);
  process.once('SIGTERM', () => void server.stop().then(() => db.close()).then(() => process.exit(0)));
}

void main();
