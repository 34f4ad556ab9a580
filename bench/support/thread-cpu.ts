// CPU time of this process's main thread (where the servers under test run), or of other processes'
// main threads (an ingest cluster), read from Linux procfs.
// Throughput on a shared 2-core machine swings with whatever else runs; CPU time per request barely
// does, so the benchmark reports both. Elsewhere than Linux the figure is unknown (null).
import { readdirSync, readFileSync } from 'node:fs';

/** procfs counts in clock ticks; USER_HZ is 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;

export function mainThreadCpuMs(): number | null {
  return mainThreadCpuMsOf(process.pid);
}

/** Main-thread CPU of another process (e.g. each process of an ingest cluster), null if unknown. */
export function mainThreadCpuMsOf(pid: number): number | null {
  return ticksToMs(`/proc/${pid}/task/${pid}/stat`);
}

/** Runs `work` and returns its result with the main-thread CPU milliseconds it took (null if unknown). */
export async function withMainThreadCpu<T>(
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: number | null }> {
  const before = mainThreadCpuMs();
  const result = await work();
  const after = mainThreadCpuMs();
  return { result, cpuMs: before === null || after === null ? null : after - before };
}

/** Like withMainThreadCpu, for the main threads of other processes: milliseconds per pid. */
export async function withProcessesCpu<T>(
  pids: number[],
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: Array<number | null> }> {
  const before = pids.map(mainThreadCpuMsOf);
  const result = await work();
  const after = pids.map(mainThreadCpuMsOf);
  return {
    result,
    cpuMs: pids.map((_, i) => (before[i] == null || after[i] == null ? null : after[i]! - before[i]!)),
  };
}

/** CPU of a whole process (all its threads: JIT, GC, the thread pool), null if unknown. */
export function processCpuMsOf(pid: number): number | null {
  return ticksToMs(`/proc/${pid}/stat`);
}

/**
 * CPU of every PostgreSQL process on this host (backends, WAL writer, checkpointer, autovacuum), summed;
 * null if unknown. Backends that exit between two readings take their time with them, so read it around
 * work whose connections stay open (a worker's pool) and treat it as a lower bound.
 */
export function postgresCpuMs(): number | null {
  let total = 0;
  let found = false;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.startsWith('postgres')) continue;
      const ms = ticksFromStat(stat);
      if (ms === null) continue;
      total += ms;
      found = true;
    }
  } catch {
    return null;
  }
  return found ? total : null;
}

function ticksToMs(path: string): number | null {
  try {
    return ticksFromStat(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function ticksFromStat(stat: string): number | null {
  // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return null;
  return ((userTicks + systemTicks) * 1000) / TICKS_PER_SECOND;
}
