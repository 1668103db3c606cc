// The embedded database as a server of its own (dist/test/fakes/pglite-server.js, PGlite in memory behind the
// PostgreSQL wire protocol), so that the bench can write outbox rows into the database the server reads.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './server';

const START_TIMEOUT_MS = 60_000;

export interface StandalonePglite {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startStandalonePglite(): Promise<StandalonePglite> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/test/fakes/pglite-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`pglite-server did not listen within ${START_TIMEOUT_MS} ms: ${output}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`pglite-server exited before listening: ${output}`));
    });
  }).catch(async (error: Error) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
