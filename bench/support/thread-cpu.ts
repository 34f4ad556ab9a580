// CPU time of this process's main thread (where the servers under test run), read from Linux procfs.
// Throughput on a shared 2-core machine swings with whatever else runs; CPU time per request barely
// does, so the benchmark reports both. Elsewhere than Linux the figure is unknown (null).
import { readFileSync } from 'node:fs';

/** procfs counts in clock ticks; USER_HZ is 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;

export function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
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
