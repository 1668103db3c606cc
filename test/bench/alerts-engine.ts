// Alerts engine bench: the trigger index against the per-alert evaluation (batches of 50) it replaces.
// Run: npx tsc -p tsconfig.build.json --outDir /tmp/alerts-bench-build &&
//      node --expose-gc /tmp/alerts-bench-build/test/bench/alerts-engine.js

import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ReferenceEvaluator } from '../../libs/alerts/src/engine/reference-evaluator';
import { TriggerIndex } from '../../libs/alerts/src/engine/trigger-index';
import type { AlertCondition, FiredAlert, IndexedAlert } from '../../libs/alerts/src/engine/types';

export interface AlertsEngineBenchOptions {
  alerts?: number;
  symbols?: number;
  ticks?: number;
  /** Ticks run through the naive evaluator (it is ~1000x slower, so a prefix of the stream). */
  naiveTicks?: number;
}

export interface AlertsEngineBenchResult {
  name: 'alerts-engine';
  conditions: Record<string, unknown>;
  metrics: Record<string, number>;
  baseline: Record<string, number>;
  ratio: number;
}

/** What both evaluators offer the tick loop. */
interface Evaluator {
  seedLastPrice(symbol: string, price: number): void;
  add(alert: IndexedAlert): void;
  evaluate(symbol: string, price: number, atMs: number): readonly FiredAlert[];
}

/** Thresholds sit up to this fraction away from the price they were set against. */
const THRESHOLD_SPREAD = 0.1;
/** Relative step of each symbol's random walk; tuned so that about 1 % of ticks fire something. */
const WALK_STEP = 5e-5;
/** Every-time alerts rest this long after a firing. */
const COOLDOWN_MS = 60_000;
const START_MS = Date.UTC(2025, 0, 1);

interface Market {
  symbols: string[];
  basePrices: Float64Array;
}

interface TickStream {
  symbol: Int32Array;
  price: Float64Array;
}

/** Deterministic uniform [0, 1) from two integers (a 32-bit mix), so both evaluators see the same alerts. */
function unit(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const UUID_CODES: number[] = Array.from('xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx', (c) => c.charCodeAt(0));

/** A v4-shaped uuid whose last 12 hex digits are the alert number, so a fired id maps back to its spec. */
function uuidFor(n: number): string {
  let bits = 0;
  for (let i = 0, random = 0; i < 24; i++) {
    if (i === 8 || i === 13 || i === 14 || i === 18 || i === 19 || i === 23) continue; // dashes and version/variant
    if (bits === 0) (random = Math.floor(unit(n, 11 + i) * 2 ** 28)), (bits = 7);
    UUID_CODES[i] = HEX_CODES[random & 15];
    random >>>= 4;
    bits--;
  }
  for (let i = 35, rest = n; i >= 24; i--, rest = Math.floor(rest / 16)) UUID_CODES[i] = HEX_CODES[rest % 16];
  // fromCharCode yields a flat string, as a database driver would, not a concatenation rope
  return String.fromCharCode(...UUID_CODES);
}

function alertNumber(id: string): number {
  return parseInt(id.slice(24), 16);
}

/** Alert n: 35 % above, 35 % below, 30 % crosses*; 90 % once. `salt` varies the threshold on re-adds. */
function alertFor(n: number, market: Market, price: number, salt: number): IndexedAlert {
  const kind = unit(n, 1);
  const condition: AlertCondition =
    kind < 0.35 ? 'above' : kind < 0.7 ? 'below' : kind < 0.8 ? 'crosses_up' : kind < 0.9 ? 'crosses_down' : 'crosses';
  const once = unit(n, 2) < 0.9;
  const distance = THRESHOLD_SPREAD * unit(n, salt);
  const offset = condition === 'above' ? distance : condition === 'below' ? -distance : distance * (2 * unit(n, salt + 1) - 1);
  return {
    id: uuidFor(n),
    symbol: market.symbols[n % market.symbols.length],
    condition,
    price: price * (1 + offset),
    frequency: once ? 'once' : 'every_time',
    cooldownMs: once ? 0 : COOLDOWN_MS,
  };
}

function createMarket(symbols: number): Market {
  const names = Array.from({ length: symbols }, (_, s) => `SYM${String(s).padStart(4, '0')}USDT`);
  // log-uniform base prices between 0.01 and 100 000, like a crypto exchange
  const basePrices = Float64Array.from(names, (_, s) => 10 ** (-2 + 7 * unit(s, 5)));
  return { symbols: names, basePrices };
}

/** Each tick picks a random symbol and moves its price one random-walk step. */
function createTickStream(market: Market, ticks: number): TickStream {
  const walk = Float64Array.from(market.basePrices);
  const stream = { symbol: new Int32Array(ticks), price: new Float64Array(ticks) };
  for (let t = 0; t < ticks; t++) {
    const s = Math.floor(unit(t, 6) * walk.length);
    walk[s] *= 1 + WALK_STEP * (2 * unit(t, 7) - 1) * Math.sqrt(3);
    stream.symbol[t] = s;
    stream.price[t] = walk[s];
  }
  return stream;
}

/** As the server starts: the persisted last prices first (AlertEngine.rebuild), then the active alerts. */
function populate(evaluator: Evaluator, market: Market, alerts: number): void {
  market.symbols.forEach((symbol, s) => evaluator.seedLastPrice(symbol, market.basePrices[s]));
  for (let n = 0; n < alerts; n++) evaluator.add(alertFor(n, market, market.basePrices[n % market.symbols.length], 3));
}

function memoryNow(): { heap: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { heapUsed, external } = process.memoryUsage();
  // typed-array backing stores live outside the JS heap, in `external`
  return { heap: heapUsed, external };
}

interface TickRun {
  seconds: number;
  ticks: number;
  triggers: number;
  firingTicks: number;
  /** Triggers counted after `checkpoint` ticks, to cross-check the naive run on the same prefix. */
  triggersAtCheckpoint: number;
}

/** Evaluates the stream; fired `once` alerts are re-added further on, keeping the population steady. */
function runTicks(evaluator: Evaluator, market: Market, stream: TickStream, ticks: number, checkpoint: number): TickRun {
  const { symbols } = market;
  let triggers = 0;
  let firingTicks = 0;
  let triggersAtCheckpoint = 0;
  const started = performance.now();
  for (let t = 0; t < ticks; t++) {
    if (t === checkpoint) triggersAtCheckpoint = triggers;
    const price = stream.price[t];
    const fired = evaluator.evaluate(symbols[stream.symbol[t]], price, START_MS + (t >>> 10));
    if (fired.length === 0) continue;
    firingTicks++;
    triggers += fired.length;
    for (const { id } of fired) {
      const n = alertNumber(id);
      if (unit(n, 2) < 0.9) evaluator.add(alertFor(n, market, price, 3 + (t % 1000) * 2));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, ticks, triggers, firingTicks, triggersAtCheckpoint: ticks === checkpoint ? triggers : triggersAtCheckpoint };
}

/** Time to make the alert objects alone, so the build time can be read net of the bench's own work. */
function measureGeneration(market: Market, alerts: number): number {
  const started = performance.now();
  let checksum = 0;
  for (let n = 0; n < alerts; n++) checksum += alertFor(n, market, market.basePrices[n % market.symbols.length], 3).id.length;
  if (checksum !== alerts * 36) throw new Error('malformed alert ids');
  return performance.now() - started;
}

/** Builds the index, measuring time and the heap + typed-array memory it keeps. */
function buildIndex(market: Market, alerts: number) {
  const before = memoryNow();
  const started = performance.now();
  const index = new TriggerIndex();
  populate(index, market, alerts);
  const buildMs = performance.now() - started;
  const after = memoryNow();
  const heapPerAlert = (after.heap - before.heap) / alerts;
  const externalPerAlert = (after.external - before.external) / alerts;
  return { index, buildMs, heapPerAlert, externalPerAlert };
}

/** Removes then re-adds a spread sample of resident alerts, timing each half (ns per alert). */
function measureChurn(index: TriggerIndex, market: Market, alerts: number, sample: number) {
  const numbers = Array.from({ length: Math.min(sample, alerts) }, (_, k) => (k * 7919) % alerts);
  let started = performance.now();
  for (const n of numbers) if (!index.remove(uuidFor(n))) throw new Error(`alert ${n} was not resident`);
  const removeNs = ((performance.now() - started) * 1e6) / numbers.length;
  started = performance.now();
  for (const n of numbers) index.add(alertFor(n, market, market.basePrices[n % market.symbols.length], 3));
  const addNs = ((performance.now() - started) * 1e6) / numbers.length;
  return { removeNs, addNs };
}

function measureEngine(market: Market, stream: TickStream, alerts: number, ticks: number, naiveTicks: number) {
  const generationMs = measureGeneration(market, alerts);
  const built = buildIndex(market, alerts);
  const run = runTicks(built.index, market, stream, ticks, naiveTicks);
  const resident = built.index.size;
  const churn = measureChurn(built.index, market, alerts, 100_000);
  return { generationMs, ...built, index: undefined, run, resident, churn };
}

function measureNaive(market: Market, stream: TickStream, alerts: number, ticks: number) {
  const naive = new ReferenceEvaluator(50);
  const buildStarted = performance.now();
  populate(naive, market, alerts);
  const buildMs = performance.now() - buildStarted;
  return { buildMs, run: runTicks(naive, market, stream, ticks, ticks) };
}

export async function runAlertsEngineBench(opts: AlertsEngineBenchOptions = {}): Promise<AlertsEngineBenchResult> {
  const alerts = opts.alerts ?? 1_000_000;
  const symbols = opts.symbols ?? 1_000;
  const ticks = opts.ticks ?? 5_000_000;
  const naiveTicks = Math.min(ticks, opts.naiveTicks ?? 20_000);
  const loadavgBefore = os.loadavg();
  const market = createMarket(symbols);
  const stream = createTickStream(market, ticks);

  const engine = measureEngine(market, stream, alerts, ticks, naiveTicks);
  memoryNow(); // let the index go before the naive evaluator's million objects arrive
  const naive = measureNaive(market, stream, alerts, naiveTicks);

  const engineTicksPerSec = engine.run.ticks / engine.run.seconds;
  const naiveTicksPerSec = naive.run.ticks / naive.run.seconds;
  return {
    name: 'alerts-engine',
    conditions: { ...machine(loadavgBefore), alerts, symbols, ticks, naiveTicks, naiveBatchSize: 50, mix: MIX },
    metrics: {
      ticksPerSec: Math.round(engineTicksPerSec),
      triggersPerSec: Math.round(engine.run.triggers / engine.run.seconds),
      firingTickPct: round((100 * engine.run.firingTicks) / engine.run.ticks, 3),
      triggers: engine.run.triggers,
      buildMs: Math.round(engine.buildMs),
      alertGenerationMs: Math.round(engine.generationMs),
      bytesPerAlert: Math.round(engine.heapPerAlert + engine.externalPerAlert),
      heapBytesPerAlert: Math.round(engine.heapPerAlert),
      typedArrayBytesPerAlert: Math.round(engine.externalPerAlert),
      removeNsPerAlert: Math.round(engine.churn.removeNs),
      addNsPerAlert: Math.round(engine.churn.addNs),
      residentAlertsAtEnd: engine.resident,
      naiveSampleTriggersMatch: engine.run.triggersAtCheckpoint === naive.run.triggers ? 1 : 0,
    },
    baseline: {
      ticksPerSec: Math.round(naiveTicksPerSec),
      triggersPerSec: Math.round(naive.run.triggers / naive.run.seconds),
      buildMs: Math.round(naive.buildMs),
    },
    ratio: round(engineTicksPerSec / naiveTicksPerSec, 1),
  };
}

const MIX = 'above 35%, below 35%, crosses_up/crosses_down/crosses 10% each; 90% once, 10% every_time (60 s cooldown)';

function machine(loadavgBefore: number[]): Record<string, unknown> {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    loadavgBefore,
    loadavgAfter: os.loadavg(),
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
  };
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

if (require.main === module) {
  runAlertsEngineBench().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
