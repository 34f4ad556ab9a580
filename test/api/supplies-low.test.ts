// The fleet filter "supplies low": printers with an installed cartridge at or below the low level (or
// reporting low / empty) or a printhead below the minimum health, judged by each reseller's alert
// thresholds; a removed or missing component never counts, and the filter's negation is exact.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport, type PrinterReportV1 } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/services/api-keys';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

let app: TestApp;
let key: string;
let resellerId: string;
let operatorKey: string;

type Printer = Awaited<ReturnType<typeof newDirectPrinter>>;

/** The example report with every cartridge full and "ok" and healthy printheads, then `change`. */
function healthyReport(
  printer: Printer,
  change: (p: PrinterReportV1) => void = () => {},
  sentAt = '2025-03-03T09:15:00Z',
) {
  const report = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID(), sentAt });
  const entry = report.printers[0]!;
  for (const c of entry.cartridges) {
    c.levelPercent = 60;
    c.status = 'ok';
  }
  for (const h of entry.printheads) h.healthPercent = 90;
  entry.alerts = [];
  change(entry);
  return report;
}

async function send(printer: Printer, report: unknown) {
  const response = await sendSigned(app.url, printer, '/ingest/v1/reports', report);
  expect(response.status).toBe(202);
}

async function serials(filter: string, token = key): Promise<string[]> {
  const result = await app.gql<{ printers: { edges: { node: { serialNumber: string } }[] } }>(
    `{ printers(first: 100, filter: ${filter}) { edges { node { serialNumber } } } }`,
    {},
    token,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.printers.edges.map((e) => e.node.serialNumber).sort();
}

const printers: Record<string, Printer> = {};

const reportOf = (name: string, change?: (p: PrinterReportV1) => void, sentAt?: string) =>
  send(printers[name]!, healthyReport(printers[name]!, change, sentAt));

const sql = <T>(text: string, params: unknown[] = []) =>
  app.services.orm.em.fork().getConnection().execute<T[]>(text, params);

const setThresholds = (thresholds: Record<string, number>) =>
  sql(
    `update reseller set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{alertThresholds}', ?::jsonb) where id = ?`,
    [JSON.stringify(thresholds), resellerId],
  );

beforeAll(async () => {
  app = await startTestApp();
  const created = await newReseller(app.services.orm.em);
  key = created.apiKey;
  resellerId = created.reseller.id;
  const customer = await newCustomer(app.services.orm.em, resellerId);
  for (const name of ['healthy', 'cartridgeLevel', 'cartridgeStatus', 'printhead', 'missing', 'silent'])
    printers[name] = await newDirectPrinter(app.services.orm.em, resellerId, customer.id, `SUP-${name}`);
  await reportOf('healthy');
  await reportOf('cartridgeLevel', (p) => (p.cartridges[1]!.levelPercent = 8));
  await reportOf('cartridgeStatus', (p) => {
    p.cartridges[0]!.levelPercent = undefined;
    p.cartridges[0]!.status = 'Very Low';
  });
  await reportOf('printhead', (p) => (p.printheads[0]!.healthPercent = 12));
  // A missing cartridge's level means nothing (the rules raise cartridge.missing instead).
  await reportOf('missing', (p) => {
    p.cartridges[0]!.levelPercent = 0;
    p.cartridges[0]!.status = 'missing';
  });
  // Another reseller's printer at 8 %: low by the default thresholds, whatever the first one sets.
  const other = await newReseller(app.services.orm.em);
  const otherCustomer = await newCustomer(app.services.orm.em, other.reseller.id);
  const otherPrinter = await newDirectPrinter(
    app.services.orm.em,
    other.reseller.id,
    otherCustomer.id,
    'SUP-other',
  );
  await send(
    otherPrinter,
    healthyReport(otherPrinter, (p) => (p.cartridges[1]!.levelPercent = 8)),
  );
  await eventually(async () => (await serials('{}', other.apiKey)).length === 1);
  await eventually(
    async () =>
      Number((await sql<{ n: string }>(`select count(distinct printer_id) as n from cartridge`))[0]!.n) === 6,
  );
  const em = app.services.orm.em.fork();
  const issued = issueApiKey(em, { resellerId: null, name: 'support', role: 'operator' });
  await em.flush();
  operatorKey = issued.key;
});
afterAll(async () => app?.close());

describe('printers(filter: {suppliesLow})', () => {
  it('finds printers with a low cartridge (by level or status) or a weak printhead, and exactly the others with false', async () => {
    expect(await serials('{suppliesLow: true}')).toEqual([
      'SUP-cartridgeLevel',
      'SUP-cartridgeStatus',
      'SUP-printhead',
    ]);
    expect(await serials('{suppliesLow: false}')).toEqual(['SUP-healthy', 'SUP-missing', 'SUP-silent']);
    expect(await serials('{suppliesLow: true, search: "print"}')).toEqual(['SUP-printhead']);
  });

  it('forgets a component that a later report no longer lists', async () => {
    await reportOf('printhead', (p) => (p.printheads = p.printheads.slice(1)), '2025-03-04T09:15:00Z');
    await eventually(async () => !(await serials('{suppliesLow: true}')).includes('SUP-printhead'));
    expect(await serials('{suppliesLow: false}')).toContain('SUP-printhead');
  });

  it("uses the reseller's own thresholds, for the reseller and for an operator reading across resellers", async () => {
    expect(await serials('{suppliesLow: true, search: "SUP-"}', operatorKey)).toEqual([
      'SUP-cartridgeLevel',
      'SUP-cartridgeStatus',
      'SUP-other',
    ]);
    await setThresholds({ cartridgeLowPercent: 5 });
    // 8 % is no longer low here, a status word stays low whatever the level; the other reseller keeps
    // the defaults.
    expect(await serials('{suppliesLow: true}')).toEqual(['SUP-cartridgeStatus']);
    expect(await serials('{suppliesLow: true, search: "SUP-"}', operatorKey)).toEqual([
      'SUP-cartridgeStatus',
      'SUP-other',
    ]);
    await setThresholds({ printheadHealthMinPercent: 95 });
    // Every printhead at 90 % is now below the minimum (the printer "missing" included: only its
    // cartridge is missing).
    expect(await serials('{suppliesLow: true}')).toEqual([
      'SUP-cartridgeLevel',
      'SUP-cartridgeStatus',
      'SUP-healthy',
      'SUP-missing',
      'SUP-printhead',
    ]);
  });
});
