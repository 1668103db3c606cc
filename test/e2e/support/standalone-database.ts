// The standalone PGlite server of test/fakes, which a test can kill like a crashed database or restart on its data.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './server-process';

const PGLITE_SERVER = join(ROOT, 'dist/test/fakes/pglite-server.js');
/** PGlite runs initdb in WebAssembly at a first start: seconds, more on a busy machine */
export const STANDALONE_START_TIMEOUT_MS = 60_000;

export interface StandaloneDatabase {
  url: string;
  /** SIGKILL: gone at once, as in a crash */
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown, the data stays (persistent databases only) */
  stop(): Promise<void>;
  /** a new process on the same data and port */
  start(): Promise<void>;
  /** stops it if running and removes its data */
  dispose(): Promise<void>;
}

interface Running {
  port: number;
  signal(name: NodeJS.Signals): Promise<void>;
}

/** In memory unless `persistent`, where it keeps its data in a temporary directory across stop() and start(). */
export async function startStandaloneDatabase({ persistent = false } = {}): Promise<StandaloneDatabase> {
  const dataDir = persistent ? mkdtempSync(join(tmpdir(), 'tp-standalone-db-')) : undefined;
  let running: Running | undefined = await launch(dataDir, 0);
  const port = running.port;
  const halt = async (signal: NodeJS.Signals) => {
    await running?.signal(signal);
    running = undefined;
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kill: () => halt('SIGKILL'),
    stop: () => halt('SIGTERM'),
    start: async () => {
      if (!running) running = await launch(dataDir, port);
    },
    dispose: async () => {
      await halt('SIGKILL');
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function launch(dataDir: string | undefined, port: number): Promise<Running> {
  const env = { ...process.env, PGLITE_PORT: String(port), ...(dataDir ? { PGLITE_DATA_DIR: dataDir } : {}) };
  const child = spawn(process.execPath, [PGLITE_SERVER], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pglite-server did not listen within ${STANDALONE_START_TIMEOUT_MS} ms: ${output}`));
    }, STANDALONE_START_TIMEOUT_MS);
    child.stdout!.on('data', () => {
      const match = /\{"port":(\d+)\}/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolvePort(Number(match[1]));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pglite-server exited with ${code} before listening: ${output}`));
    });
  });
  return {
    port: listening,
    signal: async (name) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(name);
      await exited;
    },
  };
}
