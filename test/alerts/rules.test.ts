// Rule alerts from reports, through the real worker: raised once per (printer, dedupe key), repeats
// never make a second alert, a condition that stops holding resolves it, history is kept, per-reseller
// thresholds apply, counters that go backwards raise for review, late reports change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { alertsOf, healthyReport, sendAndPersist, sql } from './support';

let app: TestApp;
let resellerId: string;
let customerId: string;

beforeAll(async () => {
  app = await startTestApp({ roles: ['ingest', 'worker'] });
  resellerId = (await newReseller(app.services.orm.em)).reseller.id;
  customerId = (await newCustomer(app.services.orm.em, resellerId)).id;
});
afterAll(async () => app?.close());

const newPrinter = () => newDirectPrinter(app.services.orm.em, resellerId, customerId);

/** A printer of a reseller of its own whose settings hold these alert thresholds (valid or not). */
async function printerWithThresholds(name: string, alertThresholds: Record<string, unknown>) {
  const { reseller } = await newReseller(app.services.orm.em, name);
  await sql(app, `update reseller set settings = ?::jsonb where id = ?`, [
    JSON.stringify({ alertThresholds }),
    reseller.id,
  ]);
  const customer = await newCustomer(app.services.orm.em, reseller.id);
  return newDirectPrinter(app.services.orm.em, reseller.id, customer.id);
}

describe('rule alerts from reports', () => {
  it('raises cartridge.low once, keeps it open on repeats, and resolves it when the cartridge is replaced', async () => {
    const printer = await newPrinter();
    const subject = `printer:${printer.printerId}`;
    await sendAndPersist(app, printer, healthyReport(printer.serialNumber, '2026-11-01T10:00:00Z'));
    expect(await alertsOf(app, subject)).toEqual([]);

    const low = healthyReport(printer.serialNumber, '2026-11-01T13:00:00Z');
    const magenta = low.printers[0]!.cartridges[1]!;
    magenta.levelPercent = 7;
    await sendAndPersist(app, printer, low);
    const [raised] = await alertsOf(app, subject);
    expect(raised).toMatchObject({
      code: 'cartridge.low',
      source: 'rule',
      status: 'OPEN',
      occurrences: 1,
      severity: 'warning',
    });
    expect(raised!.dedupe_key).toBe(
      `cartridge.low@cartridge/${magenta.color.toLowerCase()}/${magenta.serialNumber}`,
    );
    expect(raised!.message).toContain('7%');

    const lower = healthyReport(printer.serialNumber, '2026-11-01T16:00:00Z');
    lower.printers[0]!.cartridges[1]!.levelPercent = 4;
    await sendAndPersist(app, printer, lower);
    const afterRepeat = await alertsOf(app, subject);
    expect(afterRepeat).toHaveLength(1);
    expect(afterRepeat[0]).toMatchObject({ id: raised!.id, status: 'OPEN', occurrences: 1 });
    expect(afterRepeat[0]!.message).toContain('4%');
    expect(new Date(afterRepeat[0]!.last_seen_at).toISOString()).toBe('2026-11-01T16:00:00.000Z');

    // A new cartridge (new serial) in the slot: the old one's alert resolves; the row stays as history.
    const replaced = healthyReport(printer.serialNumber, '2026-11-01T19:00:00Z');
    replaced.printers[0]!.cartridges[1]!.serialNumber = 'NEWCART0001';
    await sendAndPersist(app, printer, replaced);
    const history = await alertsOf(app, subject);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ id: raised!.id, status: 'RESOLVED' });
    expect(new Date(history[0]!.resolved_at!).toISOString()).toBe('2026-11-01T19:00:00.000Z');
  });

  it('applies the reseller threshold from reseller.settings.alertThresholds', async () => {
    const strict = await printerWithThresholds('Strict', { cartridgeLowPercent: 50 });
    const lenient = await newPrinter();
    for (const printer of [strict, lenient]) {
      const report = healthyReport(printer.serialNumber, '2026-11-02T10:00:00Z');
      report.printers[0]!.cartridges[0]!.levelPercent = 40;
      await sendAndPersist(app, printer, report);
    }
    expect((await alertsOf(app, `printer:${strict.printerId}`)).map((a) => a.code)).toEqual([
      'cartridge.low',
    ]);
    expect(await alertsOf(app, `printer:${lenient.printerId}`)).toEqual([]);
  });

  it('falls back to the default thresholds when the stored ones are invalid, and still stores the report', async () => {
    const printer = await printerWithThresholds('Broken', { cartridgeLowPercent: 400 });
    const report = healthyReport(printer.serialNumber, '2026-11-02T10:00:00Z');
    report.printers[0]!.cartridges[0]!.levelPercent = 9; // low by the default 10 %, not by a broken 400 %
    report.printers[0]!.cartridges[1]!.levelPercent = 60;
    await sendAndPersist(app, printer, report);
    expect((await alertsOf(app, `printer:${printer.printerId}`)).map((a) => a.code)).toEqual([
      'cartridge.low',
    ]);
  });

  it('raises counter.backwards when a lifetime counter drops, once, and never resolves it on its own', async () => {
    const printer = await newPrinter();
    const subject = `printer:${printer.printerId}`;
    await sendAndPersist(app, printer, healthyReport(printer.serialNumber, '2026-11-03T10:00:00Z'));
    const rolledBack = healthyReport(printer.serialNumber, '2026-11-03T13:00:00Z');
    rolledBack.printers[0]!.usage.totalMediaAreaM2 = rolledBack.printers[0]!.usage.totalMediaAreaM2! * 0.9;
    await sendAndPersist(app, printer, rolledBack);
    const [alert] = await alertsOf(app, subject);
    expect(alert).toMatchObject({ code: 'counter.backwards', severity: 'critical', status: 'OPEN' });
    expect(alert!.message).toContain('totalMediaAreaM2');

    // Growth afterwards does not resolve it: a person must review it before billing.
    const grown = healthyReport(printer.serialNumber, '2026-11-03T16:00:00Z', 5);
    await sendAndPersist(app, printer, grown);
    expect(await alertsOf(app, subject)).toMatchObject([{ id: alert!.id, status: 'OPEN' }]);
  });

  it('raises non-OEM ink on first sight only and engine errors while they last', async () => {
    const printer = await newPrinter();
    const subject = `printer:${printer.printerId}`;
    const first = healthyReport(printer.serialNumber, '2026-11-04T10:00:00Z');
    first.printers[0]!.cartridges[4]!.nonOemInkConsumedMl = 12;
    first.printers[0]!.status = { engineState: 'error', message: 'Service required 86:01' };
    await sendAndPersist(app, printer, first);
    expect((await alertsOf(app, subject)).map((a) => [a.code, a.status]).sort()).toEqual([
      ['engine.error', 'OPEN'],
      ['ink.non_oem_detected', 'OPEN'],
    ]);

    const second = healthyReport(printer.serialNumber, '2026-11-04T13:00:00Z');
    second.printers[0]!.cartridges[4]!.nonOemInkConsumedMl = 20;
    await sendAndPersist(app, printer, second);
    const after = await alertsOf(app, subject);
    expect(after.find((a) => a.code === 'engine.error')!.status).toBe('RESOLVED');
    expect(after.find((a) => a.code === 'ink.non_oem_detected')).toMatchObject({
      status: 'OPEN',
      occurrences: 1,
    });
    expect(after).toHaveLength(2);
  });

  it('does not let a late (older) report resolve or raise anything', async () => {
    const printer = await newPrinter();
    const subject = `printer:${printer.printerId}`;
    const current = healthyReport(printer.serialNumber, '2026-11-05T13:00:00Z');
    current.printers[0]!.cartridges[0]!.levelPercent = 3;
    await sendAndPersist(app, printer, current);
    const late = healthyReport(printer.serialNumber, '2026-11-05T10:00:00Z');
    late.printers[0]!.printheads[0]!.status = 'failed';
    await sendAndPersist(app, printer, late);
    expect((await alertsOf(app, subject)).map((a) => [a.code, a.status])).toEqual([
      ['cartridge.low', 'OPEN'],
    ]);
  });

  it('resolves a device alert on cleared: true (history kept)', async () => {
    const printer = await newPrinter();
    const report = healthyReport(printer.serialNumber, '2026-11-06T10:00:00Z');
    report.printers[0]!.alerts = [
      {
        code: 'coverOpen',
        severity: 'warning',
        message: 'Window open',
        detectedAt: '2026-11-06T09:59:00Z',
        cleared: false,
      },
    ];
    await sendAndPersist(app, printer, report);
    const cleared = healthyReport(printer.serialNumber, '2026-11-06T11:00:00Z');
    cleared.printers[0]!.alerts = [
      {
        code: 'coverOpen',
        severity: 'warning',
        message: 'Window closed',
        detectedAt: '2026-11-06T10:30:00Z',
        cleared: true,
      },
    ];
    await sendAndPersist(app, printer, cleared);
    await eventually(
      async () => (await alertsOf(app, `printer:${printer.printerId}`))[0]?.status === 'RESOLVED',
    );
  });
});
