// Offline detection: the sweep raises printer.offline / collector.offline after the threshold (default
// 2 x interval + 30 min, or the customer's override), never twice, skips printers behind a silent
// collector, and the next report resolves the alert.
import { exampleCollectorReport } from '@plotmeter/protocol';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOffline } from '../../src/jobs/offline-sweep.job';
import { startTestApp, type TestApp } from '../support/app';
import { newCollector, newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { alertsOf, healthyReport, sendAndPersist, sql } from './support';

let app: TestApp;
let resellerId: string;

beforeAll(async () => {
  app = await startTestApp({ roles: ['ingest', 'worker'] });
  resellerId = (await newReseller(app.services.orm.em)).reseller.id;
});
afterAll(async () => app?.close());

const minutesAfter = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * 60_000);
const sweep = (now: Date) => sweepOffline(app.services.orm.em.fork(), now);

describe('offline sweep', () => {
  it('raises printer.offline after 2 x 180 + 30 minutes of silence, once, and the next report resolves it', async () => {
    const customer = await newCustomer(app.services.orm.em, resellerId);
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customer.id);
    const subject = `printer:${printer.printerId}`;
    const seenAt = '2026-11-10T08:00:00Z';
    await sendAndPersist(app, printer, healthyReport(printer.serialNumber, seenAt));

    await sweep(minutesAfter(seenAt, 390)); // exactly at the threshold: still online
    expect(await alertsOf(app, subject)).toEqual([]);

    await sweep(minutesAfter(seenAt, 391));
    await sweep(minutesAfter(seenAt, 600));
    const [alert, ...none] = await alertsOf(app, subject);
    expect(none).toEqual([]);
    expect(alert).toMatchObject({
      code: 'printer.offline',
      source: 'system',
      status: 'OPEN',
      occurrences: 1,
    });
    expect(alert!.message).toContain(printer.serialNumber);

    await sendAndPersist(app, printer, healthyReport(printer.serialNumber, '2026-11-10T18:00:00Z'));
    expect(await alertsOf(app, subject)).toMatchObject([{ id: alert!.id, status: 'RESOLVED' }]);
  });

  it("uses the customer's override threshold", async () => {
    const customer = await newCustomer(app.services.orm.em, resellerId, 'Impatient');
    await sql(app, `update customer set offline_threshold_minutes = 60 where id = ?`, [customer.id]);
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customer.id);
    const seenAt = '2026-11-11T08:00:00Z';
    await sendAndPersist(app, printer, healthyReport(printer.serialNumber, seenAt));
    await sweep(minutesAfter(seenAt, 61));
    expect((await alertsOf(app, `printer:${printer.printerId}`)).map((a) => a.code)).toEqual([
      'printer.offline',
    ]);
  });

  it('alerts about a silent collector, not about each printer behind it', async () => {
    const customer = await newCustomer(app.services.orm.em, resellerId, 'LAN');
    const collector = await newCollector(app.services.orm.em, resellerId, customer.id);
    const serials = [`CL${Date.now()}A`, `CL${Date.now()}B`];
    const report = exampleCollectorReport(serials);
    report.reportId = randomUUID();
    await sendAndPersist(app, { keyId: collector.keyId, secret: collector.secret }, report);
    const printers = await sql<{ id: string }>(
      app,
      `select id from printer where serial_number = any(?::text[])`,
      [`{${serials.join(',')}}`],
    );
    expect(printers).toHaveLength(2);

    const result = await sweep(new Date(Date.now() + 24 * 3600_000));
    const collectorAlerts = await alertsOf(app, `collector:${collector.collectorId}`);
    expect(collectorAlerts.map((a) => a.code)).toEqual(['collector.offline']);
    for (const p of printers)
      expect((await alertsOf(app, `printer:${p.id}`)).filter((a) => a.code === 'printer.offline')).toEqual(
        [],
      );
    expect(result.alertIds).toContain(collectorAlerts[0]!.id);

    // The collector's next upload resolves its alert.
    const next = exampleCollectorReport(serials, 1);
    next.reportId = randomUUID();
    await sendAndPersist(app, { keyId: collector.keyId, secret: collector.secret }, next);
    expect((await alertsOf(app, `collector:${collector.collectorId}`))[0]!.status).toBe('RESOLVED');
  });
});
