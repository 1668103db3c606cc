// HTTP bench: an authenticated, cached GET /api/v1/me on the real server (a child process on the embedded
// defaults) against a bare Fastify hello-world in the same run; plus cold start and idle RSS of the server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { measureLoad, LoadFigures } from './support/load';
import type { BenchResult } from './support/bench-result';
import { machineAfter, machineBefore } from './support/machine';
import { registerUser, startBenchServer } from './support/server';

const LOAD = { connections: 100, durationSec: 10, warmupSec: 3 };
/**
 * Idle RSS is read after the server has had this long without a request: V8 gives back the young generation that
 * start-up grew only once it sees the process idle (20–45 s here), so RSS at the moment of ready overstates it.
 */
const IDLE_SEC = 60;
const IDLE_SAMPLE_SEC = 5;
/** Server and bare Fastify are measured in alternation, so that a shared machine's load swings reach both sides. */
const ROUNDS = 3;

export async function runHttpBench(): Promise<BenchResult> {
  const machine = machineBefore();
  const env = { TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '100000000', TP__HTTP__RATE_LIMIT_PER_KEY_PER_MIN: '100000000' };
  // first start on an empty DATA_DIR (creates the embedded database, runs every migration), then a restart on it
  const first = await startBenchServer({ env });
  const firstStartMs = first.coldStartMs;
  await first.stop({ keepData: true });
  const server = await startBenchServer({ env: { ...env, ADMIN_API_KEY: first.adminKey }, dataDir: first.dataDir });
  const rounds: Array<{ tradepulse: LoadFigures; bare: LoadFigures; ratio: number }> = [];
  let rssAfterStartMb: number;
  let rssIdle: number[];
  let rssAfterRunMb: number;
  try {
    rssAfterStartMb = server.rssMb();
    rssIdle = await sampleIdleRss(server.rssMb);
    const user = await registerUser(server.url, `bench_${Date.now()}`);
    await withBareFastify(async (bareUrl) => {
      for (let round = 0; round < ROUNDS; round++) {
        const tradepulse = await measureLoad({ url: `${server.url}/api/v1/me`, headers: { authorization: `Bearer ${user.apiKey}` }, ...LOAD });
        const bare = await measureLoad({ url: bareUrl, ...LOAD });
        rounds.push({ tradepulse, bare, ratio: tradepulse.reqPerSec / bare.reqPerSec });
      }
    });
    rssAfterRunMb = server.rssMb();
  } finally {
    await server.stop();
  }
  // the round with the median ratio speaks for the run; every round is kept in the conditions
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
  const { tradepulse, bare } = median;

  return {
    name: 'http',
    conditions: {
      ...machineAfter(machine),
      databaseMode: 'embedded (PGlite, the embedded defaults), whatever DATABASE_URL says',
      load: `autocannon c=100, pipelining 1, 10 s after a 3 s warm-up, client in the bench process; ${ROUNDS} rounds alternating server and bare Fastify, the round with the median ratio reported`,
      rounds: rounds.map((r) => ({ reqPerSec: r.tradepulse.reqPerSec, p99Ms: r.tradepulse.p99Ms, bareReqPerSec: r.bare.reqPerSec, bareP99Ms: r.bare.p99Ms, ratio: Math.round(r.ratio * 1000) / 1000 })),
      route: 'GET /api/v1/me (authenticated, cached per user)',
      serverEnv: 'LOG_LEVEL=warn MARKET_FEED=manual, rate limits raised to 1e8/min',
      coldStart: 'spawn → first 200 from /health/ready; first start on an empty DATA_DIR, then a restart on it (the measured server)',
      idleRss: `RSS of the restarted server left without requests for ${IDLE_SEC} s after ready, sampled every ${IDLE_SAMPLE_SEC} s (MB): ${rssIdle.join(', ')}`,
    },
    metrics: {
      reqPerSec: tradepulse.reqPerSec,
      p50Ms: tradepulse.p50Ms,
      p99Ms: tradepulse.p99Ms,
      non2xx: rounds.reduce((sum, r) => sum + r.tradepulse.non2xx, 0),
      errors: rounds.reduce((sum, r) => sum + r.tradepulse.errors, 0),
      coldStartFirstRunMs: Math.round(firstStartMs),
      coldStartToReadyMs: Math.round(server.coldStartMs),
      rssAtReadyMb: rssAfterStartMb,
      rssIdleMb: rssIdle[rssIdle.length - 1],
      rssAfterRunMb,
    },
    baseline: { reqPerSec: bare.reqPerSec, p50Ms: bare.p50Ms, p99Ms: bare.p99Ms, non2xx: bare.non2xx, errors: bare.errors },
    ratio: Math.round(median.ratio * 1000) / 1000,
  };
}

/** RSS every IDLE_SAMPLE_SEC while the server is left alone for IDLE_SEC; the last sample is the idle RSS. */
async function sampleIdleRss(rssMb: () => number): Promise<number[]> {
  const samples: number[] = [];
  for (let waited = 0; waited < IDLE_SEC; waited += IDLE_SAMPLE_SEC) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_SEC * 1000));
    samples.push(rssMb());
  }
  return samples;
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

