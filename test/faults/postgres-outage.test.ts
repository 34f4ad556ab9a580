// PostgreSQL down for a while under load, with the compiled server's processes (ingest, worker, API)
// against a PostgreSQL server of the test's own: printers the ingest knows keep being verified and
// answered 202, a printer it never saw gets a clear 503, workers return jobs to the queue without using
// their attempts (no report ends in the failed list), and after PostgreSQL is back every accepted report
// is persisted exactly once. A credential revoked through the API is refused by the other process at
// once, even when its cached copy would otherwise stand in for the database.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix, eventually, testRedisPrefix } from '../support/app';
import { createFaultFleet, failedJobs, missing, stored, type FaultFleet } from '../support/fault-fixtures';
import { report, startFleetLoad, type FleetPrinter } from '../support/fault-load';
import {
  postgresBinDir,
  startMigratedPrivatePostgres,
  type PrivatePostgres,
} from '../support/private-postgres';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { sendSigned } from '../support/signed';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let pg: PrivatePostgres;
let fleet: FaultFleet;
const prefix = testRedisPrefix();
const processes: ServerProcess[] = [];

describe.skipIf(!postgresBinDir())('PostgreSQL down under load', () => {
  beforeAll(async () => {
    pg = await startMigratedPrivatePostgres();
    const url = pg.url('plotmeter');
    fleet = await createFaultFleet(10, {
      name: 'plotmeter',
      url,
      serverUrl: pg.serverUrl('plotmeter'),
      drop: async () => undefined,
    });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await fleet?.close().catch(() => undefined);
    pg?.destroy();
    await clearRedisPrefix(REDIS_URL, prefix);
  });

  it('keeps accepting known printers, defers jobs without using attempts, persists each once on return', async () => {
    const env = {
      DATABASE_URL: pg.serverUrl('plotmeter'),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
    };
    const ingest = await startServerProcess({ roles: 'ingest', env });
    const api = await startServerProcess({ roles: 'api', env });
    const worker = await startServerProcess({ roles: 'worker', env, wait: false });
    processes.push(ingest, api, worker);
    const [revoked, stranger, ...known] = fleet.printers as [FleetPrinter, FleetPrinter, ...FleetPrinter[]];
    const send = (printer: FleetPrinter) =>
      sendSigned(ingest.url, printer, '/ingest/v1/reports', report(printer));

    // The ingest process learns the printers' credentials (not the stranger's).
    for (const printer of [revoked, ...known]) expect((await send(printer)).status).toBe(202);

    // Revoked through the API process, then the database goes away before the ingest process would
    // have read the credential again: its cached copy must not be used.
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fleet.apiKey}` },
      body: JSON.stringify({
        query: `mutation($id: ID!) { revokePrinterCredential(printerId: $id) }`,
        variables: { id: revoked.printerId },
      }),
    });
    expect(((await response.json()) as { data?: unknown }).data).toEqual({
      revokePrinterCredential: [revoked.keyId],
    });
    pg.stop();

    const refusedRevoked = await send(revoked);
    expect([401, 503]).toContain(refusedRevoked.status);

    const load = startFleetLoad({ printers: known, urls: () => [ingest.url], concurrency: 4 });
    let duringOutage: number;
    try {
      // Well past the cache's 5 s freshness, and long enough for the worker to have tried (and, before,
      // used up) several attempts: 1 s + 2 s + 4 s + 8 s of BullMQ backoff.
      await eventually(async () => worker.output.join('').includes('PostgreSQL unreachable'), 30_000, 200);
      await new Promise((r) => setTimeout(r, 16_000));
      duringOutage = load.accepted.size;

      // A printer this process never verified cannot be checked now: a clear, retryable 503.
      const strangerAnswer = await send(stranger);
      expect(strangerAnswer.status).toBe(503);
      expect(strangerAnswer.body.reason).toBe('database_unavailable');
      expect(strangerAnswer.headers.get('retry-after')).toBe('5');
      // The revoked key stays refused.
      expect((await send(revoked)).status).not.toBe(202);

      // No job used an attempt, none failed.
      const queue = new Queue('reports', { connection: { url: REDIS_URL, maxRetriesPerRequest: 1 }, prefix });
      try {
        const jobs = await queue.getJobs(['wait', 'active', 'delayed', 'prioritized', 'paused']);
        expect(jobs.length).toBeGreaterThan(0);
        expect(jobs.filter((j) => j.attemptsMade > 0).map((j) => [j.id, j.attemptsMade])).toEqual([]);
        expect(await queue.getFailedCount()).toBe(0);
      } finally {
        await queue.close();
      }
    } finally {
      pg.start();
      await load.stop();
    }
    // Known printers were answered 202 all through the outage, without a single refusal.
    expect(duringOutage).toBeGreaterThan(20);
    expect([...load.refusals]).toEqual([]);

    await eventually(
      async () => (await stored(fleet.orm)).reports.size >= load.accepted.size + known.length + 1,
      120_000,
      250,
    );
    const after = await stored(fleet.orm);
    expect(missing(load.accepted, after.reports)).toEqual([]);
    expect(after.reports.size).toBe(load.accepted.size + known.length + 1);
    expect(after.reportRows).toBe(after.reports.size);
    expect(after.jobRows).toBe(after.reports.size * load.jobsPerReport);
    expect(after.failedReports).toBe(0);
    expect(await failedJobs(REDIS_URL, prefix)).toBe(0);
  });
});
