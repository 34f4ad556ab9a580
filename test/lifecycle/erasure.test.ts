// Erasure of a person's names through the real server: reports sent signed through ingest and
// persisted by the worker (so the archive holds the sender's gzip bytes), then erasePersonalNames over
// GraphQL and `admin erase-names` from the CLI. Checks every stored copy of the names, the customer
// and reseller scopes, billing figures unchanged, chargeback under the pseudonym, and an audit trail
// that does not keep the names.
import 'reflect-metadata';
import { gunzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { exampleCollectorReport, exampleDirectReport, type ReportV1 } from '@plotmeter/protocol';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/cli/commands';
import { initOrm } from '../../src/db/orm';
import { decodeArchivedReport } from '../../src/reports/queued-report';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCollector, newCustomer, newDirectPrinter, newReseller, newSerial } from '../support/factories';
import { sendSigned } from '../support/signed';
import { insertJob, monthlyContract, newApiKey, utc } from '../billing/billing-fixtures';

let app: TestApp;
let admin: MikroORM;
let resellerA: string;
let resellerB: string;
let customerA1: string;
let customerA2: string;
let adminKeyA: string;
let contractId: string;
const collectorSerial = newSerial('ER');

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return admin.em.fork().execute<T[]>(sql, params);
}

async function sendReport(credential: { keyId: string; secret: string }, report: ReportV1): Promise<void> {
  const res = await sendSigned(app.url, credential, '/ingest/v1/reports', report);
  expect(res.status).toBe(202);
  await eventually(async () => {
    const [row] = await rows<{ n: string }>(
      `select count(*)::text as n from raw_report where report_id = ?`,
      [report.reportId],
    );
    return row!.n === '1';
  });
}

const userNames = (resellerId: string) =>
  rows<{ customer_id: string; user_name: string | null }>(
    `select customer_id, user_name from printer_job where reseller_id = ? order by customer_id, user_name`,
    [resellerId],
  );

const statementTotals = () =>
  rows<{ id: string; total_minor: string; subtotal_minor: string }>(
    `select id, total_minor::text, subtotal_minor::text from billing_statement order by id`,
  );

const CHARGEBACK = `query($c: ID!) { chargeback(customerId: $c, period: "2025-03", groupBy: USER) {
  rows { key jobCount pages mediaAreaM2 inkMl } } }`;

const ERASE = `mutation($input: ErasePersonalNamesInput!) { erasePersonalNames(input: $input) {
  pseudonym jobs collectors rawReports } }`;

beforeAll(async () => {
  app = await startTestApp();
  admin = await initOrm(app.db.url);
  const em = admin.em.fork();
  resellerA = (await newReseller(em)).reseller.id;
  resellerB = (await newReseller(em)).reseller.id;
  customerA1 = (await newCustomer(em, resellerA)).id;
  customerA2 = (await newCustomer(em, resellerA)).id;
  adminKeyA = await newApiKey(em, resellerA, 'admin');

  // A1: a collector (its PC is named plotmeter-collector-01 in its reports) reporting one printer;
  // A2: a direct-connect printer. Both job logs hold j.dupont among others.
  const collector = await newCollector(em, resellerA, customerA1);
  await sendReport(collector, { ...exampleCollectorReport([collectorSerial]), reportId: randomUUID() });
  const direct = await newDirectPrinter(em, resellerA, customerA2);
  await sendReport(direct, {
    ...exampleDirectReport({ serialNumber: direct.serialNumber }),
    reportId: randomUUID(),
  });
  // Reseller B has a j.dupont too.
  const customerB = (await newCustomer(em, resellerB)).id;
  const printerB = await newDirectPrinter(em, resellerB, customerB);
  await insertJob(em, resellerB, customerB, printerB.printerId, {
    completedAt: utc('2025-03-02T10:00:00'),
    userName: 'j.dupont',
  });

  // A statement for A1's printer on a job basis, so its amount rests on the jobs being erased.
  const [printer] = await rows<{ id: string }>(`select id from printer where serial_number = ?`, [
    collectorSerial,
  ]);
  const contract = await monthlyContract(em, resellerA, {
    customerId: customerA1,
    printerIds: [printer!.id],
    validFrom: utc('2025-03-01T00:00:00'),
    priceLines: [{ meter: 'MEDIA_AREA_M2', basis: 'JOBS', unitPriceMinor: '100' }],
  });
  contractId = contract.id;
  await closeBillingPeriod(admin.em.fork(), { resellerId: resellerA, contractId, periodKey: '2025-03' });
});

afterAll(async () => {
  await admin?.close(true);
  await app?.close();
});

describe('erasePersonalNames', () => {
  it("replaces the names in one customer's jobs, collector and archived reports; billing figures unchanged", async () => {
    const totalsBefore = await statementTotals();
    expect(Number(totalsBefore[0]!.subtotal_minor)).toBeGreaterThan(0);
    const chargebackBefore = await app.gql<{ chargeback: { rows: Array<{ key: string | null }> } }>(
      CHARGEBACK,
      { c: customerA1 },
      adminKeyA,
    );
    const before = chargebackBefore.data!.chargeback.rows.find((r) => r.key === 'j.dupont')!;
    expect(before).toBeDefined();

    // Another spelling of the user name, and the collector PC's host name.
    const res = await app.gql<{
      erasePersonalNames: { pseudonym: string; jobs: number; collectors: number; rawReports: number };
    }>(
      ERASE,
      { input: { names: ['J.Dupont', 'PLOTMETER-COLLECTOR-01'], customerId: customerA1 } },
      adminKeyA,
    );
    expect(res.errors).toBeUndefined();
    const result = res.data!.erasePersonalNames;
    expect(result.pseudonym).toMatch(/^erased-[0-9a-f]{10}$/);
    expect(result).toMatchObject({ jobs: 1, collectors: 1, rawReports: 1 });

    // Jobs: A1's is the pseudonym, A2's (other customer) and B's (other reseller) are untouched.
    const a = await userNames(resellerA);
    expect(a.filter((j) => j.customer_id === customerA1).map((j) => j.user_name)).toContain(result.pseudonym);
    expect(a.filter((j) => j.customer_id === customerA1).map((j) => j.user_name)).not.toContain('j.dupont');
    expect(a.filter((j) => j.customer_id === customerA2).map((j) => j.user_name)).toContain('j.dupont');
    expect((await userNames(resellerB)).map((j) => j.user_name)).toEqual(['j.dupont']);
    // Other users of A1 keep their names.
    expect(a.filter((j) => j.customer_id === customerA1).map((j) => j.user_name)).toContain('m.keller');

    // The collector's host name, in its column and its health.
    const [collector] = await rows<{ hostname: string; health: unknown }>(
      `select hostname, health from collector where customer_id = ?`,
      [customerA1],
    );
    expect(collector!.hostname).toBe(result.pseudonym);
    expect(JSON.stringify(collector!.health ?? {}).toLowerCase()).not.toContain('plotmeter-collector-01');

    // The archive: still the sender's encoding, decodes as before, names gone.
    const archived = await rows<{
      payload: Buffer;
      payload_encoding: string;
      note: string;
      sender_id: string;
    }>(
      `select payload, payload_encoding, note, sender_id from raw_report where reseller_id = ? and kind = 'report'`,
      [resellerA],
    );
    const ofA1 = archived.find((r) => r.note?.includes(result.pseudonym))!;
    expect(ofA1.payload_encoding).toBe('gzip');
    const text = gunzipSync(ofA1.payload).toString('utf8').toLowerCase();
    expect(text).not.toContain('j.dupont');
    expect(text).not.toContain('plotmeter-collector-01');
    expect(text).toContain('m.keller');
    const decoded = decodeArchivedReport(ofA1.payload, 'gzip').report;
    expect(decoded.source.hostname).toBe(result.pseudonym);
    expect(decoded.printers[0]!.jobs.map((j) => j.userName)).toContain(result.pseudonym);
    // A2's archived report still has it (out of scope).
    const ofA2 = archived.find((r) => r !== ofA1)!;
    expect(gunzipSync(ofA2.payload).toString('utf8')).toContain('j.dupont');

    // Billing: statements untouched; chargeback shows the same figures under the pseudonym.
    expect(await statementTotals()).toEqual(totalsBefore);
    const after = await app.gql<{ chargeback: { rows: Array<{ key: string | null }> } }>(
      CHARGEBACK,
      { c: customerA1 },
      adminKeyA,
    );
    const rowsAfter = after.data!.chargeback.rows;
    expect(rowsAfter.find((r) => r.key === 'j.dupont')).toBeUndefined();
    expect(rowsAfter.find((r) => r.key === result.pseudonym)).toEqual({ ...before, key: result.pseudonym });
    const closedAgain = await closeBillingPeriod(admin.em.fork(), {
      resellerId: resellerA,
      contractId,
      periodKey: '2025-03',
    });
    expect(closedAgain.statement.subtotalMinor).toBe(totalsBefore[0]!.subtotal_minor);

    // Audited, without the names anywhere in the audit log.
    const audit = await rows<{ action: string; details: unknown }>(
      `select action, details from audit_event where reseller_id = ? and action in ('person.erase', 'mutation.erasePersonalNames')`,
      [resellerA],
    );
    expect(audit.map((e) => e.action).sort()).toEqual(['mutation.erasePersonalNames', 'person.erase']);
    const erase = audit.find((e) => e.action === 'person.erase')!.details as Record<string, unknown>;
    expect(erase).toMatchObject({
      pseudonym: result.pseudonym,
      jobs: 1,
      collectors: 1,
      rawReports: 1,
      nameCount: 2,
    });
    const auditText = JSON.stringify(audit).toLowerCase();
    expect(auditText).not.toContain('j.dupont');
    expect(auditText).not.toContain('plotmeter-collector-01');
  });

  it("stays inside the caller's reseller: another reseller's customer is not found, its jobs untouched", async () => {
    const [customerB] = await rows<{ id: string }>(`select id from customer where reseller_id = ?`, [
      resellerB,
    ]);
    const res = await app.gql(
      ERASE,
      { input: { names: ['j.dupont'], customerId: customerB!.id } },
      adminKeyA,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Without a customer: all of A (A2 now), none of B.
    const all = await app.gql<{ erasePersonalNames: { jobs: number } }>(
      ERASE,
      { input: { names: ['j.dupont'] } },
      adminKeyA,
    );
    expect(all.data!.erasePersonalNames.jobs).toBe(1);
    expect((await userNames(resellerA)).map((j) => j.user_name)).not.toContain('j.dupont');
    expect((await userNames(resellerB)).map((j) => j.user_name)).toEqual(['j.dupont']);
  });

  it('is for admins, and refuses bad input naming the field', async () => {
    const technician = await newApiKey(admin.em, resellerA, 'technician');
    const denied = await app.gql(ERASE, { input: { names: ['x'] } }, technician);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const empty = await app.gql(ERASE, { input: { names: ['ok', '  '] } }, adminKeyA);
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((empty.errors?.[0]?.extensions as { field?: string }).field).toBe('names[1]');
  });
});

describe('admin erase-names', () => {
  it("erases in the named reseller's data only, as that tenant", async () => {
    const config = { ...app.config, DATABASE_URL: app.db.serverUrl };
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      await runAdmin(config, ['erase-names', '--reseller', resellerB, '--name', 'J.DUPONT', '--json']);
    } finally {
      console.log = log;
    }
    const result = JSON.parse(lines[0]!) as { pseudonym: string; jobs: number };
    expect(result.jobs).toBe(1);
    expect((await userNames(resellerB)).map((j) => j.user_name)).toEqual([result.pseudonym]);
    const [audit] = await rows<{ actor: string }>(
      `select actor from audit_event where reseller_id = ? and action = 'person.erase'`,
      [resellerB],
    );
    expect(audit!.actor).toBe('system:cli');
    await expect(
      runAdmin(config, ['erase-names', '--reseller', randomUUID(), '--name', 'x']),
    ).rejects.toThrow(/no reseller/);
    await expect(runAdmin(config, ['erase-names', '--reseller', resellerB])).rejects.toThrow(/--name/);
  });
});
