// Starts the real server (the built dist/) as a child process, the way an operator does.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { e2eMode } from './e2e-mode';
import { waitForListening } from '../../support/server-listening';
import { createTestDatabase, TestDatabase } from '../../support/test-database';

export const ROOT = resolve(__dirname, '../../..');
export const SERVER_MAIN = join(ROOT, 'dist/apps/server/src/main.js');

export interface ServerOptions {
  env?: Record<string, string>;
  /** reuse the data of an earlier server (restart tests) */
  reuse?: RunningServer;
  /** do not wait for "listening" (start-up failure tests) */
  expectExit?: boolean;
  /** the server's entry point, when not SERVER_MAIN (another build of it) */
  main?: string;
  /** services mode: session defaults of the server's fresh database (ALTER DATABASE … SET) */
  databaseDefaults?: Record<string, string>;
}

export interface RunningServer {
  url: string;
  port: number;
  adminKey: string;
  env: Record<string, string>;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, resolves with the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** stops and removes the data directory / test database */
  dispose(): Promise<void>;
}

const START_TIMEOUT_MS = 45_000;

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const base = options.reuse?.env ?? (await freshEnvironment(options.databaseDefaults));
  const env = { ...base, ...options.env };
  const child = spawn(process.execPath, [options.main ?? SERVER_MAIN], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const port = await waitForListening(child, () => output, START_TIMEOUT_MS).catch((error: Error) => {
    // never leave a half-started server behind: Jest would wait for it forever
    child.kill('SIGKILL');
    throw error;
  });
  const cleanup = base[CLEANUP] as unknown as () => Promise<void>;
  const server: RunningServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    adminKey: env.ADMIN_API_KEY,
    env: base,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
    dispose: async () => {
      await server.stop();
      await cleanup?.();
    },
  };
  return server;
}

/** Runs the server expecting it to exit during start-up; resolves with its exit code and output. */
export async function runServerExpectingExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const base = await freshEnvironment();
  const child = spawn(process.execPath, [SERVER_MAIN], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearTimeout(timer);
  await (base[CLEANUP] as unknown as () => Promise<void>)();
  return { code, output };
}

const CLEANUP = '__cleanup';

async function freshEnvironment(databaseDefaults?: Record<string, string>): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TP_E2E_LOG_LEVEL ?? 'warn',
    ADMIN_API_KEY: `admin-${randomBytes(16).toString('hex')}`,
    MARKET_FEED: 'manual',
    ALLOW_REGISTRATION: 'true',
  };
  let database: TestDatabase | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'tp-e2e-'));
  // empty: the embedded server copies the build's database template into it on its first start
  env.DATA_DIR = dataDir;
  if (e2eMode() === 'services') {
    database = await createTestDatabase(requiredEnv('DATABASE_URL'), undefined, databaseDefaults);
    env.DATABASE_URL = database.url;
    env.REDIS_URL = requiredEnv('REDIS_URL');
    env.REDIS_PREFIX = `e2e_${randomBytes(5).toString('hex')}`;
  }
  Object.defineProperty(env, CLEANUP, {
    enumerable: false,
    value: async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return env;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`TP_E2E_MODE=services needs ${name}`);
  return value;
}
