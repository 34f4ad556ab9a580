// Meter offsets over the real API: a technician records the starting counts of a used replacement
// board, closing the period bills the usage after the swap from them (and from zero without one), the
// trace shows the reset and the offset used, corrections and removals are audited, and bad input is
// refused with the field named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { insertReading, monthlyContract, newApiKey, utc } from './billing-fixtures';

let app: TestApp;
let resellerId: string;
let customerId: string;
let technicianKey: string;
let billingKey: string;
let viewerKey: string;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  const em = app.services.orm.em.fork();
  resellerId = (await newReseller(em)).reseller.id;
  customerId = (await newCustomer(em, resellerId)).id;
  technicianKey = await newApiKey(em, resellerId, 'technician');
  billingKey = await newApiKey(em, resellerId, 'billing');
  viewerKey = await newApiKey(em, resellerId, 'viewer');
});
afterAll(async () => {
  await app?.close();
});

const RECORD = `mutation($input: RecordMeterOffsetInput!) { recordMeterOffset(input: $input) {
  id printerId meter mediaType effectiveAt startingCount note recordedBy } }`;
const CLOSE = `mutation($id: ID!) { closeBillingPeriod(contractId: $id, period: "2026-10") { id lines { lineId totalMinor quantity } } }`;
const TRACE = `query($id: ID!) { statementTrace(id: $id) { lines { quantity sources { quantity
  resets { afterReadingId beforeReadingId start startingCount offsetId } readings { id pages } } } } }`;

interface Closed {
  closeBillingPeriod: { id: string; lines: Array<{ totalMinor: string; quantity: string }> };
}
interface Trace {
  statementTrace: {
    lines: Array<{
      quantity: string;
      sources: Array<{ resets: Array<Record<string, string | null>>; readings: Array<{ id: string }> }>;
    }>;
  };
}

async function auditOf(targetId: string) {
  return app.services.orm.em
    .fork()
    .execute<{ action: string; actor: string; details: Record<string, unknown> }[]>(
      `select action, actor, details from audit_event where target_id = ? order by at, id`,
      [targetId],
    );
}

describe('meter offsets', () => {
  it('bills a used board from its recorded starting count, traces it, and audits every change', async () => {
    const em = app.services.orm.em.fork();
    const p = await newDirectPrinter(em, resellerId, customerId);
    const read = (at: string, pages: number) =>
      insertReading(em, resellerId, p.printerId, { at: utc(at), serial: p.serialNumber, pages });
    const ids = [
      await read('2026-10-01T00:00:00', 1000),
      await read('2026-10-10T00:00:00', 1100),
      await read('2026-10-10T03:00:00', 620), // a used board with 600 pages was put in at 01:00
      await read('2026-10-31T23:00:00', 700),
    ];
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [p.printerId],
      priceLines: [{ meter: 'PAGES', unitPriceMinor: '0.5' }],
    });
    const close = async () => {
      const closed = await app.gql<Closed>(CLOSE, { id: contract.id }, billingKey);
      expect(closed.errors).toBeUndefined();
      return closed.data!.closeBillingPeriod;
    };

    // Without an offset the board counts from zero: 100 + 620 + 80 = 800 pages × 0.5 = 400 cents.
    expect((await close()).lines[0]).toMatchObject({ quantity: '800', totalMinor: '400' });

    const input = {
      printerId: p.printerId,
      meter: 'PAGES',
      effectiveAt: '2026-10-10T01:00:00.000Z',
      startingCount: '600',
      note: 'refurbished board from stock',
    };
    const recorded = await app.gql<{ recordMeterOffset: Record<string, string> }>(
      RECORD,
      { input },
      technicianKey,
    );
    expect(recorded.errors).toBeUndefined();
    const offset = recorded.data!.recordMeterOffset;
    expect(offset).toMatchObject({ printerId: p.printerId, meter: 'PAGES', startingCount: '600' });

    // With it: 100 + (620 - 600) + 80 = 200 pages × 0.5 = 100 cents.
    const statement = await close();
    expect(statement.lines[0]).toMatchObject({ quantity: '200', totalMinor: '100' });
    const trace = await app.gql<Trace>(TRACE, { id: statement.id }, billingKey);
    const source = trace.data!.statementTrace.lines[0]!.sources[0]!;
    expect(source.resets).toEqual([
      {
        afterReadingId: ids[1],
        beforeReadingId: ids[2],
        start: 'OFFSET',
        startingCount: '600',
        offsetId: offset.id,
      },
    ]);
    expect(source.readings.map((r) => r.id)).toEqual(ids);

    // A correction of the same meter and time updates the offset and is audited with the old value.
    const corrected = await app.gql<{ recordMeterOffset: Record<string, string> }>(
      RECORD,
      { input: { ...input, startingCount: '610' } },
      technicianKey,
    );
    expect(corrected.data!.recordMeterOffset).toMatchObject({ id: offset.id, startingCount: '610' });
    expect((await close()).lines[0]).toMatchObject({ quantity: '190', totalMinor: '95' }); // 100 + 10 + 80

    const listed = await app.gql<{ meterOffsets: Array<{ id: string }> }>(
      `query($p: ID!) { meterOffsets(printerId: $p) { id } }`,
      { p: p.printerId },
      billingKey,
    );
    expect(listed.data!.meterOffsets.map((o) => o.id)).toEqual([offset.id]);

    const removed = await app.gql(
      `mutation($id: ID!) { removeMeterOffset(id: $id) { id } }`,
      { id: offset.id },
      technicianKey,
    );
    expect(removed.errors).toBeUndefined();
    expect((await close()).lines[0]).toMatchObject({ quantity: '800', totalMinor: '400' });

    const audit = await auditOf(offset.id);
    expect(audit.map((a) => a.action)).toEqual([
      'meter.offset.record',
      'meter.offset.correct',
      'meter.offset.remove',
    ]);
    expect(audit[1]!.details).toMatchObject({ startingCount: '610', previous: { startingCount: '600' } });
    expect(audit.every((a) => a.actor.startsWith('apikey:'))).toBe(true);
  });

  it('marks a swap whose used board counted more than the old one, loading every reading around it', async () => {
    const em = app.services.orm.em.fork();
    const p = await newDirectPrinter(em, resellerId, customerId);
    // Hourly readings; at hour 200 a used board with 5000 m² replaces one at about 1150 m².
    const start = utc('2026-10-01T00:00:00').getTime();
    for (let hour = -2; hour < 24 * 31 + 2; hour += 1) {
      const mediaAreaM2 = hour < 200 ? 1000 + hour * 0.75 : 5000 + (hour - 199) * 0.5;
      await insertReading(em, resellerId, p.printerId, {
        at: new Date(start + hour * 3600_000),
        serial: p.serialNumber,
        mediaAreaM2,
      });
    }
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [p.printerId],
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '10' }],
    });
    const recorded = await app.gql(
      RECORD,
      {
        input: {
          printerId: p.printerId,
          meter: 'MEDIA_AREA_M2',
          effectiveAt: new Date(start + 199.5 * 3600_000).toISOString(),
          startingCount: '5000',
        },
      },
      technicianKey,
    );
    expect(recorded.errors).toBeUndefined();
    const { priced } = await closeBillingPeriod(app.services.orm.em.fork(), {
      resellerId,
      contractId: contract.id,
      periodKey: '2026-10',
    });
    // Old board hours 0..199: 199 × 0.75 = 149.25; new board from 5000 to hour 744: 545 × 0.5 = 272.5.
    expect(priced.lines[0]!.quantity).toBe(421_750_000n);
    expect(priced.lines[0]!.totalMinor).toBe(4218n); // 421.75 × 10 = 4217.5 -> 4218
    expect(priced.flags.map((f) => f.code)).toContain('COUNTER_RESET');
  });

  it('is for technicians and admins, and names the field of bad input', async () => {
    const em = app.services.orm.em.fork();
    const p = await newDirectPrinter(em, resellerId, customerId);
    const base = {
      printerId: p.printerId,
      meter: 'PAGES',
      effectiveAt: '2026-10-10T01:00:00Z',
      startingCount: '5',
    };
    for (const key of [billingKey, viewerKey]) {
      const denied = await app.gql(RECORD, { input: base }, key);
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ startingCount: '-1' }, 'input.startingCount'],
      [{ startingCount: '1e3' }, 'input.startingCount'],
      [{ mediaType: 'photo' }, 'input.meter'],
      [{ effectiveAt: '2099-01-01T00:00:00Z' }, 'input.effectiveAt'],
      [{ printerId: '00000000-0000-7000-8000-000000000000' }, 'input.printerId'],
    ];
    for (const [change, field] of cases) {
      const result = await app.gql(RECORD, { input: { ...base, ...change } }, technicianKey);
      expect(result.errors?.[0]?.extensions, JSON.stringify(change)).toMatchObject({
        code: expect.stringMatching(/BAD_USER_INPUT|NOT_FOUND/),
        field,
      });
    }
    const [row] = await em.execute<{ n: string }[]>(
      `select count(*) as n from meter_offset where printer_id = ?`,
      [p.printerId],
    );
    expect(Number(row!.n)).toBe(0);
  });
});
