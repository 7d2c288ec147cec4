import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU time of processes, from /proc (Linux): what a figure cost each party — the API, the
 * PostgreSQL server processes, the load generator — so a throughput figure says where the
 * machine's cores went. Clock ticks are 10 ms (USER_HZ 100) on Linux.
 */
const TICK_MS = 10;

function processCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
  } catch {
    return 0; // gone meanwhile
  }
}

function postgresPids(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return [];
  }
}

export interface CpuShare {
  apiMs: number;
  postgresMs: number;
  loadGeneratorMs: number;
}

/** Runs `fn` and returns the CPU milliseconds each party spent meanwhile. */
export async function measureCpu<T>(
  apiPid: number,
  fn: () => Promise<T>,
): Promise<{ result: T; cpu: CpuShare }> {
  const pgBefore = new Map(postgresPids().map((p) => [p, processCpuMs(p)]));
  const apiBefore = processCpuMs(apiPid);
  const selfBefore = process.cpuUsage();
  const result = await fn();
  const self = process.cpuUsage(selfBefore);
  let postgresMs = 0;
  for (const pid of postgresPids()) postgresMs += processCpuMs(pid) - (pgBefore.get(pid) ?? 0);
  return {
    result,
    cpu: {
      apiMs: processCpuMs(apiPid) - apiBefore,
      postgresMs,
      loadGeneratorMs: (self.user + self.system) / 1000,
    },
  };
}
