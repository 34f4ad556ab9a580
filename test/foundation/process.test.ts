// The compiled CLI as operators run it: admin create-reseller, a bad configuration, and a served
// process that shuts down cleanly (exit 0) on SIGTERM.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, TEST_SECRET_KEY, testRedisPrefix } from '../support/app';
import { adminQuery, createTestDatabase, databaseUrl, type TestDatabase } from '../support/db';
import { freePort } from '../support/net';

const run = promisify(execFile);
const MAIN = path.resolve(__dirname, '../../dist/main.js');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

describe('plotmeter CLI', () => {
  it('admin create-reseller --json prints resellerId and an admin apiKey', async () => {
    const { stdout } = await run(
      process.execPath,
      [MAIN, 'admin', 'create-reseller', '--name', 'CLI Reseller', '--json'],
      { env: { ...process.env, DATABASE_URL: db.url } },
    );
    const printed = JSON.parse(stdout.trim()) as { resellerId: string; apiKey: string };
    expect(printed.resellerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(printed.apiKey).toMatch(/^pmk_[A-Za-z0-9_-]{40,}$/);
  });

  it('stops at start with one line naming a bad variable', async () => {
    const result = await run(process.execPath, [MAIN, 'serve'], {
      env: { ...process.env, PORT: 'abc', PLOTMETER_SECRET_KEY: TEST_SECRET_KEY },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(2);
    expect((result as { stderr: string }).stderr.trim()).toMatch(/^Invalid configuration: PORT .+$/);
  });

  it('serves, then exits 0 on SIGTERM after draining', async () => {
    // A random port could be taken by another test's server; ask the OS for a free one.
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, 'serve', '--roles', 'api,ingest,worker'], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: String(port),
        PLOTMETER_SECRET_KEY: TEST_SECRET_KEY,
        REDIS_PREFIX: testRedisPrefix(),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve((exitCode = code))),
    );
    await eventually(async () => {
      // A server that died at start (e.g. its port was taken) fails here with its reason, not a timeout.
      if (exitCode !== undefined) throw new Error(`serve exited with ${exitCode}: ${stderr}`);
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
    }, 20_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/Error/);
  });

  it('refuses to serve a database whose migrations are pending, naming the command to run', async () => {
    const empty = `plotmeter_t_empty_${process.pid}`;
    await adminQuery(`create database "${empty}"`);
    try {
      const result = await run(process.execPath, [MAIN, 'serve'], {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl(empty),
          PLOTMETER_SECRET_KEY: TEST_SECRET_KEY,
          PORT: '0',
        },
      }).catch((e: { code: number; stderr: string }) => e);
      expect((result as { code: number }).code).toBe(2);
      expect((result as { stderr: string }).stderr).toMatch(
        /^Database schema is behind: \d+ pending migration\(s\) .*run: node dist\/main.js migrate/m,
      );
    } finally {
      await adminQuery(`drop database if exists "${empty}" with (force)`);
    }
  });

  it('refuses unknown roles', async () => {
    const result = await run(process.execPath, [MAIN, 'serve', '--roles', 'api,bogus'], {
      env: { ...process.env, DATABASE_URL: db.url, PLOTMETER_SECRET_KEY: TEST_SECRET_KEY },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).not.toBe(0);
    expect((result as { stderr: string }).stderr).toContain(
      '--roles must be a comma-separated subset of api,ingest,worker',
    );
  });
});
