// `npm run bench [-- <name>...]`: runs the named benchmarks (all when none is named), writes each result to
// bench-results/<name>.json as { name, conditions, metrics, baseline?, ratio? } and prints a table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runAlertsE2eBench } from '../../../test/bench/alerts-e2e';
import { runAlertsEngineBench } from '../../../test/bench/alerts-engine';
import { runHttpBench } from '../../../test/bench/http';
import { runNotificationsBench } from '../../../test/bench/notifications';
import type { BenchResult } from '../../../test/bench/support/bench-result';
import { machineAfter, machineBefore } from '../../../test/bench/support/machine';

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  'alerts-engine': () => runAlertsEngineBench(),
  http: () => runHttpBench(),
  'alerts-e2e': () => runAlertsE2eBench(),
  notifications: () => runNotificationsBench(),
};

/** Names that stand for several benches: issue #3's `alerts` bench is the engine alone plus end to end. */
const GROUPS: Record<string, string[]> = { alerts: ['alerts-engine', 'alerts-e2e'] };

/** Every result carries the machine conditions; a bench's own entries win (it knows its database mode). */
async function runOne(name: string): Promise<BenchResult> {
  const machine = machineBefore();
  const result = await BENCHES[name]();
  return { ...result, conditions: { ...machineAfter(machine), databaseMode: 'none (in-process, no server)', ...result.conditions } };
}

/** dist/apps/cli/src → the repository root */
const RESULTS_DIR = join(resolve(__dirname, '../../../..'), 'bench-results');

async function main(asked: string[]): Promise<void> {
  const names = asked.flatMap((name) => GROUPS[name] ?? [name]);
  const unknown = names.filter((name) => !BENCHES[name]);
  if (unknown.length) {
    process.stderr.write(`unknown bench ${unknown.join(', ')}; known: ${[...Object.keys(BENCHES), ...Object.keys(GROUPS)].join(', ')}\n`);
    process.exit(2);
  }
  exposeGc();
  mkdirSync(RESULTS_DIR, { recursive: true });
  let failed = false;
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    process.stdout.write(`\n== ${name} ==\n`);
    try {
      const result = await runOne(name);
      const file = join(RESULTS_DIR, `${name}.json`);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${table(result)}\nconditions: ${JSON.stringify(result.conditions)}\nwritten to ${file}\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(`bench ${name} failed: ${(error as Error)?.stack ?? String(error)}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

/** The engine bench measures memory per alert, which needs a full GC before and after; no flag needed to run it. */
function exposeGc(): void {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return;
  setFlagsFromString('--expose-gc');
  (globalThis as { gc?: unknown }).gc = runInNewContext('gc');
}

/** metric | value | baseline, then the ratio. */
function table(result: BenchResult): string {
  const rows: string[][] = [['metric', 'value', 'baseline']];
  const names = new Set([...Object.keys(result.metrics), ...Object.keys(result.baseline ?? {})]);
  for (const metric of names) rows.push([metric, format(result.metrics[metric]), format(result.baseline?.[metric])]);
  if (result.ratio !== undefined) rows.push(['ratio', format(result.ratio), '']);
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function format(value: number | undefined): string {
  if (value === undefined) return '';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

void main(process.argv.slice(2));
