// A standalone PostgreSQL-compatible server (PGlite in memory) that a test can kill to simulate a database outage.
// Prints {"port":N} once it listens.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

async function main(): Promise<void> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
  await server.start();
  process.stdout.write(`${JSON.stringify({ port: Number(server.getServerConn().split(':').pop()) })}\n`);
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

void main();
