// CPU time of processes from /proc (Linux), to tell which process a bench saturated.
import { readFileSync } from 'node:fs';

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

/** Starts a measurement over named processes; the returned function gives each one's CPU % (100 = one core) since. */
export function cpuMeter(pids: Record<string, number>): () => Record<string, number> {
  const startedAt = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return () => {
    const elapsedSec = (performance.now() - startedAt) / 1000;
    return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, Math.round(((cpuSeconds(pid) - before[name]) / elapsedSec) * 100)]));
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
