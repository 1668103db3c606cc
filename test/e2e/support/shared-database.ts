// A database two server processes can share, and a test can reach: in services mode the harness's PostgreSQL, in
// embedded mode a standalone PGlite server (the embedded database inside a server belongs to that one process).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { e2eMode } from './e2e-mode';
import { RunningServer, ROOT } from './server-process';

export interface SharedDatabase {
  env: Record<string, string>;
  stop(): void;
}

export async function sharedDatabase(): Promise<SharedDatabase> {
  if (e2eMode() === 'services') return { env: {}, stop: () => undefined };
  const child = spawn(process.execPath, [join(ROOT, 'dist/test/fakes/pglite-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.on('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).port)));
  return { env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres` }, stop: () => child.kill('SIGKILL') };
}

/** The database `server` writes to, for a test that reads or changes it directly: the shared one, else its own. */
export function databaseUrlOf(server: RunningServer, database: SharedDatabase): string {
  const url = database.env.DATABASE_URL ?? server.env.DATABASE_URL;
  if (!url) throw new Error('the server under test has no database reachable from the test');
  return url;
}
