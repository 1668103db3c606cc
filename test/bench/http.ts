// HTTP bench: an authenticated, cached GET /api/v1/me on the real server (a child process on the embedded
// defaults) against a bare Fastify hello-world in the same run; plus cold start and idle RSS of the server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { measureLoad, LoadFigures } from './support/load';
import type { BenchResult } from './support/bench-result';
import { machineAfter, machineBefore } from './support/machine';
import { registerUser, startBenchServer } from './support/server';

const LOAD = { connections: 100, durationSec: 10, warmupSec: 3 };

export async function runHttpBench(): Promise<BenchResult> {
  const machine = machineBefore();
  const env = { TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '100000000', TP__HTTP__RATE_LIMIT_PER_KEY_PER_MIN: '100000000' };
  // first start on an empty DATA_DIR (creates the embedded database, runs every migration), then a restart on it
  const first = await startBenchServer({ env });
  const firstStartMs = first.coldStartMs;
  await first.stop({ keepData: true });
  const server = await startBenchServer({ env: { ...env, ADMIN_API_KEY: first.adminKey }, dataDir: first.dataDir });
  let tradepulse: LoadFigures;
  let rssAfterStartMb: number;
  let rssAfterRunMb: number;
  try {
    rssAfterStartMb = server.rssMb();
    const user = await registerUser(server.url, `bench_${Date.now()}`);
    tradepulse = await measureLoad({ url: `${server.url}/api/v1/me`, headers: { authorization: `Bearer ${user.apiKey}` }, ...LOAD });
    rssAfterRunMb = server.rssMb();
  } finally {
    await server.stop();
  }
  const bare = await withBareFastify((url) => measureLoad({ url, ...LOAD }));

  return {
    name: 'http',
    conditions: {
      ...machineAfter(machine),
      databaseMode: 'embedded (PGlite, the embedded defaults), whatever DATABASE_URL says',
      load: 'autocannon c=100, pipelining 1, 10 s after a 3 s warm-up, client in the bench process',
      route: 'GET /api/v1/me (authenticated, cached per user)',
      serverEnv: 'LOG_LEVEL=warn MARKET_FEED=manual, rate limits raised to 1e8/min',
      coldStart: 'spawn → first 200 from /health/ready; first start on an empty DATA_DIR, then a restart on it (the measured server)',
    },
    metrics: {
      reqPerSec: tradepulse.reqPerSec,
      p50Ms: tradepulse.p50Ms,
      p99Ms: tradepulse.p99Ms,
      non2xx: tradepulse.non2xx,
      errors: tradepulse.errors,
      coldStartFirstRunMs: Math.round(firstStartMs),
      coldStartToReadyMs: Math.round(server.coldStartMs),
      rssAfterStartMb,
      rssAfterRunMb,
    },
    baseline: { reqPerSec: bare.reqPerSec, p50Ms: bare.p50Ms, p99Ms: bare.p99Ms, non2xx: bare.non2xx, errors: bare.errors },
    ratio: Math.round((tradepulse.reqPerSec / bare.reqPerSec) * 1000) / 1000,
  };
}

/** Starts the hello-world in a child process, runs `work` against it, stops it. */
async function withBareFastify<T>(work: (url: string) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [join(__dirname, 'support/bare-fastify.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /"port":(\d+)/.exec(output);
        if (match) resolvePort(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`bare Fastify exited with ${code}`)));
    });
    return await work(`http://127.0.0.1:${port}/`);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

