// CPU time of processes from /proc (Linux), to tell which process a bench saturated.
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks on every mainstream kernel. */
const TICKS_PER_SEC = 100;

/** user + system CPU seconds of a process so far; NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces: fields are counted after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
  } catch {
    return Number.NaN;
  }
}

/** The pids of every process whose command name is `command`, e.g. all of a PostgreSQL server's processes. */
export function processesNamed(command: string): () => number[] {
  return () =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command;
        } catch {
          return false;
        }
      });
}

/** One process, or a group of processes found again at each reading (a server's backends come and go). */
export type CpuTarget = number | (() => number[]);

/**
 * Starts a measurement over named processes or groups; the returned function gives each one's CPU % (100 = one
 * core) since. A group counts every process it holds at the end; one that started during the measurement counts
 * whole, one that ended during it is missed.
 */
export function cpuMeter(measured: Record<string, CpuTarget>): () => Record<string, number> {
  const startedAt = performance.now();
  const readings = (target: CpuTarget) => new Map((typeof target === 'number' ? [target] : target()).map((pid) => [pid, cpuSeconds(pid)]));
  const before = Object.fromEntries(Object.entries(measured).map(([name, target]) => [name, readings(target)]));
  return () => {
    const elapsedSec = (performance.now() - startedAt) / 1000;
    return Object.fromEntries(
      Object.entries(measured).map(([name, target]) => {
        let seconds = 0;
        for (const [pid, now] of readings(target)) if (Number.isFinite(now)) seconds += now - (before[name].get(pid) ?? 0);
        return [name, Math.round((seconds / elapsedSec) * 100)];
      }),
    );
  };
}

/** Linux PSI: the share of the last 10 s / 60 s in which some runnable task waited for a CPU (a shared machine's noise). */
export function cpuPressure(): { someAvg10: number; someAvg60: number } | 'unavailable' {
  try {
    const line = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    const field = (name: string) => Number(new RegExp(`${name}=([\\d.]+)`).exec(line)?.[1]);
    return { someAvg10: field('avg10'), someAvg60: field('avg60') };
  } catch {
    return 'unavailable';
  }
}
