// Notifications end to end on the real server: outbox rows (the triggering events) inserted into the server's
// database → OutboxRelay → NotificationDispatcher (batcher) → websocket channel → 1,000 Socket.IO clients in a
// separate process (support/socket-swarm.ts). Delivered notifications/s and event → receipt latency, for
// `critical` (skips the batch window: one message per notification) at 5,000/s and at the highest sustained rate,
// and for `normal` priority (batched by the profile's window and size) at 5,000/s and at the highest sustained
// rate; plus server memory per idle connection. On PostgreSQL when DATABASE_URL is
// set, else on a standalone PGlite server (the embedded database, reachable by the bench too).
import type { BenchResult } from './support/bench-result';
import { databaseMode, machineAfter, machineBefore, round } from './support/machine';
import { PhaseContext, PhaseFigures, PhaseSpec, runPhase, sustainedP99LimitMs } from './support/notification-phase';
import { OutboxProducer } from './support/outbox-producer';
import { cpuPressure, CpuTarget, processesNamed } from './support/process-cpu';
import { BenchServer, registerUser, rssMb, startBenchServer } from './support/server';
import { StandalonePglite, startStandalonePglite } from './support/standalone-pglite';
import { SwarmProcess } from './support/swarm-process';

const CLIENTS = 1_000;
const REGISTER_CONCURRENCY = 50;
const FIXED_RATE_PER_SEC = 5_000;
/** the balanced profile's batch window: normal-priority latency is at least this, by design */
const BATCH_WINDOW_MS = 2_000;
/** one relay pass per producer commit (the producer commits every 10 ms), as the in-process nudge would give */
const RELAY_INTERVAL_MS = 10;
/** the search for the highest sustained critical rate doubles from here, then bisects */
const LADDER_START_PER_SEC = 100;
/** normal priority starts higher: batching is what it is for */
const NORMAL_LADDER_START_PER_SEC = 2_500;
const LADDER_STEP_MS = 5_000;
const LADDER_BISECTIONS = 2;
/** 100/s doubled 9 times is 51,200/s, past the 20,000/s target; then the bisections */
const LADDER_MAX_STEPS = 12;
const RSS_SAMPLES = 5;
const RSS_SAMPLE_GAP_MS = 400;
const IDLE_SETTLE_MS = 3_000;

const SERVER_ENV = {
  PROFILE: 'balanced',
  TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '100000000',
  TP__HTTP__RATE_LIMIT_PER_KEY_PER_MIN: '100000000',
  // a producer in the server's process nudges the relay ('outbox.committed'); rows written from outside are only
  // seen at the relay's poll (250 ms in balanced), so the poll stands in for the nudge
  TP__NOTIFICATIONS__RELAY_INTERVAL_MS: String(RELAY_INTERVAL_MS),
};

const criticalPhase = (rate: number, durationMs: number, settleMs: number): PhaseSpec => ({
  name: `critical-${rate}`,
  priority: 'critical',
  ratePerSec: rate,
  durationMs,
  settleMs,
  expectedWaitMs: 0,
  drainTimeoutMs: 20_000,
});

/** Normal priority waits in the batch window by design: that wait is expected, not backlog. */
const normalPhase = (rate: number, durationMs: number): PhaseSpec => ({
  name: `normal-${rate}`,
  priority: 'normal',
  ratePerSec: rate,
  durationMs,
  settleMs: BATCH_WINDOW_MS + 1_000,
  expectedWaitMs: BATCH_WINDOW_MS,
  drainTimeoutMs: BATCH_WINDOW_MS + 20_000,
});

const PHASES = {
  warmUp: { ...criticalPhase(100, 2_000, 500), name: 'warm-up' },
  critical: criticalPhase(FIXED_RATE_PER_SEC, 10_000, 1_000),
  normal: normalPhase(FIXED_RATE_PER_SEC, 10_000),
} satisfies Record<string, PhaseSpec>;

interface Setup {
  registerMs: number;
  connected: Awaited<ReturnType<typeof SwarmProcess.start>>['connected'];
  rssWithoutMb: number;
  rssWithMb: number;
}

interface Measured {
  ladder: PhaseFigures[];
  critical: PhaseFigures;
  normal: PhaseFigures;
  normalLadder: PhaseFigures[];
  disconnects: number | undefined;
}

export async function runNotificationsBench(): Promise<BenchResult> {
  const machine = machineBefore();
  const pressureBefore = cpuPressure();
  const pglite = databaseMode() === 'embedded' ? await startStandalonePglite() : undefined;
  let server: BenchServer | undefined;
  let swarm: SwarmProcess | undefined;
  let producer: OutboxProducer | undefined;
  try {
    server = await startBenchServer({ services: !pglite, env: { ...SERVER_ENV, ...(pglite ? { DATABASE_URL: pglite.url } : {}) } });
    const registerStarted = Date.now();
    const users = await registerUsers(server.url);
    const registerMs = Date.now() - registerStarted;
    const rssWithoutMb = await medianRssMb(server.pid);
    const started = await SwarmProcess.start({ url: server.url, apiKeys: users.map((user) => user.apiKey) });
    swarm = started.swarm;
    await sleep(IDLE_SETTLE_MS);
    const setup: Setup = { registerMs, connected: started.connected, rssWithoutMb, rssWithMb: await medianRssMb(server.pid) };
    producer = await OutboxProducer.connect(server.databaseUrl ?? pglite!.url, users.map((user) => user.id));
    const context: PhaseContext = { producer, swarm, serverUrl: server.url, adminKey: server.adminKey, pids: pidsOf(server, pglite, swarm) };

    await runPhase(context, PHASES.warmUp);
    const ladder = await searchSustainedRate(context, LADDER_START_PER_SEC, (rate) => criticalPhase(rate, LADDER_STEP_MS, 500));
    const critical = await runPhase(context, PHASES.critical);
    const normal = await runPhase(context, PHASES.normal);
    const normalLadder = await searchSustainedRate(context, NORMAL_LADDER_START_PER_SEC, (rate) => normalPhase(rate, LADDER_STEP_MS + BATCH_WINDOW_MS));
    const measured: Measured = { ladder, critical, normal, normalLadder, disconnects: undefined };
    measured.disconnects = (await swarm.stop())?.disconnects;
    return {
      name: 'notifications',
      conditions: { ...machineAfter(machine), ...conditions(server, pglite, setup, measured), cpuPressureBefore: pressureBefore, cpuPressureAfter: cpuPressure() },
      metrics: { ...metrics(setup, measured), serverRssAfterMb: server.rssMb() },
    };
  } finally {
    await swarm?.stop();
    await producer?.close().catch(() => undefined);
    await server?.stop();
    await pglite?.stop();
  }
}

/**
 * The highest rate the pipeline sustains: doubling from `startPerSec` until a step fails, then LADDER_BISECTIONS
 * steps halfway between the best pass and the lowest failure. Stops early when a step leaves notifications
 * undelivered (its backlog would spill into the next step).
 */
async function searchSustainedRate(context: PhaseContext, startPerSec: number, phaseAt: (rate: number) => PhaseSpec): Promise<PhaseFigures[]> {
  const steps: PhaseFigures[] = [];
  let passed = 0;
  let failed = Infinity;
  let rate = startPerSec;
  for (let bisections = 0; steps.length < LADDER_MAX_STEPS && bisections <= LADDER_BISECTIONS; ) {
    const step = await runPhase(context, phaseAt(rate));
    steps.push(step);
    if (!step.drained) break;
    if (step.sustained) passed = rate;
    else failed = rate;
    if (failed === Infinity) {
      rate *= 2;
      continue;
    }
    rate = Math.round((passed + failed) / 2 / 50) * 50;
    bisections++;
    if (!passed || rate <= passed || rate >= failed) break;
  }
  return steps;
}

function metrics(setup: Setup, { ladder, critical, normal, normalLadder }: Measured): Record<string, number> {
  const best = bestSustained([...ladder, critical]);
  const bestNormal = bestSustained([...normalLadder, normal]);
  return {
    critical5000OfferedPerSec: critical.offeredPerSec,
    critical5000DeliveredPerSec: critical.deliveredPerSec,
    critical5000P50Ms: critical.p50Ms,
    critical5000P99Ms: critical.p99Ms,
    critical5000Inserted: critical.inserted,
    critical5000Received: critical.received,
    maxSustainedRatePerSec: best?.targetPerSec ?? 0,
    maxSustainedDeliveredPerSec: best?.deliveredPerSec ?? 0,
    maxSustainedP50Ms: best?.p50Ms ?? Number.NaN,
    maxSustainedP99Ms: best?.p99Ms ?? Number.NaN,
    peakDeliveredPerSec: Math.max(...[...ladder, critical].map((step) => step.deliveredPerSec)),
    normal5000DeliveredPerSec: normal.deliveredPerSec,
    normal5000P50Ms: normal.p50Ms,
    normal5000P99Ms: normal.p99Ms,
    normal5000Notifications: normal.received,
    normal5000Messages: normal.messages,
    normal5000NotificationsPerMessage: round(normal.received / Math.max(1, normal.messages), 2),
    normalMaxSustainedRatePerSec: bestNormal?.targetPerSec ?? 0,
    normalMaxSustainedDeliveredPerSec: bestNormal?.deliveredPerSec ?? 0,
    normalMaxSustainedP50Ms: bestNormal?.p50Ms ?? Number.NaN,
    normalMaxSustainedP99Ms: bestNormal?.p99Ms ?? Number.NaN,
    normalMaxSustainedNotificationsPerMessage: bestNormal ? round(bestNormal.received / Math.max(1, bestNormal.messages), 2) : Number.NaN,
    normalPeakDeliveredPerSec: Math.max(...[...normalLadder, normal].map((step) => step.deliveredPerSec)),
    memoryPerIdleConnectionKb: round(((setup.rssWithMb - setup.rssWithoutMb) * 1024) / Math.max(1, setup.connected.connected), 1),
    serverRssWithoutClientsMb: setup.rssWithoutMb,
    serverRssWithIdleClientsMb: setup.rssWithMb,
  };
}

function bestSustained(steps: readonly PhaseFigures[]): PhaseFigures | undefined {
  return steps.filter((step) => step.sustained).sort((a, b) => b.targetPerSec - a.targetPerSec)[0];
}

function conditions(server: BenchServer, pglite: StandalonePglite | undefined, setup: Setup, { ladder, critical, normal, normalLadder, disconnects }: Measured): Record<string, unknown> {
  const highestPerUser = Math.max(...[...ladder, critical, normal, ...normalLadder].map((phase) => phase.offeredPerSec)) / CLIENTS;
  return {
    databaseMode: pglite
      ? 'standalone PGlite server (dist/test/fakes/pglite-server.js, in memory) on loopback: the embedded database, reachable by the producer'
      : 'postgresql (DATABASE_URL, a fresh database)',
    redis: pglite || !process.env.REDIS_URL ? 'none (in-process cache, queues and Socket.IO adapter)' : 'REDIS_URL passed to the server',
    server: `PROFILE=balanced (batchWindowMs ${BATCH_WINDOW_MS}, batchSize 25, relayBatchSize 500, pool 5), HTTP rate limits raised to 1e8/min, LOG_LEVEL=warn, no Telegram token, no webhooks; ready in ${Math.round(server.coldStartMs)} ms`,
    relay: `relayIntervalMs ${RELAY_INTERVAL_MS} (profile: 250): rows written from outside the process miss the in-process 'outbox.committed' nudge; a poll as frequent as the producer's commits stands in for it`,
    sendLimiter: `per-user websocket limiter at the profile's 100 msg/s, burst 200 (not raised): the highest per-user offer was ${round(highestPerUser, 1)} notifications/s`,
    clients: `${CLIENTS} Socket.IO clients in one separate Node process (socket.io-client defaults: websocket transport, permessage-deflate offered, as browsers do), one per user, registered over REST in ${setup.registerMs} ms; connected ${setup.connected.connected} in ${setup.connected.connectMs} ms; refused ${JSON.stringify(setup.connected.refused)}; unexpected disconnects ${disconnects ?? 'unknown'}`,
    producer: 'one pg connection, a multi-row INSERT into outbox every 10 ms (open loop: the rows due since the start), round-robin over the users; event time = Date.now() before the INSERT, in occurred_at and data.sentAt',
    vacuum: 'VACUUM of the database before every phase when the PostgreSQL server runs with autovacuum off (as autovacuum would between phases of a production server); skipped when it is on',
    latency: 'receipt Date.now() in the swarm − data.sentAt: one machine clock, 1 ms resolution; p50/p99 over every notification of the phase',
    deliveredRate: 'receipts per second while the producer offered, leaving out the first 0.5–1 s (critical) or batch window + 1 s (normal); for a phase stopped by the backlog guard: every receipt over first INSERT → last receipt (the throughput while saturated)',
    backlogGuard: 'the producer stops early once inserted − received exceeds 500 + batch window × rate + 1 s of the rate delivered so far in the phase: the rate is then not sustained, and the figures are of what was produced',
    sustained: `everything arrived, delivered ≥ 95% of offered, producer reached ≥ 95% of the target, not stopped by the guard, p99 ≤ ${sustainedP99LimitMs(0)} ms for critical and ≤ ${sustainedP99LimitMs(BATCH_WINDOW_MS)} ms for normal (the ${BATCH_WINDOW_MS} ms batch window, then each window's wave out within half a window)`,
    phases: [...ladder, critical, normal, ...normalLadder].map(describePhase),
    idleMemory: `server RSS: median of ${RSS_SAMPLES} samples before the swarm connects, and ${IDLE_SETTLE_MS / 1000} s after it did (${setup.rssWithoutMb} → ${setup.rssWithMb} MB)`,
    targets: `≥ 20,000 notifications/s delivered: critical (one message each) ${Math.max(...[...ladder, critical].map((s) => s.deliveredPerSec))}/s at best, normal (batched) ${Math.max(...[...normalLadder, normal].map((s) => s.deliveredPerSec))}/s at best; p99 ≤ 50 ms at 5,000/s critical: ${critical.p99Ms} ms${critical.sustained ? '' : ' (5,000/s not sustained)'} — reported, not asserted`,
  };
}

function describePhase(phase: PhaseFigures): string {
  const stopped = phase.abortedAfterMs === undefined ? '' : ` (producer stopped after ${phase.abortedAfterMs} ms: backlog)`;
  return (
    `${phase.name}: offered ${phase.offeredPerSec}/s${stopped}, delivered ${phase.deliveredPerSec}/s, ${phase.received}/${phase.inserted} arrived` +
    `${phase.drained ? '' : ' (NOT drained)'} in ${phase.messages} messages, dup ${phase.duplicates}, p50 ${phase.p50Ms} p99 ${phase.p99Ms} max ${phase.maxMs} ms, ` +
    `tail ${phase.tailMs} ms (+${phase.recordingTailMs} ms recording), server mean ${phase.serverLatencyMeanMs} ms, INSERT p99 ${phase.producerInsertP99Ms} ms, ` +
    `CPU% ${JSON.stringify(phase.cpuPercent)}, ${phase.sustained ? 'sustained' : 'not sustained'}`
  );
}

async function registerUsers(url: string): Promise<Array<{ id: string; apiKey: string }>> {
  const tag = Date.now().toString(36);
  const users = new Array<{ id: string; apiKey: string }>(CLIENTS);
  let next = 0;
  const worker = async () => {
    while (next < CLIENTS) {
      const i = next++;
      users[i] = await registerUser(url, `n${i}_${tag}`);
    }
  };
  await Promise.all(Array.from({ length: REGISTER_CONCURRENCY }, worker));
  return users;
}

async function medianRssMb(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RSS_SAMPLES; i++) {
    if (i) await sleep(RSS_SAMPLE_GAP_MS);
    samples.push(rssMb(pid));
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

/** The PostgreSQL server counts whole (every backend, the WAL writer, the checkpointer): on one machine, it is what shares the CPU. */
function pidsOf(server: BenchServer, pglite: StandalonePglite | undefined, swarm: SwarmProcess): Record<string, CpuTarget> {
  const database: Record<string, CpuTarget> = pglite ? { pglite: pglite.pid } : { postgresql: processesNamed('postgres') };
  return { server: server.pid, swarm: swarm.pid, bench: process.pid, ...database };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
