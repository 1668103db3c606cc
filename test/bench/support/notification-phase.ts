// One measured phase of the notifications bench: the producer offers a fixed rate for a while, the swarm
// records what arrives, and the figures are taken from both (plus the server's own latency histogram and
// the CPU of every process involved).
import { round } from './machine';
import type { OutboxProducer } from './outbox-producer';
import { cpuMeter } from './process-cpu';
import { percentile, summarize } from './latency-stats';
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
  pids: Record<string, number>;
}

export interface PhaseFigures {
  name: string;
  targetPerSec: number;
  offeredPerSec: number;
  inserted: number;
  received: number;
  /** receipts per second while the producer offered, after settleMs */
  deliveredPerSec: number;
  /** every receipt of the phase over first INSERT → last receipt: the pipeline's throughput when it saturated */
  overallPerSec: number;
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
  /** the server's view, occurred_at → delivery recorded sent (tradepulse_notification_latency_seconds) */
  serverLatencyMeanMs: number;
  producerInsertP99Ms: number;
  /** % of one core during the offered window, by process */
  cpuPercent: Record<string, number>;
  sustained: boolean;
}

/** A rate counts as sustained when everything arrived, at ≥ 95% of the offered rate, with p99 under this. */
export const SUSTAINED_P99_MS = 500;
const SUSTAINED_SHARE = 0.95;
const COUNT_POLL_MS = 100;
/** How often the backlog (inserted − received) is checked while the producer runs. */
const BACKLOG_CHECK_MS = 250;
/**
 * The producer stops once the backlog exceeds this many seconds of the recent delivery rate (plus the batch
 * window and a floor): such a rate is not sustained, and a longer run only piles up work the next phase inherits.
 */
const MAX_QUEUE_WAIT_SEC = 1;
const BACKLOG_FLOOR = 500;

export async function runPhase(context: PhaseContext, spec: PhaseSpec): Promise<PhaseFigures> {
  const histogramBefore = await serverLatency(context);
  const cpu = cpuMeter(context.pids);
  const abort = new AbortController();
  const producing = context.producer.run({ phase: spec.name, ratePerSec: spec.ratePerSec, durationMs: spec.durationMs, priority: spec.priority, signal: abort.signal });
  const abortedAfterMs = await watchBacklog(context, spec, abort, producing);
  const produced = await producing;
  const cpuPercent = cpu();
  const drained = await waitForReceipts(context.swarm, spec.name, produced.inserted, produced.endedAt + spec.drainTimeoutMs);
  const report = await context.swarm.report(spec.name);
  const histogramAfter = await serverLatency(context);

  const latencies = report.receivedAt.map((at, i) => at - report.sentAt[i]);
  const latency = summarize(latencies);
  const steadyFrom = produced.startedAt + spec.settleMs;
  const steadyCount = report.receivedAt.filter((at) => at >= steadyFrom && at <= produced.endedAt).length;
  const deliveredPerSec = Math.round((steadyCount * 1000) / Math.max(1, produced.endedAt - steadyFrom));
  const lastReceipt = report.receivedAt.reduce((latest, at) => Math.max(latest, at), 0);
  const p99Ms = latency.p99;
  return {
    name: spec.name,
    targetPerSec: spec.ratePerSec,
    offeredPerSec: produced.offeredPerSec,
    inserted: produced.inserted,
    received: report.ids.length,
    deliveredPerSec,
    overallPerSec: lastReceipt ? Math.round((report.ids.length * 1000) / Math.max(1, lastReceipt - produced.startedAt)) : 0,
    p50Ms: latency.p50,
    p99Ms,
    maxMs: latency.max,
    messages: report.messages,
    duplicates: report.duplicates,
    drained,
    abortedAfterMs,
    tailMs: lastReceipt ? lastReceipt - produced.endedAt : Number.NaN,
    serverLatencyMeanMs: round(((histogramAfter.sum - histogramBefore.sum) / Math.max(1, histogramAfter.count - histogramBefore.count)) * 1000, 1),
    producerInsertP99Ms: percentile(Float64Array.from(produced.insertMs).sort(), 99),
    cpuPercent,
    sustained: !produced.aborted && drained && deliveredPerSec >= SUSTAINED_SHARE * produced.offeredPerSec && produced.offeredPerSec >= SUSTAINED_SHARE * spec.ratePerSec && p99Ms <= SUSTAINED_P99_MS,
  };
}

/** Aborts the producer when the backlog outgrows what a sustained rate would leave; returns when it did (ms). */
async function watchBacklog(context: PhaseContext, spec: PhaseSpec, abort: AbortController, producing: Promise<unknown>): Promise<number | undefined> {
  let finished = false;
  const settled = producing.then(
    () => (finished = true),
    () => (finished = true),
  );
  let last = { at: Date.now(), received: 0 };
  while (!finished) {
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, BACKLOG_CHECK_MS))]);
    if (finished) return undefined;
    const received = await context.swarm.count(spec.name);
    const now = Date.now();
    const { startedAt, inserted } = context.producer.progress;
    const recentPerSec = ((received - last.received) * 1000) / Math.max(1, now - last.at);
    const allowed = BACKLOG_FLOOR + (spec.ratePerSec * spec.expectedWaitMs) / 1000 + recentPerSec * MAX_QUEUE_WAIT_SEC;
    if (inserted - received > allowed) {
      abort.abort();
      return now - startedAt;
    }
    last = { at: now, received };
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

/** Sum (s) and count of the websocket channel's latency histogram. */
async function serverLatency({ serverUrl, adminKey }: PhaseContext): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${serverUrl}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } })).text();
  const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*channel="websocket"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: value('tradepulse_notification_latency_seconds_sum'), count: value('tradepulse_notification_latency_seconds_count') };
}
