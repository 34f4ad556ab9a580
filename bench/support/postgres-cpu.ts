// PostgreSQL CPU spent for one server during a measured window: the user + system CPU time of every
// backend process connected to the benchmark's database (/proc/<pid>/stat; PostgreSQL runs one process
// per connection), read before and after the window. Each server is measured alone, so the backends
// that work during its window are its pool's; the other server's pool sits idle. Not counted: shared
// background processes (WAL writer, checkpointer, autovacuum), which neither server drives directly
// on a read-only load, and backends that exit during the window (pools keep theirs open).
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Clock ticks per second for /proc/<pid>/stat; 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms; null when it is gone or /proc is missing. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export class PostgresCpu {
  private constructor(
    private readonly client: pg.Client,
    private readonly databaseName: string,
  ) {}

  static async connect(databaseUrl: string, databaseName: string): Promise<PostgresCpu> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new PostgresCpu(client, databaseName);
  }

  /** CPU ms used so far by each backend of the database (this monitoring connection excluded). */
  async snapshot(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [this.databaseName],
    );
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms !== null) cpu.set(pid, ms);
    }
    return cpu;
  }

  /** CPU ms the backends used between two snapshots (a backend new in `after` counts from 0). */
  static between(before: Map<number, number>, after: Map<number, number>): number {
    let total = 0;
    for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
    return total;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
