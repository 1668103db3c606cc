// A standalone PostgreSQL-compatible server (PGlite) that a test can kill or restart to simulate a database outage.
// In memory, or in PGLITE_DATA_DIR so that a restart (SIGTERM, then a new process on the same directory and
// PGLITE_PORT) finds its data again. Prints {"port":N} once it listens.
//
// Neither kind runs initdb when it can avoid it (4-5 s of WebAssembly, for each of the suite's standalone
// databases): a new data directory is copied from the build's template, as the server's own first start does, and
// an in-memory database loads a dump of a fresh one, made by the first start that needed it and kept beside the
// template (1.5 s to load).
//
// Several server processes share it in the multi-process suites: its connections are guarded so that their
// parameterized queries cannot get each other's rows (pglite-batch-guard.ts).
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { guardExtendedBatches } from './pglite-batch-guard';
import { copyTemplate, findTemplate, INITDB_OPTIONS, templateDirectory } from '../../libs/platform/src/database/embedded-database-template';

async function main(): Promise<void> {
  const dataDir = process.env.PGLITE_DATA_DIR || undefined;
  const db = dataDir ? await openDirectory(dataDir) : await openInMemory();
  const server = new PGLiteSocketServer({ db: guardExtendedBatches(db), host: '127.0.0.1', port: Number(process.env.PGLITE_PORT ?? 0), maxConnections: 32 });
  await server.start();
  process.stdout.write(`${JSON.stringify({ port: Number(server.getServerConn().split(':').pop()) })}\n`);
  process.once('SIGTERM', () => void server.stop().then(() => db.close()).then(() => process.exit(0)));
}

function openDirectory(dataDir: string): Promise<PGlite> {
  const template = findTemplate(dataDir);
  if (template) copyTemplate(template, dataDir);
  return PGlite.create(dataDir, INITDB_OPTIONS);
}

async function openInMemory(): Promise<PGlite> {
  // named after the template, so a dump of another PGlite version or other initdb options is never loaded
  const dump = `${templateDirectory()}.tar`;
  if (existsSync(dump)) return PGlite.create({ ...INITDB_OPTIONS, loadDataDir: new Blob([readFileSync(dump)]) });
  const db = await PGlite.create(INITDB_OPTIONS);
  const fresh = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  // written aside and renamed: a concurrent start never reads half a dump
  const partial = `${dump}.${process.pid}.partial`;
  try {
    writeFileSync(partial, fresh);
    renameSync(partial, dump);
  } catch {
    // no dump this time (a read-only dist, say): the next start runs initdb again
    rmSync(partial, { force: true });
  }
  return db;
}

void main();
