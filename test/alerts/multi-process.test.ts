// Live alerts across processes, as deployed: two API processes and one ingest+worker process (the
// compiled server, `serve --roles ...`) share one database and Redis prefix. An alert POSTed to the
// ingest process and persisted by its worker reaches subscribers connected to either API process, and
// a subscriber of another reseller receives nothing (proven by order: a probe alert raised afterwards
// is the next event each subscriber gets, since Redis delivers a process's messages in publish order).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertTopic } from '../../src/services/pubsub';
import { clearRedisPrefix, eventually, TEST_SECRET_KEY, testRedisPrefix } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { graphqlData as gql } from '../support/graphql-client';
import { freePort } from '../support/net';
import { sendSigned } from '../support/signed';
import { subscribe, type TestSubscription } from './ws';

const MAIN = path.resolve(__dirname, '../../dist/main.js');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = promisify(execFile);

let db: TestDatabase;
const prefix = testRedisPrefix();
const children: ChildProcess[] = [];
const subscriptions: TestSubscription<unknown>[] = [];
let redis: Redis;

function serve(roles: string, port: number): ChildProcess {
  const child = spawn(process.execPath, [MAIN, 'serve', '--roles', roles], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: String(port),
      PLOTMETER_SECRET_KEY: TEST_SECRET_KEY,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function createReseller(name: string): Promise<{ resellerId: string; apiKey: string }> {
  const { stdout } = await run(
    process.execPath,
    [MAIN, 'admin', 'create-reseller', '--name', name, '--json'],
    { env: { ...process.env, DATABASE_URL: db.url } },
  );
  return JSON.parse(stdout.trim()) as { resellerId: string; apiKey: string };
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}, 30_000);

afterAll(async () => {
  await Promise.all(subscriptions.map((s) => s.close()));
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  redis?.disconnect();
  await clearRedisPrefix(REDIS_URL, prefix);
  await db?.drop();
}, 30_000);

describe('alerts across processes', () => {
  it('reaches subscribers on both API processes, raised by a worker in a third; other resellers hear nothing', async () => {
    const ports = [await freePort(), await freePort(), await freePort()] as const;
    const [api1, api2, ingest] = ports.map((port) => `http://127.0.0.1:${port}`) as [string, string, string];
    serve('api', ports[0]);
    serve('api', ports[1]);
    serve('ingest,worker', ports[2]);
    // Three servers start at once; on a shared, loaded machine that took more than 20 s.
    for (const url of [api1, api2, ingest])
      await eventually(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200, 60_000);

    const mine = await createReseller('Multi A');
    const other = await createReseller('Multi B');
    /** A customer and a printer of the reseller, created through the two API processes. */
    const newPrinter = async (apiKey: string, serialNumber: string) => {
      const { createCustomer } = await gql<{ createCustomer: { id: string } }>(
        api1,
        apiKey,
        `mutation { createCustomer(input: { name: "Studio" }) { id } }`,
      );
      const { registerPrinter } = await gql<{
        registerPrinter: { printer: { id: string }; credential: { keyId: string; secret: string } };
      }>(
        api2,
        apiKey,
        `mutation($input: RegisterPrinterInput!) { registerPrinter(input: $input) { printer { id } credential { keyId secret } } }`,
        { input: { customerId: createCustomer.id, serialNumber, productNumber: '2RQ15A' } },
      );
      return { ...registerPrinter, serialNumber };
    };
    const serialNumber = `MP${Date.now()}`;
    const registerPrinter = await newPrinter(mine.apiKey, serialNumber);
    const strangersPrinter = await newPrinter(other.apiKey, `MQ${Date.now()}`);

    const query = `subscription { alertRaised { id code severity status message raisedAt printer { id serialNumber } } }`;
    type Raised = {
      alertRaised: { code: string; severity: string; printer: { id: string; serialNumber: string } };
    };
    const onApi1 = subscribe<Raised>(api1, mine.apiKey, query);
    const onApi2 = subscribe<Raised>(api2, mine.apiKey, query);
    const strangerOn1 = subscribe<Raised>(api1, other.apiKey, query);
    const strangerOn2 = subscribe<Raised>(api2, other.apiKey, query);
    subscriptions.push(onApi1, onApi2, strangerOn1, strangerOn2);
    // Each API process holds one Redis subscription per topic, however many local subscribers it has.
    const topic = alertTopic(prefix, mine.resellerId, 'raised');
    const strangerTopic = alertTopic(prefix, other.resellerId, 'raised');
    await eventually(async () => {
      const [, mineCount, , otherCount] = (await redis.pubsub('NUMSUB', topic, strangerTopic)) as [
        string,
        number,
        string,
        number,
      ];
      return mineCount === 2 && otherCount === 2;
    });

    const raise = async (printer: typeof registerPrinter, code: string, message: string) => {
      const batch = {
        schemaVersion: 1,
        alertId: randomUUID(),
        serialNumber: printer.serialNumber,
        alerts: [
          { code, severity: 'critical', message, component: 'roll1', detectedAt: new Date().toISOString() },
        ],
      };
      expect((await sendSigned(ingest, printer.credential, '/ingest/v1/alerts', batch)).status).toBe(202);
    };
    await raise(registerPrinter, 'mediaJam', 'Paper jam in roll 1');

    const expected = {
      code: 'mediaJam',
      severity: 'CRITICAL',
      printer: { id: registerPrinter.printer.id, serialNumber },
    };
    expect((await onApi1.waitFor(1))[0]!.alertRaised).toMatchObject(expected);
    expect((await onApi2.waitFor(1))[0]!.alertRaised).toMatchObject(expected);
    // Probes raised afterwards are each subscriber's next event: the jam came once, and never to the
    // other reseller.
    await raise(registerPrinter, 'probe', 'Probe');
    await raise(strangersPrinter, 'strangerProbe', 'Probe');
    const codes = (events: Raised[]) => events.map((e) => e.alertRaised.code);
    expect(codes(await onApi1.waitFor(2))).toEqual(['mediaJam', 'probe']);
    expect(codes(await onApi2.waitFor(2))).toEqual(['mediaJam', 'probe']);
    expect(codes(await strangerOn1.waitFor(1))).toEqual(['strangerProbe']);
    expect(codes(await strangerOn2.waitFor(1))).toEqual(['strangerProbe']);
  }, 120_000);
});
