// The embedded database's thread (started by embedded-database.ts): PGlite, PostgreSQL compiled to WebAssembly,
// with its data in DATA_DIR/pgdata, behind pglite-socket's wire-protocol server on a loopback port (on a first
// start, copied from the build's template first); or, on a first start without a template, a thread that only
// creates the database and ends.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseCreation, DatabaseThreadData, EmbeddedDatabaseOptions, FromDatabaseThread, pgDataDirectory, ToDatabaseThread } from './embedded-database';
import { copyTemplate, INITDB_OPTIONS } from './embedded-database-template';

/**
 * PGlite runs PostgreSQL in single-user mode: one backend, whatever pglite-socket multiplexes onto it. PostgreSQL
 * still sizes its shared process and lock tables for max_connections (default 100), and PGlite's shared memory is
 * resident from the start: 10 instead of 100 is 3 MB less RSS (shared_memory_size 24 → 21 MB at 16 MB of
 * shared_buffers). The lock table keeps max_locks_per_transaction × (10 + the fixed auxiliary slots) ≈ 1,500
 * entries for the one backend, far more than a migration or a batch here takes.
 */
const PGLITE_MAX_CONNECTIONS = 10;

/** PGlite.create runs initdb when the directory holds no database, then opens it. */
function openPglite(options: EmbeddedDatabaseOptions): Promise<PGlite> {
  const directory = pgDataDirectory(options.dataDir);
  mkdirSync(directory, { recursive: true });
  // PGlite's defaults plus a smaller shared_buffers (PostgreSQL's default is 128 MB, all of it resident from the
  // start). Durability is PGlite's default and unchanged: its -F (fsync off) means a commit is written to the
  // files before it returns, so it survives the process ending in any way, but not a crash of the machine.
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.sharedBuffersMb}MB`, '-c', `max_connections=${PGLITE_MAX_CONNECTIONS}`];
  return PGlite.create(directory, { ...INITDB_OPTIONS, startParams });
}

/**
 * Copies the template into the empty data directory. Should that fail, PGlite.create runs initdb on this thread
 * instead: the database works the same, and this thread keeps initdb's memory until the next start.
 */
function createFromTemplate(template: string, options: EmbeddedDatabaseOptions): DatabaseCreation {
  try {
    copyTemplate(template, pgDataDirectory(options.dataDir));
    return 'template';
  } catch (error) {
    process.stderr.write(`copying the embedded database template ${template} failed, running initdb instead: ${(error as Error).message}\n`);
    return 'initdb';
  }
}

async function open(options: DatabaseThreadData): Promise<{ db: PGlite; server: PGLiteSocketServer; created?: DatabaseCreation }> {
  const created = options.template === undefined ? undefined : createFromTemplate(options.template, options);
  const db = await openPglite(options);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections });
  await server.start();
  return { db, server, created };
}

function send(message: FromDatabaseThread): void {
  parentPort!.postMessage(message);
}

function serve(options: DatabaseThreadData): void {
  open(options).then(
    ({ db, server, created }) => {
      parentPort!.once('message', (message: ToDatabaseThread) => {
        if (message.type !== 'stop') return;
        // the thread ends with the event loop once both are closed; a failure to close ends it with code 1
        server
          .stop()
          .then(() => db.close())
          .then(() => parentPort!.close())
          .catch((error: Error) => {
            process.stderr.write(`closing the embedded database failed: ${error.stack ?? error.message}\n`);
            process.exit(1);
          });
      });
      send({ type: 'listening', address: server.getServerConn(), created });
    },
    (error: Error) => send({ type: 'failed', error: error.stack ?? error.message }),
  );
}

const data = workerData as DatabaseThreadData;
if (data.task === 'create') {
  // a failure is an uncaught error of this thread, which the main thread reports
  void openPglite(data).then((db) => db.close());
} else {
  serve(data);
}
