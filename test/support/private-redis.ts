// A Redis server of a test's own (a temporary directory, a free port), so a fault test can kill it with
// SIGKILL and start it again from its AOF without disturbing the machine's Redis or any other test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from './app';
import { freePort } from './net';

export interface PrivateRedis {
  port: number;
  url: string;
  dir: string;
  /** Starts the server (again) on the same port and directory: it loads what its AOF holds. `options`
   * change its configuration from this start on. */
  start(options?: PrivateRedisOptions): Promise<void>;
  /** Kills the server with `signal` (default SIGKILL: no chance to write anything more). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  destroy(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** The production configuration of docs/reliability.md: AOF on, fsync every second. */
  appendfsync?: 'everysec' | 'always' | 'no';
  appendonly?: boolean;
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plotmeter-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let settings = { ...options };
  const args = () => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    settings.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    settings.appendfsync ?? 'everysec',
    '--maxmemory-policy',
    'noeviction',
  ];
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start(changes = {}) {
      settings = { ...settings, ...changes };
      child = spawn('redis-server', args(), { stdio: 'ignore' });
      await eventually(async () => {
        const client = new Redis({
          port,
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        client.on('error', () => undefined);
        try {
          await client.connect();
          // Loading an AOF answers LOADING until done; a PING alone would pass too early.
          return (await client.dbsize()) >= 0;
        } finally {
          client.disconnect();
        }
      }, 20_000);
    },
    async kill(signal = 'SIGKILL') {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill(signal);
      });
    },
    async destroy() {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
