// Closing a period over several contracts in the background: the run lists the reseller's contracts
// billed by that kind of period and valid in it, the worker drafts them one by one with progress that
// closePeriodRun(id) shows until DONE, a contract that cannot be closed is a failure of the run, and
// bad input names its field; only billing roles of the same reseller see a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { requeueCloseRunsJob } from '../../src/jobs/requeue-close-runs.job';
import { approveStatement } from '../../src/services/billing/statement-lifecycle';
import {
  REQUEUE_RUNS_AFTER_MS,
  requeueStrandedRuns,
  startClosePeriodRun,
} from '../../src/services/billing/close-period-run';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { insertReading, monthlyContract, newApiKey, utc } from './billing-fixtures';

let app: TestApp;
let resellerId: string;
let billingKey: string;
let technicianKey: string;
let otherKey: string;
const contracts: Record<string, string> = {};

interface Run {
  id: string;
  periodKey: string;
  state: string;
  total: number;
  processed: number;
  statementIds: string[];
  failures: Array<{ contractId: string; message: string }>;
}
const RUN_FIELDS = 'id periodKey state total processed statementIds failures { contractId message }';

async function start(period: string, contractIds?: string[], key = billingKey) {
  return app.gql<{ startClosePeriodRun: Run }>(
    `mutation($p: String!, $c: [ID!]) { startClosePeriodRun(period: $p, contractIds: $c) { ${RUN_FIELDS} } }`,
    { p: period, c: contractIds ?? null },
    key,
  );
}

async function runById(id: string, key = billingKey) {
  return app.gql<{ closePeriodRun: Run | null }>(
    `query($id: ID!) { closePeriodRun(id: $id) { ${RUN_FIELDS} } }`,
    { id },
    key,
  );
}

beforeAll(async () => {
  app = await startTestApp();
  const em = app.services.orm.em;
  const created = await newReseller(em);
  resellerId = created.reseller.id;
  billingKey = await newApiKey(em, resellerId, 'billing');
  technicianKey = await newApiKey(em, resellerId, 'technician');
  otherKey = (await newReseller(em, 'Other')).apiKey;
  const customerId = (await newCustomer(em, resellerId)).id;
  for (const name of ['Alpha', 'Bravo', 'Charlie']) {
    const printer = await newDirectPrinter(em, resellerId, customerId);
    for (const [at, area] of [
      ['2026-09-30T23:00:00', 100],
      ['2026-10-31T23:00:00', 160],
    ] as const)
      await insertReading(em, resellerId, printer.printerId, {
        at: utc(at),
        serial: printer.serialNumber,
        mediaAreaM2: area,
        ink: [[1, 0]],
      });
    const contract = await monthlyContract(em, resellerId, {
      name,
      customerId,
      printerIds: [printer.printerId],
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '100' }],
    });
    contracts[name] = contract.id;
  }
  // A contract starting after October is not part of an October run over all contracts.
  const later = await monthlyContract(em, resellerId, {
    name: 'Later',
    customerId,
    printerIds: [],
    priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '100' }],
    validFrom: utc('2026-12-01T00:00:00'),
  });
  contracts.Later = later.id;
  // Charlie's October is approved already: the run cannot redraft it.
  const closed = await closeBillingPeriod(em.fork(), {
    resellerId,
    contractId: contracts.Charlie!,
    periodKey: '2026-10',
  });
  await approveStatement(em.fork(), resellerId, closed.statement.id, 'test', { acceptIncomplete: true });
});
afterAll(async () => app?.close());

describe('close-period runs', () => {
  it('drafts every valid contract of the period in the background, with progress up to DONE', async () => {
    const started = await start('2026-10');
    expect(started.errors).toBeUndefined();
    const run = started.data!.startClosePeriodRun;
    expect(run).toMatchObject({ periodKey: '2026-10', total: 3 });
    expect(['QUEUED', 'RUNNING', 'DONE']).toContain(run.state);

    const seen = new Set<number>();
    const done = await eventually(async () => {
      const polled = (await runById(run.id)).data!.closePeriodRun!;
      seen.add(polled.processed);
      expect(polled.processed).toBeLessThanOrEqual(polled.total);
      return polled.state === 'DONE' ? polled : null;
    }, 30_000);
    expect(done.processed).toBe(3);
    expect(done.statementIds).toHaveLength(2);
    expect(done.failures).toEqual([
      { contractId: contracts.Charlie, message: expect.stringMatching(/APPROVED.*void it to rebill/) },
    ]);
    const statements = await app.gql<{
      statements: {
        edges: Array<{ node: { id: string; contractId: string; status: string; totalMinor: string } }>;
      };
    }>(
      `{ statements(filter: {periodKey: "2026-10", status: DRAFT}) { edges { node { id contractId status totalMinor } } } }`,
      {},
      billingKey,
    );
    const drafts = statements.data!.statements.edges.map((e) => e.node);
    expect(drafts.map((s) => s.id).sort()).toEqual([...done.statementIds].sort());
    expect(drafts.map((s) => s.contractId).sort()).toEqual([contracts.Alpha, contracts.Bravo].sort());
    // 60 m² at 100 minor units each.
    expect(drafts.every((s) => s.totalMinor === '6000')).toBe(true);
  });

  it('closes only the contracts named, in that order', async () => {
    const started = await start('2026-10', [contracts.Bravo!]);
    expect(started.data!.startClosePeriodRun.total).toBe(1);
    const done = await eventually(async () => {
      const polled = (await runById(started.data!.startClosePeriodRun.id)).data!.closePeriodRun!;
      return polled.state === 'DONE' ? polled : null;
    }, 30_000);
    expect(done).toMatchObject({ processed: 1, failures: [] });
    expect(done.statementIds).toHaveLength(1);
  });

  it('queues a run that was recorded but never queued (Redis away at the start), once', async () => {
    // What the mutation leaves behind when the enqueue after its commit fails: a QUEUED run, no job.
    const stranded = await startClosePeriodRun(app.services.orm.em.fork(), {
      resellerId,
      actor: 'test',
      periodKey: '2026-10',
      contractIds: [contracts.Alpha!],
    });
    const queue = new Queue('maintenance', {
      connection: app.services.redis,
      prefix: app.config.REDIS_PREFIX,
    });
    try {
      expect(await queue.getJobState(`close-run.${stranded.id}`)).toBe('unknown');
      // Too young: it may still be on its way to the queue.
      expect((await requeueStrandedRuns(app.services)).requeued).not.toContain(stranded.id);
      const later = new Date(Date.now() + REQUEUE_RUNS_AFTER_MS + 1_000);
      expect((await requeueStrandedRuns(app.services, later)).requeued).toEqual([stranded.id]);
      const done = await eventually(async () => {
        const polled = (await runById(stranded.id)).data!.closePeriodRun!;
        return polled.state === 'DONE' ? polled : null;
      }, 30_000);
      expect(done).toMatchObject({ processed: 1, failures: [] });
      expect(done.statementIds).toHaveLength(1);
      // Done (and its job kept): nothing to queue again, by the scheduled job either.
      expect((await requeueStrandedRuns(app.services, later)).requeued).toEqual([]);
      await app.services.orm.em
        .fork()
        .execute(`update close_period_run set created_at = now() - interval '2 minutes' where id = ?`, [
          stranded.id,
        ]);
      expect(await requeueCloseRunsJob(null, app.services)).toEqual({ requeued: 0 });
    } finally {
      await queue.close();
    }
  });

  it('names the field of bad input and hides runs from other roles and resellers', async () => {
    expect((await start('October')).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'period',
    });
    expect((await start('2026-Q4')).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'period',
    });
    expect((await start('2026-10', ['nope'])).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'contractIds[0]',
    });
    expect((await start('2026-10', [contracts.Alpha!], otherKey)).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    expect((await start('2026-10', undefined, technicianKey)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const mine = (await start('2026-10', [contracts.Alpha!])).data!.startClosePeriodRun;
    expect((await runById(mine.id, otherKey)).data!.closePeriodRun).toBeNull();
    expect((await runById(mine.id, technicianKey)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await runById('not-a-uuid')).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
  });
});
