import fc from 'fast-check';
import { ReferenceEvaluator } from './reference-evaluator';
import { TriggerIndex } from './trigger-index';
import type { AlertCondition, IndexedAlert } from './types';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
const CONDITIONS: AlertCondition[] = ['above', 'below', 'crosses_up', 'crosses_down', 'crosses', 'pct_up', 'pct_down'];
const ID_POOL = 12; // small, so ids get replaced and removed while active
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

// Half-unit prices on a small range, so ticks land exactly on thresholds and cross them often.
const price = fc.integer({ min: 2, max: 40 }).map((n) => n / 2);

const alertArb: fc.Arbitrary<IndexedAlert> = fc
  .record({
    n: fc.integer({ min: 0, max: ID_POOL - 1 }),
    symbol: fc.constantFrom(...SYMBOLS),
    condition: fc.constantFrom(...CONDITIONS),
    price,
    percent: fc.constantFrom(1, 5, 10, 25, 50, 80),
    windowSec: fc.constantFrom(1, 2, 5, 30),
    frequency: fc.constantFrom<IndexedAlert['frequency']>('once', 'every_time'),
    cooldownMs: fc.constantFrom(0, 1000, 2500, 10_000),
    lastFiredAtMs: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
    placeByLastPrice: fc.boolean(),
  })
  .map(({ n, condition, price: p, percent, windowSec, ...rest }) => {
    const pct = condition === 'pct_up' || condition === 'pct_down';
    return { id: idOf(n), condition, ...(pct ? { percent, windowSec } : { price: p }), ...rest };
  });

type Op =
  | { kind: 'add'; alert: IndexedAlert }
  /** the `pick`-th live alert added again with the same trigger (a PATCH of its note, say) */
  | { kind: 'readd'; pick: number; cooldownMs: number }
  | { kind: 'remove'; id: string }
  | { kind: 'seed'; symbol: string; price: number }
  | { kind: 'tick'; symbol: string; price: number; dtMs: number };

// Mostly forward in time; whole seconds land exactly on window edges; same-millisecond and late
// (earlier) ticks happen too.
const dtMs = fc.oneof(
  fc.constantFrom(0, 500, 1000, 2000, 5000, -1000),
  fc.integer({ min: -500, max: 3000 }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: alertArb.map((alert): Op => ({ kind: 'add', alert })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: ID_POOL - 1 }).map((n): Op => ({ kind: 'remove', id: idOf(n) })) },
  { weight: 2, arbitrary: fc.record({ pick: fc.nat(), cooldownMs: fc.constantFrom(0, 1000) }).map(({ pick, cooldownMs }): Op => ({ kind: 'readd', pick, cooldownMs })) },
  { weight: 1, arbitrary: fc.record({ symbol: fc.constantFrom(...SYMBOLS), price }).map((s): Op => ({ kind: 'seed', ...s })) },
  {
    weight: 8,
    arbitrary: fc
      .record({ symbol: fc.constantFrom(...SYMBOLS), price, dtMs })
      .map((t): Op => ({ kind: 'tick', ...t })),
  },
);

// 'medium' size: scenarios of tens of ops, long enough to set alerts after ticks, re-add them and let windows expire
const scenario = fc.array(opArb, { minLength: 1, maxLength: 120, size: 'medium' });

interface Step {
  engine: string[];
  reference: string[];
  replay: string[];
}

/** Applies the ops to both evaluators; with `replay`, the engine evaluates every tick twice. */
function play(ops: Op[], replay: boolean, onTick: (step: Step, op: Op) => void): void {
  const engine = new TriggerIndex();
  const reference = new ReferenceEvaluator();
  let atMs = 1_000_000;
  const added = new Map<string, IndexedAlert>();
  for (const op of ops) {
    if (op.kind === 'add') {
      engine.add(op.alert);
      reference.add(op.alert);
      added.set(op.alert.id, op.alert);
    } else if (op.kind === 'readd') {
      const live = [...added.values()].filter((alert) => engine.has(alert.id));
      if (!live.length) continue;
      const again = live[op.pick % live.length];
      engine.add({ ...again, cooldownMs: op.cooldownMs, placeByLastPrice: false });
      reference.add({ ...again, cooldownMs: op.cooldownMs, placeByLastPrice: false });
    } else if (op.kind === 'remove') {
      expect(engine.remove(op.id)).toBe(reference.remove(op.id));
    } else if (op.kind === 'seed') {
      engine.seedLastPrice(op.symbol, op.price);
      reference.seedLastPrice(op.symbol, op.price);
    } else {
      atMs += op.dtMs;
      const ids = (fired: readonly { id: string }[]) => fired.map((f) => f.id).sort();
      const step: Step = {
        engine: ids(engine.evaluate(op.symbol, op.price, atMs)),
        reference: ids(reference.evaluate(op.symbol, op.price, atMs)),
        replay: replay ? ids(engine.evaluate(op.symbol, op.price, atMs)) : [],
      };
      onTick(step, op);
      expect(engine.lastPrice(op.symbol)).toBe(reference.lastPrice(op.symbol));
    }
    expect(engine.size).toBe(reference.size);
  }
}

describe('TriggerIndex against the naive reference evaluator', () => {
  it('fires exactly what the reference fires, on every tick', () => {
    fc.assert(
      fc.property(scenario, (ops) => play(ops, false, (step) => expect(step.engine).toEqual(step.reference))),
      { numRuns: 1500 },
    );
  });

  it('fires nothing when a tick is evaluated again immediately, and the replay changes no later firing', () => {
    fc.assert(
      fc.property(scenario, (ops) =>
        play(ops, true, (step) => {
          expect(step.replay).toEqual([]);
          expect(step.engine).toEqual(step.reference);
        }),
      ),
      { numRuns: 800 },
    );
  });

  it('fires a once-alert at most once per add, and never fires a removed alert', () => {
    fc.assert(
      fc.property(scenario, (ops) => {
        const engine = new TriggerIndex();
        const live = new Map<string, IndexedAlert['frequency']>(); // what may still fire
        let atMs = 0;
        for (const op of ops) {
          if (op.kind === 'add') {
            engine.add(op.alert);
            live.set(op.alert.id, op.alert.frequency);
          } else if (op.kind === 'readd') {
            continue;
          } else if (op.kind === 'remove') {
            engine.remove(op.id);
            live.delete(op.id);
          } else if (op.kind === 'seed') {
            engine.seedLastPrice(op.symbol, op.price);
          } else {
            for (const { id } of engine.evaluate(op.symbol, op.price, (atMs += op.dtMs))) {
              expect(live.has(id)).toBe(true);
              if (live.get(id) === 'once') {
                live.delete(id);
                expect(engine.has(id)).toBe(false);
              }
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with the reference with thousands of alerts across array growth', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const engine = new TriggerIndex();
    const reference = new ReferenceEvaluator();
    for (let i = 0; i < 3000; i++) {
      const condition = CONDITIONS[Math.floor(random() * CONDITIONS.length)];
      const pct = condition === 'pct_up' || condition === 'pct_down';
      const alert: IndexedAlert = {
        id: idOf(i),
        symbol: SYMBOLS[i % SYMBOLS.length],
        condition,
        ...(pct ? { percent: 1 + Math.floor(random() * 20), windowSec: 5 } : { price: 80 + Math.round(random() * 400) / 10 }),
        frequency: random() < 0.6 ? 'once' : 'every_time',
        cooldownMs: random() < 0.5 ? 0 : 3000,
      };
      engine.add(alert);
      reference.add(alert);
    }
    const prices = SYMBOLS.map(() => 100);
    for (let t = 0; t < 2000; t++) {
      const s = t % SYMBOLS.length;
      prices[s] = Math.max(1, prices[s] + Math.round((random() - 0.5) * 40) / 10);
      if (t % 97 === 0) expect(engine.remove(idOf(t))).toBe(reference.remove(idOf(t)));
      const fired = engine.evaluate(SYMBOLS[s], prices[s], t * 250).map((f) => f.id).sort();
      expect(fired).toEqual(reference.evaluate(SYMBOLS[s], prices[s], t * 250).map((f) => f.id).sort());
    }
    expect(engine.size).toBe(reference.size);
  });
});
