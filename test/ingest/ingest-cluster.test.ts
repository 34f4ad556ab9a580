// `serve --roles ingest --processes N`: N children share one port, the group serves signed reports,
// a child that dies is replaced, and SIGTERM stops every child gracefully with exit code 0.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterReadyMessage } from '../../src/cli/ingest-cluster';
import { TEST_SECRET_KEY, eventually, startTestApp, testRedisPrefix } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { freePort } from '../support/net';
import { sendSigned } from '../support/signed';

const MAIN = path.resolve(__dirname, '../../dist/main.js');

let db: TestDatabase;
let printer: Awaited<ReturnType<typeof newDirectPrinter>>;
const redisPrefix = testRedisPrefix();

beforeAll(async () => {
  db = await createTestDatabase();
  const app = await startTestApp({ roles: ['ingest'], db });
  const resellerId = (await newReseller(app.services.orm.em)).reseller.id;
  const customerId = (await newCustomer(app.services.orm.em, resellerId)).id;
  printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
  await app.stop();
});
afterAll(async () => db?.drop());

function env(port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    DATABASE_URL: db.url,
    REDIS_PREFIX: redisPrefix,
    PORT: String(port),
    LOG_LEVEL: process.env.CLUSTER_TEST_LOG ?? 'silent',
    PLOTMETER_SECRET_KEY: TEST_SECRET_KEY,
    NODE_ENV: 'test',
  };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const childrenOf = (pid: number): number[] =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);

const report = () =>
  sendSigned(
    url,
    printer,
    '/ingest/v1/reports',
    exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() }),
  );

let url: string;

describe('ingest cluster', () => {
  let primary: ChildProcess;
  let ready: ClusterReadyMessage;

  beforeAll(async () => {
    const port = await freePort();
    primary = fork(MAIN, ['serve', '--roles', 'ingest', '--processes', '2'], {
      env: env(port),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'], // logs only with CLUSTER_TEST_LOG=info
    });
    ready = await new Promise<ClusterReadyMessage>((resolve, reject) => {
      primary.on(
        'message',
        (message: ClusterReadyMessage) => message.type === 'plotmeter:ready' && resolve(message),
      );
      primary.once('exit', (code) => reject(new Error(`cluster exited with ${code} before it was ready`)));
    });
    url = ready.url;
  });
  afterAll(() => {
    if (primary.exitCode === null) primary.kill('SIGKILL');
  });

  it('starts N children on one port that serve signed reports', async () => {
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(ready.pids).size).toBe(2);
    expect(ready.pids.every(isAlive)).toBe(true);
    const statuses = await Promise.all(Array.from({ length: 6 }, () => report().then((r) => r.status)));
    expect(statuses).toEqual(Array(6).fill(202));
  });

  it('replaces a child that dies while serving', async () => {
    const [victim] = ready.pids;
    process.kill(victim!, 'SIGKILL');
    await eventually(async () => {
      const children = childrenOf(primary.pid!);
      return children.length === 2 && !children.includes(victim!);
    }, 20_000);
    expect((await report()).status).toBe(202);
  });

  it('stops every child on SIGTERM and exits 0', async () => {
    const children = childrenOf(primary.pid!);
    expect(children).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(children.filter(isAlive)).toEqual([]);
  });
});

it('refuses several processes for roles other than ingest alone', async () => {
  const child = fork(MAIN, ['serve', '--roles', 'api,ingest', '--processes', '2'], {
    env: env(await freePort()),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  expect(code).toBe(2);
  expect(stderr).toContain('only for --roles ingest');
});
