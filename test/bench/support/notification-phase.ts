// One measured phase of the notifications bench: the producer offers a fixed rate for a while, the swarm
// records what arrives, and the figures are taken from both (plus the server's own latency histogram and
// the CPU of every process involved).
import { round } from './machine';
import type { OutboxProducer, ProducerFigures } from './outbox-producer';
import { percentile, summarize } from './latency-stats';
import { cpuMeter, CpuTarget } from './process-cpu';
import type { PhaseReport } from './socket-swarm';
import type { SwarmProcess } from './swarm-process';

export interface PhaseSpec {
  name: string;
  priority: 'critical' | 'normal';
  ratePerSec: number;
  durationMs: number;
  /** the start of the phase left out of the steady delivered rate (pipeline filling; the batch window) */
  settleMs: number;
  /** how long notifications wait by design (the batch window): not counted as backlog */
  expectedWaitMs: number;
  /** how long after the last INSERT every notification must have arrived */
  drainTimeoutMs: number;
}

export interface PhaseContext {
  producer: OutboxProducer;
  swarm: SwarmProcess;
  serverUrl: string;
  adminKey: string;
  /** processes whose CPU is recorded, by role */
  pids: Record<string, CpuTarget>;
}

export interface PhaseFigures {
  name: string;
  targetPerSec: number;
  offeredPerSec: number;
  inserted: number;
  received: number;
  /**
   * receipts per second while the producer offered, after settleMs; for a phase the backlog guard stopped, every
   * receipt over first INSERT → last receipt instead (the pipeline's throughput while saturated)
   */
  deliveredPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** `notification` events; critical: one per notification, normal: one per flushed batch */
  messages: number;
  duplicates: number;
  drained: boolean;
  /** when the producer was stopped early because the backlog proved the rate unsustainable (ms into the phase) */
  abortedAfterMs?: number;
  /** last receipt − last INSERT */
  tailMs: number;
  /** how long after the swarm had everything the server still recorded outcomes (the next phase waits for it) */
  recordingTailMs: number;
  /** the server's view, occurred_at → delivery recorded sent (tradepulse_notification_latency_seconds) */
  serverLatencyMeanMs: number;
  producerInsertP99Ms: number;
  /** % of one core during the offered window, by process */
  cpuPercent: Record<string, number>;
  sustained: boolean;
}

/**
 * A rate counts as sustained when everything arrived, at ≥ 95% of the offered rate, with p99 under this beyond the
 * wait the phase has by design (the batch window of normal priority; none for critical).
 */
export const SUSTAINED_P99_MS = 500;
/**
 * A batched phase opens every user's window at once, so each window closes as one wave of a whole window's
 * notifications: it keeps up while a wave is delivered within half a window (for the 2 s window, p99 ≤ 3 s), beyond
 * which waves would start to overlap.
 */
export const SUSTAINED_WAVE_SHARE = 0.5;

/** The p99 a phase may reach and still count as sustained. */
export function sustainedP99LimitMs(expectedWaitMs: number): number {
  return expectedWaitMs + Math.max(SUSTAINED_P99_MS, expectedWaitMs * SUSTAINED_WAVE_SHARE);
}
const SUSTAINED_SHARE = 0.95;
const COUNT_POLL_MS = 100;
/** How often the backlog (inserted − received) is checked while the producer runs. */
const BACKLOG_CHECK_MS = 250;
/**
 * The producer stops once the backlog exceeds this many seconds of the phase's delivery rate (plus the batch
 * window and a floor): such a rate is not sustained, and a longer run only piles up work the next phase inherits.
 */
const MAX_QUEUE_WAIT_SEC = 1;
const BACKLOG_FLOOR = 500;
/** beyond the batch window, how long into a phase before the guard judges (the first receipts are on their way) */
const GUARD_GRACE_MS = 250;
/**
 * A batched phase opens every user's window in its first moments, so the first flushes come as one burst of a whole
 * window's notifications: the guard gives that burst this long before it judges.
 */
const FIRST_FLUSH_GRACE_MS = 1_000;

export async function runPhase(context: PhaseContext, spec: PhaseSpec): Promise<PhaseFigures> {
  await context.producer.standInForAutovacuum();
  const histogramBefore = await serverLatency(context);
  const cpu = cpuMeter(context.pids);
  const abort = new AbortController();
  const producing = context.producer.run({ phase: spec.name, ratePerSec: spec.ratePerSec, durationMs: spec.durationMs, priority: spec.priority, signal: abort.signal });
  const abortedAfterMs = await watchBacklog(context, spec, abort, producing);
  const produced = await producing;
  const cpuPercent = cpu();
  const drained = await waitForReceipts(context.swarm, spec.name, produced.inserted, produced.endedAt + spec.drainTimeoutMs);
  const report = await context.swarm.report(spec.name);
  const recordingStarted = Date.now();
  await waitForIdlePipeline(context.producer, produced.endedAt + spec.drainTimeoutMs);
  const recordingTailMs = Date.now() - recordingStarted;
  const histogramAfter = await serverLatency(context);
  const serverLatencyMeanMs = round(((histogramAfter.sum - histogramBefore.sum) / Math.max(1, histogramAfter.count - histogramBefore.count)) * 1000, 1);
  return figures(spec, produced, report, { drained, abortedAfterMs, serverLatencyMeanMs, cpuPercent, recordingTailMs });
}

function figures(
  spec: PhaseSpec,
  produced: ProducerFigures,
  report: PhaseReport,
  observed: Pick<PhaseFigures, 'drained' | 'abortedAfterMs' | 'serverLatencyMeanMs' | 'cpuPercent' | 'recordingTailMs'>,
): PhaseFigures {
  const latency = summarize(report.receivedAt.map((at, i) => at - report.sentAt[i]));
  const lastReceipt = report.receivedAt.reduce((latest, at) => Math.max(latest, at), 0);
  const deliveredPerSec = produced.aborted ? ratePerSec(report.ids.length, lastReceipt - produced.startedAt) : steadyRate(report.receivedAt, produced, spec.settleMs);
  const keptUp = deliveredPerSec >= SUSTAINED_SHARE * produced.offeredPerSec && produced.offeredPerSec >= SUSTAINED_SHARE * spec.ratePerSec;
  return {
    name: spec.name,
    targetPerSec: spec.ratePerSec,
    offeredPerSec: produced.offeredPerSec,
    inserted: produced.inserted,
    received: report.ids.length,
    deliveredPerSec,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
    messages: report.messages,
    duplicates: report.duplicates,
    tailMs: lastReceipt ? lastReceipt - produced.endedAt : Number.NaN,
    producerInsertP99Ms: percentile(Float64Array.from(produced.insertMs).sort(), 99),
    ...observed,
    sustained: !produced.aborted && observed.drained && keptUp && latency.p99 <= sustainedP99LimitMs(spec.expectedWaitMs),
  };
}

/** Receipts per second inside the offered window, after its first settleMs. */
function steadyRate(receivedAt: number[], produced: { startedAt: number; endedAt: number }, settleMs: number): number {
  const from = produced.startedAt + settleMs;
  return ratePerSec(receivedAt.filter((at) => at >= from && at <= produced.endedAt).length, produced.endedAt - from);
}

function ratePerSec(count: number, ms: number): number {
  return ms > 0 ? Math.round((count * 1000) / ms) : 0;
}

/**
 * Aborts the producer when the backlog (inserted − received) outgrows what a sustained rate leaves: the batch
 * window's worth, plus MAX_QUEUE_WAIT_SEC of the rate delivered so far in the phase. Returns when it did (ms).
 */
async function watchBacklog(context: PhaseContext, spec: PhaseSpec, abort: AbortController, producing: Promise<unknown>): Promise<number | undefined> {
  let finished = false;
  const settled = producing.then(
    () => (finished = true),
    () => (finished = true),
  );
  while (!finished) {
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, BACKLOG_CHECK_MS))]);
    if (finished) return undefined;
    const received = await context.swarm.count(spec.name);
    const { startedAt, inserted } = context.producer.progress;
    const deliveringMs = Date.now() - startedAt - spec.expectedWaitMs;
    if (deliveringMs < (spec.expectedWaitMs > 0 ? FIRST_FLUSH_GRACE_MS : GUARD_GRACE_MS)) continue;
    const deliveredPerSec = (received * 1000) / deliveringMs;
    const allowed = BACKLOG_FLOOR + (spec.ratePerSec * spec.expectedWaitMs) / 1000 + deliveredPerSec * MAX_QUEUE_WAIT_SEC;
    if (inserted - received > allowed) {
      abort.abort();
      return Date.now() - startedAt;
    }
  }
  return undefined;
}

/** True once the swarm holds `expected` items of the phase; false at the deadline. */
async function waitForReceipts(swarm: SwarmProcess, phase: string, expected: number, deadline: number): Promise<boolean> {
  for (;;) {
    if ((await swarm.count(phase)) >= expected) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, COUNT_POLL_MS));
  }
}

/** Until the server holds no notification work (so the next phase starts on a quiet pipeline), or the deadline. */
async function waitForIdlePipeline(producer: OutboxProducer, deadline: number): Promise<void> {
  while ((await producer.workInProgress()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, COUNT_POLL_MS));
}

/** Sum (s) and count of the websocket channel's latency histogram. */
async function serverLatency({ serverUrl, adminKey }: PhaseContext): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${serverUrl}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } })).text();
  const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*channel="websocket"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: value('tradepulse_notification_latency_seconds_sum'), count: value('tradepulse_notification_latency_seconds_count') };
}
