// Effective-dated prices over the real API: changeContractPrices adds new prices from a date; the
// period before keeps its prices (a rebill reproduces it to the cent), the period across the date is
// priced per part with allowances prorated by days, later periods use the new prices, the change is
// audited, and it cannot reach into an approved period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { insertReading, monthlyContract, newApiKey, utc } from './billing-fixtures';

let app: TestApp;
let resellerId: string;
let customerId: string;
let billingKey: string;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  const em = app.services.orm.em.fork();
  resellerId = (await newReseller(em)).reseller.id;
  customerId = (await newCustomer(em, resellerId)).id;
  billingKey = await newApiKey(em, resellerId, 'billing');
});
afterAll(async () => {
  await app?.close();
});

const CHANGE = `mutation($input: ChangeContractPricesInput!) { changeContractPrices(input: $input) {
  id priceLines { unitPriceMinor allowance effectiveFrom effectiveTo } } }`;
const CLOSE = `mutation($id: ID!, $period: String!) { closeBillingPeriod(contractId: $id, period: $period) {
  id subtotalMinor complete flags { code message } lines { kind quantity allowanceUsed unitPriceMinor amountMinor totalMinor } } }`;
interface Closed {
  closeBillingPeriod: {
    id: string;
    subtotalMinor: string;
    complete: boolean;
    flags: Array<{ code: string; message: string }>;
    lines: Array<Record<string, string | null>>;
  };
}

describe('changeContractPrices', () => {
  it('keeps earlier periods, prices the period across the date per part, and audits the change', async () => {
    const em = app.services.orm.em.fork();
    const p = await newDirectPrinter(em, resellerId, customerId);
    for (const [at, media] of [
      ['2026-09-01T00:00:00', 0],
      ['2026-10-01T00:00:00', 100],
      ['2026-10-15T00:00:00', 160],
      ['2026-11-01T00:00:00', 300],
      ['2026-12-01T00:00:00', 350],
    ] as const) {
      await insertReading(em, resellerId, p.printerId, {
        at: utc(at),
        serial: p.serialNumber,
        mediaAreaM2: media,
      });
    }
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [p.printerId],
      validFrom: utc('2026-09-01T00:00:00'),
      fixedFeeMinor: '1000',
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '10', allowance: '31' }],
    });
    const close = async (period: string) => {
      const closed = await app.gql<Closed>(CLOSE, { id: contract.id, period }, billingKey);
      expect(closed.errors).toBeUndefined();
      return closed.data!.closeBillingPeriod;
    };
    // September at the old prices: (100 - 31) × 10 + 1000 = 1690.
    const september = await close('2026-09');
    expect(september.subtotalMinor).toBe('1690');
    const approved = await app.gql(
      `mutation($id: ID!) { approveStatement(id: $id) { status } }`,
      { id: september.id },
      billingKey,
    );
    expect(approved.errors).toBeUndefined();

    const input = {
      contractId: contract.id,
      effectiveFrom: '2026-10-15T00:00:00Z',
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '20', allowance: '31' }],
    };
    const changed = await app.gql<{
      changeContractPrices: { priceLines: Array<Record<string, string | null>> };
    }>(CHANGE, { input }, billingKey);
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.changeContractPrices.priceLines).toEqual([
      { unitPriceMinor: '10', allowance: '31', effectiveFrom: null, effectiveTo: '2026-10-15T00:00:00.000Z' },
      { unitPriceMinor: '20', allowance: '31', effectiveFrom: '2026-10-15T00:00:00.000Z', effectiveTo: null },
    ]);

    // October across the change: 1-14 Oct at the old prices, 15-31 Oct at the new ones, each with the
    // allowance for its days: 60 m² - 31 × 14/31 = 46 × 10 = 460; 140 m² - 31 × 17/31 = 123 × 20 = 2460;
    // the fixed fee once: 460 + 2460 + 1000 = 3920.
    const october = await close('2026-10');
    expect(october.lines).toEqual([
      expect.objectContaining({
        kind: 'USAGE',
        quantity: '60',
        allowanceUsed: '14',
        unitPriceMinor: '10',
        totalMinor: '460',
      }),
      expect.objectContaining({
        kind: 'USAGE',
        quantity: '140',
        allowanceUsed: '17',
        unitPriceMinor: '20',
        totalMinor: '2460',
      }),
      expect.objectContaining({ kind: 'FIXED_FEE', totalMinor: '1000' }),
    ]);
    expect(october.subtotalMinor).toBe('3920');
    expect(october.complete).toBe(true);
    expect(october.flags.map((f) => f.code)).toEqual(['PRICE_CHANGE']);
    // November at the new prices only: (50 - 31) × 20 + 1000 = 1380.
    expect((await close('2026-11')).subtotalMinor).toBe('1380');

    // September rebilled after the change: the same amounts, from the prices it had.
    const rebilled = await app.gql<{
      voidStatement: { replacement: { subtotalMinor: string; lines: unknown[] } };
    }>(
      `mutation($id: ID!) { voidStatement(id: $id, reason: "re-run", rebill: true) { replacement { subtotalMinor lines { unitPriceMinor totalMinor } } } }`,
      { id: september.id },
      billingKey,
    );
    expect(rebilled.errors).toBeUndefined();
    expect(rebilled.data!.voidStatement.replacement).toEqual({
      subtotalMinor: '1690',
      lines: [
        { unitPriceMinor: '10', totalMinor: '690' },
        { unitPriceMinor: null, totalMinor: '1000' },
      ],
    });

    const [audit] = await em.execute<{ action: string; details: Record<string, unknown> }[]>(
      `select action, details from audit_event where target_id = ? and action = 'contract.prices.change'`,
      [contract.id],
    );
    expect(audit).toMatchObject({ details: { effectiveFrom: '2026-10-15T00:00:00.000Z' } });

    // Not before the current prices' start, and not into an approved period.
    const early = await app.gql(
      CHANGE,
      { input: { ...input, effectiveFrom: '2026-10-10T00:00:00Z' } },
      billingKey,
    );
    expect(early.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.effectiveFrom',
    });
    await app.gql(
      `mutation($id: ID!) { approveStatement(id: $id) { status } }`,
      { id: october.id },
      billingKey,
    );
    const intoApproved = await app.gql(
      CHANGE,
      { input: { ...input, effectiveFrom: '2026-10-20T00:00:00Z' } },
      billingKey,
    );
    expect(intoApproved.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.effectiveFrom',
    });
    const badLine = await app.gql(
      CHANGE,
      {
        input: {
          ...input,
          effectiveFrom: '2026-11-15T00:00:00Z',
          priceLines: [{ meter: 'PAGES', unitPriceMinor: '-1' }],
        },
      },
      billingKey,
    );
    expect(badLine.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.priceLines[0].unitPriceMinor',
    });
  });
});
