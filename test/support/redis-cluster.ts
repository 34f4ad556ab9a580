// A real Redis Cluster of three masters (no replicas) on free ports in a temporary directory, made with
// redis-server --cluster-enabled yes and redis-cli --cluster create, as an operator would. Stopped and
// removed by destroy(); it never touches the machine's own Redis.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './net';

export interface RedisClusterUnderTest {
  /** One node's address: what REDIS_URL names with REDIS_CLUSTER=true. */
  url: string;
  ports: number[];
  /** A plain connection to each master, to look at where keys landed. */
  nodes(): Redis[];
  destroy(): Promise<void>;
}

/** A port whose cluster bus port (port + 10000) is free as well. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port > 55_000) continue;
    const bus = await new Promise<boolean>((resolve) => {
      const probe = spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port + 10_000}`], {
        stdio: 'ignore',
      });
      resolve(probe.status !== 0); // connection refused: nobody listens there
    });
    if (bus) return port;
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms`);
}

export async function startRedisCluster(): Promise<RedisClusterUnderTest> {
  const dir = mkdtempSync(path.join(tmpdir(), 'plotmeter-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    let port = await clusterPort();
    while (ports.includes(port)) port = await clusterPort();
    ports.push(port);
  }
  const servers: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(dir, `nodes-${port}.conf`),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--cluster-node-timeout',
        '2000',
      ],
      { stdio: 'ignore' },
    ),
  );
  const clients: Redis[] = [];
  const destroy = async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.exitCode !== null) return resolve();
            server.once('exit', () => resolve());
            server.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await waitUntil(
        async () =>
          spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG',
        10_000,
        `redis-server on ${port} up`,
      );
      clients.push(new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 }));
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const client of clients) {
      await waitUntil(
        async () => (await client.cluster('INFO')).includes('cluster_state:ok'),
        20_000,
        'cluster_state:ok',
      );
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  return { url: `redis://127.0.0.1:${ports[0]}`, ports, nodes: () => clients, destroy };
}
