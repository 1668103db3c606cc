// Starts the built Tradepulse server (dist/) as a child process for benches, the way an operator does (npm start's
// command): fresh data directory (or a fresh database on DATABASE_URL), manual feed, measured from spawn to ready.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitForListening } from '../../support/server-listening';
import { createTestDatabase } from '../../support/test-database';

/** dist/test/bench/support → the repository root */
export const ROOT = resolve(__dirname, '../../../..');
/** `npm start` without npm: node's flags, then the built server, e.g. ['--max-semi-space-size=32', 'dist/apps/server/src/main.js'] */
const START_ARGS: string[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start.split(' ').slice(1);
const START_TIMEOUT_MS = 60_000;

export interface BenchServer {
  url: string;
  pid: number;
  adminKey: string;
  /** spawn → first 200 from /health/ready */
  coldStartMs: number;
  /** the database the server uses, when it is a real PostgreSQL */
  databaseUrl?: string;
  dataDir: string;
  rssMb(): number;
  /** SIGTERM; removes the data directory / database unless keepData */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface BenchServerOptions {
  env?: Record<string, string>;
  /** use DATABASE_URL / REDIS_URL from this process's environment when set (a fresh database is made from DATABASE_URL) */
  services?: boolean;
  /** with `services`: PostgreSQL only, as a single process without Redis runs */
  withoutRedis?: boolean;
  /** start on the data directory of a stopped server (kept with stop({ keepData: true })): a restart, not a first start */
  dataDir?: string;
}

export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tp-bench-'));
  const adminKey = options.env?.ADMIN_API_KEY ?? `admin-${randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    ADMIN_API_KEY: adminKey,
    MARKET_FEED: 'manual',
    ALLOW_REGISTRATION: 'true',
  };
  let database: { url: string; drop(): Promise<void> } | undefined;
  if (options.services && process.env.DATABASE_URL) {
    database = await createTestDatabase(process.env.DATABASE_URL, 'tp_bench');
    env.DATABASE_URL = database.url;
  }
  if (options.services && !options.withoutRedis && process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    env.REDIS_PREFIX = `bench_${randomBytes(5).toString('hex')}`;
  }
  Object.assign(env, options.env);

  const started = performance.now();
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under the bench's load
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // after npm start's flags, so that a flag given here wins (node keeps a flag's last value)
  const child = spawn(process.execPath, [...START_ARGS.slice(0, -1), ...nodeArgs, ...START_ARGS.slice(-1)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let stopping = false;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // a server that dies under load would otherwise surface only as the bench's next failed fetch
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`bench server exited unexpectedly (${code ?? signal}); its output ends:\n${output.slice(-4_000)}\n`);
  });
  try {
    const port = await waitForListening(child, () => output, START_TIMEOUT_MS);
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, child, () => output);
    const coldStartMs = performance.now() - started;
    return {
      url,
      pid: child.pid!,
      adminKey,
      coldStartMs,
      databaseUrl: database?.url,
      dataDir,
      rssMb: () => rssMb(child.pid!),
      stop: async ({ keepData = false } = {}) => {
        stopping = true;
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        if (keepData) return;
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stopping = true;
    child.kill('SIGKILL');
    await exited;
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Resident set size of a process, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Registers a user on the server and returns its API key. */
export async function registerUser(url: string, username: string): Promise<{ id: string; apiKey: string }> {
  const response = await fetch(`${url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
  if (response.status !== 201) throw new Error(`register ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; apiKey: string };
}


async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    const status = await fetch(`${url}/health/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`server not ready within ${START_TIMEOUT_MS} ms (last status ${status})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

