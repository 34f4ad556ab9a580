// CPU time of this process's main thread (where the servers under test run), or of other processes'
// main threads (an ingest cluster), read from Linux procfs.
// Throughput on a shared 2-core machine swings with whatever else runs; CPU time per request barely
// does, so the benchmark reports both. Elsewhere than Linux the figure is unknown (null).
import { readFileSync } from 'node:fs';

/** procfs counts in clock ticks; USER_HZ is 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;

export function mainThreadCpuMs(): number | null {
  return mainThreadCpuMsOf(process.pid);
}

/** Main-thread CPU of another process (e.g. each process of an ingest cluster), null if unknown. */
export function mainThreadCpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return null;
    return ((userTicks + systemTicks) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
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
