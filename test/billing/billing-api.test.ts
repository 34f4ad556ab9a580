// Billing over the real API: contracts and statements through GraphQL with role checks, the statement
// lifecycle (approve, export acknowledgement, void and rebill), late data before and after the grace
// period with the scheduled drafting, chargeback, and the ERP export route whose CSV, parsed back by a
// CSV library, equals the stored statement.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_HANDLERS, SCHEDULES } from '../../src/jobs/registry';
import { draftDueStatements } from '../../src/services/billing/draft-due';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter } from '../support/factories';
import { insertJob, insertReading, newBillingReseller, printerWithReadings, utc } from './billing-fixtures';

let app: TestApp;
let resellerId: string;
let adminKey: string;
let billingKey: string;
let viewerKey: string;
let customerId: string;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  const em = app.services.orm.em.fork();
  ({ resellerId, adminKey, billingKey, viewerKey } = await newBillingReseller(em));
  const customer = await newCustomer(em, resellerId, 'Acme, "Print" & Co');
  customerId = customer.id;
  await em.execute(`update customer set external_ref = '=ERP-42' where id = ?`, [customerId]);
});
afterAll(async () => {
  await app?.close();
});

const CREATE = `mutation($input: CreateContractInput!) { createContract(input: $input) { id currency graceDays priceLines { meter tiers { upTo unitPriceMinor } } printers { printerId } } }`;
const CLOSE = `mutation($id: ID!, $period: String!) { closeBillingPeriod(contractId: $id, period: $period) {
  id status version complete subtotalMinor subtotalMajor periodKey replacesId flags { code printerId }
  lines { lineId kind description unit quantity billableQuantity unitPriceMinor amountMinor trueUpMinor totalMinor totalMajor sources { printerId readingIds } } } }`;

async function printerWithMonth(start: number, end: number, label = 'A') {
  const printer = await printerWithReadings(app.services.orm.em.fork(), resellerId, customerId, [
    { at: '2026-09-30T22:00:00', mediaAreaM2: start, pages: 10 },
    { at: '2026-10-31T22:00:00', mediaAreaM2: end, pages: 20 },
  ]);
  return { ...printer, label };
}

async function contractFor(printerIds: string[], extra: Record<string, unknown> = {}) {
  const result = await app.gql<{ createContract: { id: string } }>(
    CREATE,
    {
      input: {
        customerId,
        name: 'Large format PPU',
        currency: 'EUR',
        validFrom: '2026-10-01T00:00:00Z',
        printerIds,
        fixedFeeMinor: '1999',
        priceLines: [
          {
            meter: 'MEDIA_AREA_M2',
            description: 'Media, incl. "coated"',
            unitPriceMinor: '4.5',
            allowance: '10',
          },
          { meter: 'PAGES', unitPriceMinor: '0.333333' },
        ],
        ...extra,
      },
    },
    billingKey,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.createContract.id;
}

describe('contracts over GraphQL', () => {
  it('creates a contract for the billing role and refuses a viewer', async () => {
    const printer = await printerWithMonth(0, 0);
    const input = {
      customerId,
      name: 'Tiered',
      currency: 'eur',
      validFrom: '2027-01-01T00:00:00Z',
      printerIds: [printer.printerId],
      priceLines: [
        {
          meter: 'MEDIA_AREA_M2',
          tiers: [
            { upTo: '100', unitPriceMinor: '10' },
            { upTo: null, unitPriceMinor: '8' },
          ],
        },
      ],
    };
    const denied = await app.gql(CREATE, { input }, viewerKey);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const created = await app.gql<{
      createContract: { currency: string; graceDays: number; priceLines: unknown[]; printers: unknown[] };
    }>(CREATE, { input }, billingKey);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createContract).toMatchObject({
      currency: 'EUR',
      graceDays: 3,
      priceLines: [
        {
          meter: 'MEDIA_AREA_M2',
          tiers: [
            { upTo: '100', unitPriceMinor: '10' },
            { upTo: null, unitPriceMinor: '8' },
          ],
        },
      ],
      printers: [{ printerId: printer.printerId }],
    });
  });

  it('names the offending field of a contract the billing rules reject, and stores nothing', async () => {
    const printer = await printerWithMonth(0, 0);
    const result = await app.gql(
      CREATE,
      {
        input: {
          customerId,
          name: 'Bad tiers',
          currency: 'EUR',
          validFrom: '2028-01-01T00:00:00Z',
          printerIds: [printer.printerId],
          priceLines: [
            { meter: 'INK_OEM_ML', unitPriceMinor: '1' },
            {
              meter: 'MEDIA_AREA_M2',
              tiers: [
                { upTo: '100', unitPriceMinor: '10' },
                { upTo: '50', unitPriceMinor: '8' },
                { upTo: null, unitPriceMinor: '6' },
              ],
            },
          ],
        },
      },
      billingKey,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.priceLines[1].tiers[1].upTo',
    });
    const [row] = await app.services.orm.em
      .fork()
      .execute<{ n: string }[]>(`select count(*) as n from contract where name = 'Bad tiers'`);
    expect(Number(row!.n)).toBe(0);
  });
});

describe('statement lifecycle and ERP export', () => {
  let statementId: string;
  let lines: Array<Record<string, unknown>>;

  it('closes a period on demand, approves it, and never changes it afterwards', async () => {
    const a = await printerWithMonth(100, 160.5);
    const contractId = await contractFor([a.printerId]);
    const closed = await app.gql<{
      closeBillingPeriod: {
        id: string;
        status: string;
        subtotalMinor: string;
        subtotalMajor: string;
        lines: Array<Record<string, unknown>>;
      };
    }>(CLOSE, { id: contractId, period: '2026-10' }, billingKey);
    expect(closed.errors).toBeUndefined();
    const statement = closed.data!.closeBillingPeriod;
    // 60.5 m² - 10 included = 50.5 × 4.5 = 227.25 -> 227; 10 pages × 0.333333 = 3.33333 -> 3; fixed 1999.
    expect(
      statement.lines.map((l) => [String(l.lineId).length > 0, l.kind, l.quantity, l.totalMinor]),
    ).toEqual([
      [true, 'USAGE', '60.5', '227'],
      [true, 'USAGE', '10', '3'],
      [true, 'FIXED_FEE', null, '1999'],
    ]);
    expect(statement).toMatchObject({ status: 'DRAFT', subtotalMinor: '2229', subtotalMajor: '22.29' });
    statementId = statement.id;
    lines = statement.lines;

    const notYet = await app.gql(
      `mutation($ids: [ID!]!) { markStatementsExported(ids: $ids) { id } }`,
      { ids: [statementId] },
      billingKey,
    );
    expect(notYet.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const approved = await app.gql<{ approveStatement: { status: string } }>(
      `mutation($id: ID!) { approveStatement(id: $id) { status } }`,
      { id: statementId },
      billingKey,
    );
    expect(approved.data?.approveStatement.status).toBe('APPROVED');
    const again = await app.gql(CLOSE, { id: contractId, period: '2026-10' }, billingKey);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('exports the period as CSV that parses back into exactly the statement lines', async () => {
    const response = await fetch(`${app.url}/export/v1/statements?period=2026-10&format=csv`, {
      headers: { authorization: `Bearer ${billingKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await response.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parse(text, { columns: true }) as Array<Record<string, string>>;
    const mine = records.filter((r) => r.statement_id === statementId);
    expect(mine.map((r) => r.line_id)).toEqual(lines.map((l) => l.lineId));
    mine.forEach((record, index) => {
      const line = lines[index]!;
      expect(record).toMatchObject({
        statement_status: 'APPROVED',
        statement_version: '1',
        currency: 'EUR',
        period_key: '2026-10',
        period_start_utc: '2026-10-01T00:00:00.000Z',
        period_end_utc: '2026-11-01T00:00:00.000Z',
        customer_external_ref: "'=ERP-42", // formula-injection guard on a text cell
        description: line.description,
        unit: line.unit ?? '',
        quantity: line.quantity ?? '',
        billable_quantity: line.billableQuantity ?? '',
        unit_price_minor: line.unitPriceMinor ?? '',
        amount_minor: line.amountMinor ?? '',
        total_minor: line.totalMinor ?? '',
        total_major: line.totalMajor ?? '',
      });
    });
    expect(mine[0]!.description).toBe('Media, incl. "coated"');
    expect(mine.reduce((sum, r) => sum + BigInt(r.total_minor!), 0n)).toBe(2229n);
  });

  it('exports the same statement as JSON with money as strings', async () => {
    const response = await fetch(`${app.url}/export/v1/statements?period=2026-10&format=json`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      statements: Array<{
        statementId: string;
        subtotalMinor: string;
        subtotalMajor: string;
        lines: Array<{ totalMinor: string }>;
      }>;
    };
    const mine = body.statements.find((s) => s.statementId === statementId)!;
    expect(mine).toMatchObject({ subtotalMinor: '2229', subtotalMajor: '22.29' });
    expect(mine.lines.map((l) => l.totalMinor)).toEqual(['227', '3', '1999']);
  });

  it('exports an approved incomplete statement so that an ERP summing amounts cannot miss it', async () => {
    const printer = await printerWithReadings(app.services.orm.em.fork(), resellerId, customerId, [
      { at: '2026-11-30T22:00:00', mediaAreaM2: 100, pages: 10 },
      // The end reading has no page counter: the pages line cannot be priced.
      { at: '2026-12-31T22:00:00', mediaAreaM2: 150.5, pages: null },
    ]);
    const contractId = await contractFor([printer.printerId], { validFrom: '2026-12-01T00:00:00Z' });
    const closed = await app.gql<{ closeBillingPeriod: { id: string; complete: boolean } }>(
      CLOSE,
      { id: contractId, period: '2026-12' },
      billingKey,
    );
    const id = closed.data!.closeBillingPeriod.id;
    expect(closed.data!.closeBillingPeriod.complete).toBe(false);
    const approved = await app.gql(
      `mutation($id: ID!) { approveStatement(id: $id, acceptIncomplete: true) { status } }`,
      { id },
      billingKey,
    );
    expect(approved.errors).toBeUndefined();

    const csv = await fetch(`${app.url}/export/v1/statements?period=2026-12&format=csv`, {
      headers: { authorization: `Bearer ${billingKey}` },
    });
    const text = await csv.text();
    // Integrators address columns by name and position: the old ones stay, new ones come last.
    expect(text.slice(0, text.indexOf('\r\n')).split(',')).toEqual([
      'statement_id',
      'statement_version',
      'statement_status',
      'approved_at_utc',
      'customer_external_ref',
      'contract_id',
      'customer_id',
      'period_key',
      'period_start_utc',
      'period_end_utc',
      'billed_from_utc',
      'billed_to_utc',
      'statement_complete',
      'currency',
      'line_id',
      'line_kind',
      'description',
      'meter',
      'media_type',
      'category',
      'basis',
      'unit',
      'quantity',
      'allowance_used',
      'billable_quantity',
      'tier_mode',
      'unit_price_minor',
      'amount_minor',
      'true_up_minor',
      'total_minor',
      'total_major',
      'printer_ids',
      'reading_ids',
      'job_count',
      'flags',
      'line_status',
      'line_status_reason',
      'statement_total_minor',
      'statement_total_major',
      'statement_completeness',
      'statement_unknown_lines',
    ]);
    const rows = (parse(text, { columns: true }) as Array<Record<string, string>>).filter(
      (r) => r.statement_id === id,
    );
    // 50.5 m² - 10 included = 40.5 × 4.5 = 182.25 -> 182; pages unknown; fixed fee 1999: total 2181.
    expect(rows.map((r) => [r.line_kind, r.line_status, r.total_minor])).toEqual([
      ['USAGE', 'PRICED', '182'],
      ['USAGE', 'UNKNOWN', ''],
      ['FIXED_FEE', 'PRICED', '1999'],
    ]);
    expect(rows[1]!.line_status_reason).toBe(
      `usage unknown for printer ${printer.serialNumber} (counter not reported); not priced and not in the statement total`,
    );
    for (const row of rows) {
      expect(row).toMatchObject({
        statement_total_minor: '2181',
        statement_total_major: '21.81',
        statement_completeness: 'INCOMPLETE',
        statement_unknown_lines: '1',
        statement_complete: 'false',
      });
    }

    const json = await fetch(`${app.url}/export/v1/statements?period=2026-12&format=json`, {
      headers: { authorization: `Bearer ${billingKey}` },
    });
    const body = (await json.json()) as { statements: Array<Record<string, unknown>> };
    const statement = body.statements.find((s) => s.statementId === id)!;
    expect(statement).toMatchObject({
      status: 'APPROVED',
      totalMinor: '2181',
      totalMajor: '21.81',
      completeness: 'INCOMPLETE',
      unknownLineCount: 1,
    });
    expect(
      (statement.lines as Array<Record<string, unknown>>).map((l) => [
        l.status,
        l.totalMinor,
        l.statusReason,
      ]),
    ).toEqual([
      ['PRICED', '182', null],
      ['UNKNOWN', null, rows[1]!.line_status_reason],
      ['PRICED', '1999', null],
    ]);
  });

  it('allows the export to billing and admin only, and rejects a bad period with the field named', async () => {
    const get = (query: string, key?: string) =>
      fetch(`${app.url}/export/v1/statements?${query}`, {
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
    expect((await get('period=2026-10&format=csv')).status).toBe(401);
    expect((await get('period=2026-10&format=csv', viewerKey)).status).toBe(403);
    expect((await get('period=2026-10&format=csv', adminKey)).status).toBe(200);
    const bad = await get('period=2026-13&format=xml', billingKey);
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toEqual(['period', 'format']);
  });

  it("records the ERP's acknowledgement once and accepts a retry", async () => {
    const MARK = `mutation($ids: [ID!]!) { markStatementsExported(ids: $ids, reference: "INV-7") { id status exportReference exportedAt } }`;
    const first = await app.gql<{
      markStatementsExported: Array<{ status: string; exportReference: string; exportedAt: string }>;
    }>(MARK, { ids: [statementId] }, billingKey);
    expect(first.data!.markStatementsExported[0]).toMatchObject({
      status: 'EXPORTED',
      exportReference: 'INV-7',
    });
    const retry = await app.gql<typeof first.data>(MARK, { ids: [statementId] }, billingKey);
    expect(retry.data!.markStatementsExported[0]!.exportedAt).toBe(
      first.data!.markStatementsExported[0]!.exportedAt,
    );
    const viewer = await app.gql(MARK, { ids: [statementId] }, viewerKey);
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('scheduled drafting, late data and rebilling', () => {
  it('is a repeatable maintenance job', () => {
    expect(SCHEDULES).toContainEqual(
      expect.objectContaining({ queue: 'maintenance', name: 'draft-statements' }),
    );
    expect(typeof (JOB_HANDLERS.maintenance as Record<string, unknown>)['draft-statements']).toBe('function');
  });

  it('waits out the grace period, includes data that arrived within it, and rebills data that arrived after approval', async () => {
    const em = app.services.orm.em.fork();
    const printer = await printerWithReadings(em, resellerId, customerId, [
      { at: '2026-12-01T00:00:00', mediaAreaM2: 0, pages: 0 },
      { at: '2026-12-31T20:00:00', mediaAreaM2: 40, pages: 0 },
    ]);
    const contractId = await contractFor([printer.printerId], {
      validFrom: '2026-12-01T00:00:00Z',
      fixedFeeMinor: null,
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '100' }],
    });
    const draftsFor = async (now: string) =>
      (await draftDueStatements(app.services.orm.em.fork(), utc(now))).drafted.filter(
        (d) => d.contractId === contractId,
      );

    // Two days after the period ended: still inside the 3-day grace period, nothing is drafted.
    expect(await draftsFor('2027-01-03T00:00:00')).toEqual([]);
    // A reading collected before the end arrives late, within the grace period.
    await insertReading(em, resellerId, printer.printerId, {
      at: utc('2026-12-31T23:00:00'),
      serial: printer.serialNumber,
      mediaAreaM2: 50,
      pages: 0,
    });
    const drafted = await draftsFor('2027-01-04T01:00:00');
    expect(drafted.map((d) => d.periodKey)).toEqual(['2026-12']);
    // Running again drafts nothing twice.
    expect(await draftsFor('2027-01-04T02:00:00')).toEqual([]);

    const STATEMENT = `query($id: ID!) { statement(id: $id) { status version subtotalMinor lines { quantity } } }`;
    const first = await app.gql<{ statement: { subtotalMinor: string; lines: Array<{ quantity: string }> } }>(
      STATEMENT,
      { id: drafted[0]!.statementId },
      billingKey,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.statement).toMatchObject({ subtotalMinor: '5000', lines: [{ quantity: '50' }] });
    await app.gql(
      `mutation($id: ID!) { approveStatement(id: $id) { status } }`,
      { id: drafted[0]!.statementId },
      billingKey,
    );

    // After approval, a later reading before the boundary arrives (after the grace period).
    await insertReading(em, resellerId, printer.printerId, {
      at: utc('2026-12-31T23:50:00'),
      serial: printer.serialNumber,
      mediaAreaM2: 52,
      pages: 0,
    });
    const unchanged = await app.gql<typeof first.data>(
      STATEMENT,
      { id: drafted[0]!.statementId },
      billingKey,
    );
    expect(unchanged.data!.statement).toMatchObject({ subtotalMinor: '5000' });
    expect(await draftsFor('2027-01-10T00:00:00')).toEqual([]);

    const rebill = await app.gql<{
      voidStatement: {
        voided: { status: string; voidReason: string };
        replacement: {
          id: string;
          version: number;
          status: string;
          replacesId: string;
          subtotalMinor: string;
        };
      };
    }>(
      `mutation($id: ID!) { voidStatement(id: $id, reason: "late reading", rebill: true) { voided { status voidReason } replacement { id version status replacesId subtotalMinor } } }`,
      { id: drafted[0]!.statementId },
      billingKey,
    );
    expect(rebill.errors).toBeUndefined();
    expect(rebill.data!.voidStatement.voided).toEqual({ status: 'VOID', voidReason: 'late reading' });
    expect(rebill.data!.voidStatement.replacement).toMatchObject({
      version: 2,
      status: 'DRAFT',
      replacesId: drafted[0]!.statementId,
      subtotalMinor: '5200',
    });
  });
});

describe('chargeback', () => {
  it('sums a customer’s jobs per account for the period, keeping jobs without an account apart', async () => {
    const em = app.services.orm.em.fork();
    const other = await newCustomer(em, resellerId, 'Other');
    const printer = await newDirectPrinter(em, resellerId, customerId);
    await insertJob(em, resellerId, customerId, printer.printerId, {
      completedAt: utc('2027-02-03T10:00:00'),
      accountId: 'ENG',
      mediaAreaM2: 1.25,
      pages: 2,
    });
    await insertJob(em, resellerId, customerId, printer.printerId, {
      completedAt: utc('2027-02-10T10:00:00'),
      accountId: 'ENG',
      mediaAreaM2: 2.5,
      pages: 1,
    });
    await insertJob(em, resellerId, customerId, printer.printerId, {
      completedAt: utc('2027-02-11T10:00:00'),
      accountId: 'ENG',
      mediaAreaM2: 7,
      kind: 'scan',
    });
    await insertJob(em, resellerId, customerId, printer.printerId, {
      completedAt: utc('2027-02-12T10:00:00'),
      mediaAreaM2: null,
      pages: 1,
    });
    await insertJob(em, resellerId, customerId, printer.printerId, {
      completedAt: utc('2027-03-01T00:00:00'),
      accountId: 'ENG',
      mediaAreaM2: 100,
    });
    await insertJob(em, resellerId, other.id, printer.printerId, {
      completedAt: utc('2027-02-05T10:00:00'),
      accountId: 'ENG',
      mediaAreaM2: 100,
    });
    const result = await app.gql<{ chargeback: { rows: unknown[] } }>(
      `query($c: ID!) { chargeback(customerId: $c, period: "2027-02", groupBy: ACCOUNT) { rows { key jobCount pages mediaAreaM2 jobsWithoutMediaArea } } }`,
      { c: customerId },
      billingKey,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.chargeback.rows).toEqual([
      { key: 'ENG', jobCount: 2, pages: '3', mediaAreaM2: '3.75', jobsWithoutMediaArea: 0 },
      { key: null, jobCount: 1, pages: '1', mediaAreaM2: null, jobsWithoutMediaArea: 1 },
    ]);
  });
});
