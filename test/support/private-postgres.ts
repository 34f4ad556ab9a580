// A PostgreSQL server of a test's own (initdb in a temporary directory, on a free port), so a test can
// stop and restart the database without disturbing any other test or the machine's cluster. initdb
// refuses to run as root, so as root the server runs as the `postgres` user the package created.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net';

const PG_ROOT = '/usr/lib/postgresql';

/** The newest installed PostgreSQL's bin directory, or null when none is installed. */
export function postgresBinDir(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(PG_ROOT, versions[0], 'bin') : null;
}

export interface PrivatePostgres {
  port: number;
  /** A URL for `database` on this server (user postgres, trust authentication). */
  url(database: string): string;
  /** The same database as plotmeter_server, the login a production server uses (src/db/roles.ts). */
  serverUrl(database: string): string;
  start(): void;
  /** Fast shutdown: open connections are terminated, new ones refused. */
  stop(): void;
  destroy(): void;
}

/** A private server whose database `plotmeter` the compiled CLI has migrated (`dist/main.js migrate`). */
export async function startMigratedPrivatePostgres(): Promise<PrivatePostgres> {
  const pg = await startPrivatePostgres();
  execFileSync(process.execPath, [path.resolve(__dirname, '../../dist/main.js'), 'migrate'], {
    env: { ...process.env, DATABASE_URL: pg.url('plotmeter'), LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
  return pg;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plotmeter-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : path.join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const pg: PrivatePostgres = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    serverUrl: (database) => `postgres://plotmeter_server@127.0.0.1:${port}/${database}`,
    start: () =>
      run('pg_ctl', ['-D', data, '-o', options, '-w', '-t', '60', '-l', path.join(dir, 'log'), 'start']),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    destroy: () => {
      try {
        pg.stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  execFileSync(
    path.join(bin, 'psql'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-qc', 'create database plotmeter'],
    {
      stdio: 'pipe',
    },
  );
  return pg;
}
