// `node dist/main.js demo` end to end, as a newcomer runs it: a child process on a cloned test
// database with a fast time scale. Within seconds the GraphQL API (with the printed API key) shows
// jobs, usage readings, consumables and alerts from both paths — the real collector polling the
// simulated LAN printers and the direct-connect printers — and a subscription receives a live
// high-severity alert. Ctrl-C (SIGINT) then stops the server, the fleet and the collector.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { clearRedisPrefix, eventually, testRedisPrefix } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';

const ROOT = path.resolve(__dirname, '../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Edge<T> {
  node: T;
}
type Kind = 'DIRECT' | 'COLLECTOR';

/** Processes whose command line mentions `needle` (the demo's unique state directory). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

describe('npm run demo', () => {
  let db: TestDatabase;
  let demo: ChildProcess;
  let output = '';
  let url = '';
  let apiKey = '';
  let ws: Client | null = null;
  const redisPrefix = testRedisPrefix();
  const stateDir = mkdtempSync(path.join(tmpdir(), 'pm-demo-test-'));
  const liveAlerts: Array<{ code: string; severity: string; printer: { serialNumber: string } | null }> = [];

  async function gql<T>(query: string): Promise<T> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  }

  beforeAll(async () => {
    if (
      !existsSync(path.join(ROOT, 'dist/main.js')) ||
      !existsSync(path.join(ROOT, 'collector/dist/cli.js'))
    ) {
      throw new Error(
        'dist/ is missing: the global setup builds it unless PLOTMETER_TEST_SKIP_BUILD is set; run npm run build',
      );
    }
    db = await createTestDatabase();
    demo = spawn(
      process.execPath,
      [
        'dist/main.js',
        'demo',
        '--lan',
        '3',
        '--direct',
        '3',
        '--time-scale',
        '720',
        '--seed',
        '5',
        '--lan-base-address',
        '127.0.77.1',
        '--state-dir',
        stateDir,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          REDIS_URL,
          REDIS_PREFIX: redisPrefix,
          PORT: '0',
          LOG_LEVEL: 'warn',
          NODE_ENV: 'development',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    demo.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    demo.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(async () => /Press Ctrl-C to stop/.test(output) || demo.exitCode !== null, 60_000, 100);
    if (demo.exitCode !== null) throw new Error(`demo exited with ${demo.exitCode}:\n${output}`);
    url = /GraphQL explorer: (\S+)\/graphql/.exec(output)![1]!;
    apiKey = /^API key: (\S+)$/m.exec(output)![1]!;
  }, 90_000);

  afterAll(async () => {
    await ws?.dispose();
    if (demo && demo.exitCode === null) {
      demo.kill('SIGKILL');
      for (const pid of processesMentioning(stateDir)) process.kill(pid, 'SIGKILL');
    }
    await db?.drop();
    await clearRedisPrefix(REDIS_URL, redisPrefix);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints the explorer URL, the API key line, a query and a subscription', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(apiKey).toMatch(/^pmk_/);
    expect(output).toContain('{ printers(first: 5)');
    expect(output).toContain('subscription { alertRaised(filter: {minSeverity: ERROR})');
  });

  it('receives a live high-severity alert over the alertRaised subscription', async () => {
    ws = createClient({
      url: url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 0,
    });
    const errors: unknown[] = [];
    ws.subscribe<{ alertRaised: (typeof liveAlerts)[number] }>(
      {
        query:
          'subscription { alertRaised(filter: {minSeverity: ERROR}) { id code severity printer { serialNumber } } }',
      },
      {
        next: (m) => m.data && liveAlerts.push(m.data.alertRaised),
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    // The demo injects a fault every 2 simulated hours (10 s at this scale), besides chance faults.
    await eventually(async () => liveAlerts.length > 0 || errors.length > 0, 45_000, 100);
    expect(errors).toEqual([]);
    expect(['ERROR', 'CRITICAL']).toContain(liveAlerts[0]!.severity);
    expect(liveAlerts[0]!.printer?.serialNumber).toMatch(/^[A-Z]{2}[A-Z0-9]{8}$/);
  }, 60_000);

  it('shows jobs, readings, consumables and alerts from both the collector and the direct printers', async () => {
    type Printer = {
      serialNumber: string;
      connectionType: Kind;
      lifetimeCounters: { pages: number | null; inkMl: number | null };
      cartridges: Array<{ levelPercent: number | null }>;
      printheads: unknown[];
    };
    const both = (kinds: Kind[]) => kinds.includes('DIRECT') && kinds.includes('COLLECTOR');
    const seen = await eventually(
      async () => {
        const data = await gql<{
          printers: { totalCount: number; edges: Array<Edge<Printer>> };
          jobs: {
            edges: Array<
              Edge<{ mediaAreaM2: number | null; userName: string | null; printer: { connectionType: Kind } }>
            >;
          };
          alerts: { edges: Array<Edge<{ code: string; printer: { connectionType: Kind } | null }>> };
        }>(`{
          printers(first: 50) { totalCount edges { node { serialNumber connectionType lifetimeCounters { pages inkMl } cartridges { levelPercent } printheads { status } } } }
          jobs(first: 500) { edges { node { mediaAreaM2 userName printer { connectionType } } } }
          alerts(first: 500) { edges { node { code printer { connectionType } } } }
        }`);
        const printers = data.printers.edges.map((e) => e.node);
        const ok =
          printers.filter((p) => p.connectionType === 'DIRECT').length === 3 &&
          printers.filter((p) => p.connectionType === 'COLLECTOR').length === 3 &&
          both(data.jobs.edges.map((e) => e.node.printer.connectionType)) &&
          both(data.alerts.edges.flatMap((e) => (e.node.printer ? [e.node.printer.connectionType] : []))) &&
          printers.every((p) => p.lifetimeCounters.pages !== null && p.cartridges.length > 0);
        return ok ? data : null;
      },
      60_000,
      1000,
    );
    for (const p of seen.printers.edges.map((e) => e.node)) {
      expect(p.serialNumber).toMatch(/^[A-Z]{2}[A-Z0-9]{8}$/);
      expect(p.lifetimeCounters.pages).toBeGreaterThan(0);
      expect(
        p.cartridges.every((c) => c.levelPercent !== null && c.levelPercent >= 0 && c.levelPercent <= 100),
      ).toBe(true);
      expect(p.printheads.length).toBeGreaterThan(0);
    }
    // Collector jobs come from PIWS, which carries per-job accounting: media area and user name.
    const collectorJob = seen.jobs.edges
      .map((e) => e.node)
      .find((j) => j.printer.connectionType === 'COLLECTOR' && j.mediaAreaM2 !== null);
    expect(collectorJob?.userName).toBeTruthy();
  }, 90_000);

  it("covers the LAN printers with Northwind's contract and prices every line of its statement", async () => {
    type Contract = { id: string; name: string; printers: Array<{ serialNumber: string }> };
    const lanSerials = (
      await gql<{ printers: { edges: Array<Edge<{ serialNumber: string; connectionType: Kind }>> } }>(
        `{ printers(first: 50) { edges { node { serialNumber connectionType } } } }`,
      )
    ).printers.edges
      .map((e) => e.node)
      .filter((p) => p.connectionType === 'COLLECTOR')
      .map((p) => p.serialNumber)
      .sort();
    const lanContract = await eventually(
      async () => {
        const data = await gql<{ contracts: { edges: Array<Edge<Contract>> } }>(
          `{ contracts(first: 10) { edges { node { id name printers { serialNumber } } } } }`,
        );
        const c = data.contracts.edges.map((e) => e.node).find((n) => /LAN printers/.test(n.name));
        return c && c.printers.length === lanSerials.length ? c : null;
      },
      30_000,
      1000,
    );
    expect(lanContract.printers.map((p) => p.serialNumber).sort()).toEqual(lanSerials);
    const period = new Date().toISOString().slice(0, 7);
    type Statement = {
      lines: Array<{ description: string; totalMinor: string | null }>;
      flags: Array<{ code: string; message: string }>;
    };
    // Each LAN printer needs two readings in the window before its usage is measured.
    const statement = await eventually(
      async () => {
        const data = await gql<{ closeBillingPeriod: Statement }>(
          `mutation { closeBillingPeriod(contractId: "${lanContract.id}", period: "${period}") { lines { description totalMinor } flags { code message } } }`,
        );
        const s = data.closeBillingPeriod;
        return s.flags.some((f) => f.code === 'USAGE_UNKNOWN' || f.code === 'NO_READINGS') ? null : s;
      },
      60_000,
      2000,
    );
    expect(statement.lines.length).toBeGreaterThanOrEqual(6);
    for (const line of statement.lines) expect(line.totalMinor, line.description).not.toBeNull();
  }, 120_000);

  it('stops the server, the fleet and the collector on Ctrl-C', async () => {
    expect(processesMentioning(stateDir).length).toBe(2); // the demo and its collector
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    demo.kill('SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
    ]);
    expect(code, output.slice(-2000)).toBe(0);
    expect(output).toContain('demo stopped');
    await eventually(async () => processesMentioning(stateDir).length === 0, 5000);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 30_000);
});
