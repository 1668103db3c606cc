// Alerts end to end on the real server: one tick crossing 1,000 alerts → all 1,000 trigger rows committed
// (p50/p99 over rounds), then REST at c=100: POST /alerts and the cached GET /alerts. On PostgreSQL when
// DATABASE_URL is set, else on the embedded database (recorded in conditions).
import { Client } from 'pg';
import type { BenchResult } from './support/bench-result';
import { LoadFigures, measureLoad } from './support/load';
import { databaseMode, machineAfter, machineBefore, round } from './support/machine';
import { BenchServer, registerUser, startBenchServer } from './support/server';

const ALERTS_PER_ROUND = 1_000;
/** enough rounds for a p99 that is not simply the slowest round (with 10, the nearest-rank p99 is the maximum) */
const ROUNDS = 100;
const CREATORS = 10;
const CREATE_CONCURRENCY = 50;
const REST_USERS = 100;
const SYMBOL = 'BTC/USDT';
/** Every round's alerts sit between these; the quiet tick is below all of them, the firing tick above. */
const LOWEST_THRESHOLD = 50_000;
const QUIET_PRICE = 40_000;
const FIRING_PRICE = 60_000;
const COMMIT_TIMEOUT_MS = 30_000;
/** a first page of GET /alerts is 50 */
const SEEDED_ALERTS_PER_USER = 50;
const REST_SERVER_ENV = {
  TP__ALERTS__MAX_PER_USER: '1000000',
  TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '100000000',
  TP__HTTP__RATE_LIMIT_PER_KEY_PER_MIN: '100000000',
};
/** adds at most this much to a measured commit */
const POLL_PERIOD_MS = 1;

interface Api {
  url: string;
  post(path: string, body: unknown, apiKey: string): Promise<{ status: number; body: any }>;
  get(path: string, apiKey: string): Promise<{ status: number; body: any }>;
}

export async function runAlertsE2eBench(): Promise<BenchResult> {
  const machine = machineBefore();
  const server = await startBenchServer({ services: true, env: REST_SERVER_ENV });
  try {
    const api = client(server.url);
    const { samples: firing, createsPerSec } = await measureFiringRounds(server, api);
    const serverCommit = await commitHistogram(server.url);
    const rest = await measureRest(server, api);
    // the same cached read on a server of its own without Redis (tag versions and rate limits counted in process)
    const withoutRedis = process.env.REDIS_URL ? await measureCachedGetWithoutRedis() : undefined;
    return {
      name: 'alerts-e2e',
      conditions: {
        ...machineAfter(machine),
        databaseMode: databaseMode() === 'postgresql' ? 'postgresql (DATABASE_URL, a fresh database)' : 'embedded (PGlite): DATABASE_URL was not set',
        cache: process.env.REDIS_URL
          ? 'Redis (REDIS_URL passed to the server): tag versions and rate-limit counts read from Redis on every request, answers from the process\'s copy'
          : 'in-process (REDIS_URL not set)',
        firing: `${ROUNDS} rounds: ${ALERTS_PER_ROUND} once "above" alerts at distinct prices created over REST by ${CREATORS} users, then one admin tick above them all`,
        commitDetection:
          databaseMode() === 'postgresql'
            ? `polling the count of alert_triggers rows above the round's starting id over a pg connection every ${POLL_PERIOD_MS} ms from the moment the tick POST is sent`
            : `polling GET /api/v1/alerts/stats of each creator every ${POLL_PERIOD_MS} ms (the embedded database is not reachable from outside)`,
        rest: `autocannon c=100, pipelining 1, 10 s after a 3 s warm-up, ${REST_USERS} users in rotation, per-user limit raised to 1e6`,
        cachedGetWithoutRedis: withoutRedis
          ? `a second server on a fresh PostgreSQL database without REDIS_URL, ${REST_USERS} users with ${SEEDED_ALERTS_PER_USER} alerts each (a full first page), same load`
          : 'not measured: REDIS_URL was not set, so the figures above are without Redis',
        coldStartToReadyMs: Math.round(server.coldStartMs),
      },
      metrics: {
        tickToCommittedP50Ms: round(percentile(firing, 50), 1),
        tickToCommittedP99Ms: round(percentile(firing, 99), 1),
        tickToCommittedMinMs: round(Math.min(...firing), 1),
        tickToCommittedMaxMs: round(Math.max(...firing), 1),
        serverCommitAvgMs: serverCommit.avgMs,
        serverCommits: serverCommit.count,
        triggersPerTick: ALERTS_PER_ROUND,
        rounds: firing.length,
        createAlertsPerSecDuringSetup: createsPerSec,
        postAlertsReqPerSec: rest.post.reqPerSec,
        postAlertsP50Ms: rest.post.p50Ms,
        postAlertsP99Ms: rest.post.p99Ms,
        postAlertsNon2xx: rest.post.non2xx,
        cachedGetAlertsReqPerSec: rest.get.reqPerSec,
        cachedGetAlertsP50Ms: rest.get.p50Ms,
        cachedGetAlertsP99Ms: rest.get.p99Ms,
        cachedGetAlertsNon2xx: rest.get.non2xx,
        ...(withoutRedis
          ? {
              cachedGetAlertsWithoutRedisReqPerSec: withoutRedis.reqPerSec,
              cachedGetAlertsWithoutRedisP50Ms: withoutRedis.p50Ms,
              cachedGetAlertsWithoutRedisP99Ms: withoutRedis.p99Ms,
              cachedGetAlertsWithoutRedisNon2xx: withoutRedis.non2xx,
            }
          : {}),
        serverRssAfterMb: server.rssMb(),
      },
    };
  } finally {
    await server.stop();
  }
}

/** Tick → committed samples (ms), and the create rate of the setup phases as a by-product. */
async function measureFiringRounds(server: BenchServer, api: Api): Promise<{ samples: number[]; createsPerSec: number }> {
  const creators = await Promise.all(Array.from({ length: CREATORS }, (_, i) => registerUser(server.url, `firing_${i}_${Date.now()}`)));
  const committed = await commitWatcher(server, api, creators.map((c) => c.apiKey));
  const samples: number[] = [];
  let createMs = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      await tick(api, server.adminKey, QUIET_PRICE);
      const started = performance.now();
      await runLimited(ALERTS_PER_ROUND, CREATE_CONCURRENCY, async (i) => {
        const answer = await api.post('/api/v1/alerts', { symbol: SYMBOL, condition: 'above', price: LOWEST_THRESHOLD + i + round / 100 }, creators[i % CREATORS].apiKey);
        if (answer.status !== 201) throw new Error(`create alert: ${answer.status} ${JSON.stringify(answer.body)}`);
      });
      createMs += performance.now() - started;
      await committed.startRound();
      const sent = performance.now();
      await tick(api, server.adminKey, FIRING_PRICE);
      await committed.until(ALERTS_PER_ROUND);
      samples.push(performance.now() - sent);
    }
  } finally {
    await committed.close();
  }
  return { samples, createsPerSec: Math.round((ROUNDS * ALERTS_PER_ROUND * 1000) / createMs) };
}

interface CommitWatcher {
  /** Call before the firing tick: rows committed from here on count for until(). */
  startRound(): Promise<void>;
  /** Resolves once at least `count` trigger rows were committed since startRound(). */
  until(count: number): Promise<void>;
  close(): Promise<void>;
}

async function commitWatcher(server: BenchServer, api: Api, creatorKeys: string[]): Promise<CommitWatcher> {
  if (server.databaseUrl) {
    const pg = new Client({ connectionString: server.databaseUrl });
    await pg.connect();
    // ids are a sequence: every row of this round gets an id above the highest one committed before its tick,
    // so the poll is a short primary-key range scan, not a count of the whole (growing) table
    let floor = '0';
    return {
      startRound: async () => {
        const { rows } = await pg.query<{ last: string | null }>('select max(id) as last from alert_triggers');
        floor = rows[0].last ?? '0';
      },
      until: (count) =>
        pollUntil(async () => {
          const { rows } = await pg.query<{ n: string }>('select count(*) as n from alert_triggers where id > $1', [floor]);
          return Number(rows[0].n) >= count;
        }),
      close: () => pg.end(),
    };
  }
  const triggeredInTotal = async () => {
    const stats = await Promise.all(creatorKeys.map((key) => api.get('/api/v1/alerts/stats', key)));
    return stats.reduce((sum, s) => sum + Number(s.body.triggered), 0);
  };
  let before = 0;
  return {
    startRound: async () => {
      before = await triggeredInTotal();
    },
    until: (count) => pollUntil(async () => (await triggeredInTotal()) - before >= count),
    close: async () => undefined,
  };
}

/**
 * Polls every POLL_PERIOD_MS. Not a tight loop: on a 2-core machine a back-to-back poll keeps a database backend
 * and this process busy, and the commit being measured then waits for CPU.
 */
async function pollUntil(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + COMMIT_TIMEOUT_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`trigger rows not committed within ${COMMIT_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_PERIOD_MS));
  }
}

async function measureRest(server: BenchServer, api: Api) {
  const users = await Promise.all(Array.from({ length: REST_USERS }, (_, i) => registerUser(server.url, `rest_${i}_${Date.now()}`)));
  let next = 0;
  const rotate = () => ({ authorization: `Bearer ${users[next++ % users.length].apiKey}` });
  let price = 1_000_000;
  const post = await measureLoad({
    url: `${server.url}/api/v1/alerts`,
    method: 'POST',
    headersPerRequest: rotate,
    body: () => JSON.stringify({ symbol: 'ETH/USDT', condition: 'above', price: (price += 0.01) }),
  });
  // prime each user's cached first page, so the measured run reads the cache as a returning client would
  for (const user of users) await api.get('/api/v1/alerts', user.apiKey);
  const get = await measureLoad({ url: `${server.url}/api/v1/alerts`, headersPerRequest: rotate });
  return { post, get };
}

async function measureCachedGetWithoutRedis(): Promise<LoadFigures> {
  const server = await startBenchServer({ services: true, withoutRedis: true, env: REST_SERVER_ENV });
  try {
    const api = client(server.url);
    const users = await Promise.all(Array.from({ length: REST_USERS }, (_, i) => registerUser(server.url, `solo_${i}_${Date.now()}`)));
    await runLimited(REST_USERS * SEEDED_ALERTS_PER_USER, CREATE_CONCURRENCY, async (i) => {
      const answer = await api.post('/api/v1/alerts', { symbol: 'ETH/USDT', condition: 'above', price: 1_000_000 + i / 100 }, users[i % REST_USERS].apiKey);
      if (answer.status !== 201) throw new Error(`create alert: ${answer.status} ${JSON.stringify(answer.body)}`);
    });
    for (const user of users) await api.get('/api/v1/alerts', user.apiKey);
    let next = 0;
    return await measureLoad({ url: `${server.url}/api/v1/alerts`, headersPerRequest: () => ({ authorization: `Bearer ${users[next++ % users.length].apiKey}` }) });
  } finally {
    await server.stop();
  }
}

async function tick(api: Api, adminKey: string, price: number): Promise<void> {
  const answer = await api.post('/api/v1/admin/market/ticks', { ticks: [{ symbol: SYMBOL, price }] }, adminKey);
  if (answer.status !== 202) throw new Error(`tick: ${answer.status} ${JSON.stringify(answer.body)}`);
}

async function runLimited(total: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

function client(url: string): Api {
  const call = async (method: string, path: string, apiKey: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return { url, post: (path, body, key) => call('POST', path, key, body), get: (path, key) => call('GET', path, key) };
}

/** The server's own view of the firing commits (tradepulse_alert_commit_seconds), to split the end-to-end time. */
async function commitHistogram(url: string): Promise<{ avgMs: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const sum = value('tradepulse_alert_commit_seconds_sum');
  const count = value('tradepulse_alert_commit_seconds_count');
  return { avgMs: round((sum / count) * 1000, 1), count };
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
