// The conditions every bench result records, so that figures from different machines or loads are not compared blindly.
import * as os from 'node:os';

export interface MachineConditions {
  node: string;
  cpu: string;
  cores: number;
  totalMemoryMb: number;
  freeMemoryMb: number;
  loadavgBefore: number[];
  loadavgAfter?: number[];
}

export function machineBefore(): MachineConditions {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    freeMemoryMb: Math.round(os.freemem() / 2 ** 20),
    loadavgBefore: os.loadavg().map((v) => round(v, 2)),
  };
}

export function machineAfter(before: MachineConditions): MachineConditions {
  return { ...before, loadavgAfter: os.loadavg().map((v) => round(v, 2)) };
}

/** Which database a bench's server ran on: real PostgreSQL from DATABASE_URL, or the embedded PGlite. */
export function databaseMode(): 'postgresql' | 'embedded' {
  return process.env.DATABASE_URL ? 'postgresql' : 'embedded';
}

export function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
