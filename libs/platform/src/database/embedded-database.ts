// The embedded PostgreSQL: PGlite persisted in DATA_DIR, served over the wire protocol on loopback so that
// MikroORM talks to it exactly as it talks to a real server (same driver, same migrations). PGlite runs on a
// worker thread (embedded-database.worker.ts): it opens while the main thread loads Nest and the plugins, and its
// WebAssembly never blocks the HTTP event loop. This file imports nothing heavy, so main.ts can start it first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { findTemplate } from './embedded-database-template';

const THREAD_SCRIPT = join(__dirname, 'embedded-database.worker.js');

/**
 * The database thread's V8 young generation. Its JavaScript is PGlite's glue and pglite-socket's framing (short-lived
 * buffers per message); PostgreSQL's own memory is WebAssembly memory outside the V8 heap. Node's default lets the
 * young generation grow to 16 MB of semi-spaces; 6 MB (2 MB semi-spaces) is 4 MB less RSS and, measured here,
 * no change in bulk inserts, single-row inserts or point selects through the socket.
 */
const THREAD_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 6 };

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  /** pglite-socket's limit: at least the largest pool plus the short-lived start-up connections */
  maxConnections: number;
  /** PostgreSQL shared_buffers, in MiB */
  sharedBuffersMb: number;
}

export interface EmbeddedDatabase {
  url: string;
  /** the shared_buffers it opened with (a profile switch changes it at the next start) */
  sharedBuffersMb: number;
  /** how this start made the database: copied from the build's template or by initdb; undefined when it existed */
  created?: DatabaseCreation;
  /** Closes the socket server and PGlite (a clean shutdown checkpoint) and ends the thread. */
  stop(): Promise<void>;
}

export type DatabaseCreation = 'template' | 'initdb';

/**
 * What a database thread does: create the database (initdb) and end, or open the database and serve it, on a first
 * start after copying `template` into the data directory.
 */
export interface DatabaseThreadData extends EmbeddedDatabaseOptions {
  task: 'create' | 'serve';
  template?: string;
}

/** Where PGlite keeps the PostgreSQL data directory inside DATA_DIR. */
export function pgDataDirectory(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/** Messages between the main thread and the database thread. */
export type ToDatabaseThread = { type: 'stop' };
export type FromDatabaseThread = { type: 'listening'; address: string; created?: DatabaseCreation } | { type: 'failed'; error: string };

/**
 * Opens the embedded database on its own thread. `onLost` is called if the thread dies after it opened: the
 * process cannot serve without its database, and the caller decides how to end.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions, onLost: (error: Error) => void): Promise<EmbeddedDatabase> {
  compileWasmOnce();
  const pgdata = pgDataDirectory(options.dataDir);
  if (existsSync(join(pgdata, 'PG_VERSION'))) return serveDatabase(options, onLost);
  // a first start: the serving thread copies the build's template while this thread loads Nest (a thread of its own
  // would not do: this thread sees it end only once Nest has loaded, and the database would open after that)
  const template = findTemplate(pgdata);
  if (template) return serveDatabase({ ...options, template }, onLost);
  await createEmbeddedDatabase(options);
  return { ...(await serveDatabase(options, onLost)), created: 'initdb' };
}

/**
 * PostgreSQL's WebAssembly is compiled once by V8's baseline compiler (Liftoff) and not recompiled by its
 * optimizing tier. Measured here: 40-50 MB less RSS (the optimized copies of PostgreSQL's hot functions), a
 * faster cold start, and the e2e suites of alerts and notifications 15 % faster; the embedded database
 * serves short queries, where recompiling cost more than it won back. Set before PGlite's module is compiled
 * (V8 reads it at compile time); the process's only other WebAssembly is undici's HTTP parser.
 */
function compileWasmOnce(): void {
  setFlagsFromString('--liftoff-only');
}

/**
 * Runs initdb in DATA_DIR/pgdata on a thread that then ends: on a first start without a template, and to make the
 * template at build time. initdb leaves its own PGlite instance's WebAssembly memory behind until the thread's next
 * full GC (measured: 850 MB RSS after a first start, 300 MB after a restart); a thread of its own gives it all back.
 */
export function createEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<void> {
  const worker = new Worker(THREAD_SCRIPT, { workerData: { ...options, task: 'create' } satisfies DatabaseThreadData, resourceLimits: THREAD_RESOURCE_LIMITS });
  return new Promise<void>((resolve, reject) => {
    const fail = (reason: string) => reject(new Error(`creating the embedded database failed: ${reason}`));
    worker.once('error', (error) => fail(error.message));
    worker.once('exit', (code) => (code === 0 ? resolve() : fail(`its thread exited with code ${code}`)));
  });
}

function serveDatabase(options: EmbeddedDatabaseOptions & { template?: string }, onLost: (error: Error) => void): Promise<EmbeddedDatabase> {
  const worker = new Worker(THREAD_SCRIPT, { workerData: { ...options, task: 'serve' } satisfies DatabaseThreadData, resourceLimits: THREAD_RESOURCE_LIMITS });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let stopping = false;
  return new Promise<EmbeddedDatabase>((resolve, reject) => {
    const failBeforeOpen = (error: Error) => reject(new Error(`the embedded database did not open: ${error.message}`));
    worker.once('error', failBeforeOpen);
    void exited.then((code) => failBeforeOpen(new Error(`its thread exited with code ${code}`)));
    worker.once('message', (message: FromDatabaseThread) => {
      worker.off('error', failBeforeOpen);
      if (message.type === 'failed') return failBeforeOpen(new Error(message.error));
      worker.once('error', (error) => onLost(error));
      void exited.then((code) => stopping || onLost(new Error(`the embedded database thread exited with code ${code}`)));
      resolve({
        url: `postgres://postgres@${message.address}/postgres`,
        sharedBuffersMb: options.sharedBuffersMb,
        created: message.created,
        async stop() {
          if (!stopping) worker.postMessage({ type: 'stop' } satisfies ToDatabaseThread);
          stopping = true;
          const code = await exited;
          if (code !== 0) throw new Error(`the embedded database thread exited with code ${code} while closing`);
        },
      });
    });
  });
}
