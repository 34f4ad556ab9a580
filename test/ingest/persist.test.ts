// From accepted report to rows: the worker persists everything once, resends change nothing, jobs
// shared by two reports are stored once, alerts take the priority queue, collectors enroll and report.
import { randomUUID } from 'node:crypto';
import { exampleCollectorReport, exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectorEnrollment } from '../../src/services/devices';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { settledJobCounts } from '../support/queues';
import { sendSigned } from '../support/signed';

let app: TestApp;
let resellerId: string;
let customerId: string;

beforeAll(async () => {
  app = await startTestApp({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
  const em = app.services.orm.em;
  resellerId = (await newReseller(em)).reseller.id;
  customerId = (await newCustomer(em, resellerId)).id;
});
afterAll(async () => app?.close());

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  app.services.orm.em.fork().execute<T[]>(query, params);
const count = async (query: string, params: unknown[] = []) =>
  Number((await sql<{ n: string }>(query, params))[0]!.n);

async function waitForRawReport(keyId: string, reportId: string) {
  return eventually(
    async () =>
      (await count(`select count(*) as n from raw_report where key_id = ? and report_id = ?`, [
        keyId,
        reportId,
      ])) === 1,
  );
}

describe('persisting a direct-connect report', () => {
  it('stores identity, status, consumables, media, reading, jobs and alerts in one go', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const report = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() });
    const entry = report.printers[0]!;
    expect((await sendSigned(app.url, printer, '/ingest/v1/reports', report)).status).toBe(202);
    await waitForRawReport(printer.keyId, report.reportId);

    const [row] = await sql<{
      firmware_version: string;
      engine_state: string;
      lifetime_ink_ml: number;
      product_name: string;
      last_seen_at: Date;
    }>(
      `select firmware_version, engine_state, lifetime_ink_ml, product_name, last_seen_at from printer where id = ?`,
      [printer.printerId],
    );
    expect(row).toMatchObject({
      firmware_version: entry.device.firmwareVersion,
      engine_state: entry.status.engineState,
      product_name: entry.device.productName,
    });
    expect(row!.lifetime_ink_ml).toBeCloseTo(entry.usage.totalInkMl!, 6);
    expect(new Date(row!.last_seen_at).toISOString()).toBe(new Date(entry.collectedAt).toISOString());
    expect(await count(`select count(*) as n from cartridge where printer_id = ?`, [printer.printerId])).toBe(
      entry.cartridges.length,
    );
    expect(await count(`select count(*) as n from printhead where printer_id = ?`, [printer.printerId])).toBe(
      entry.printheads.length,
    );
    expect(
      await count(`select count(*) as n from media_source where printer_id = ?`, [printer.printerId]),
    ).toBe(entry.mediaSources.length);
    expect(
      await count(`select count(*) as n from printer_media_type where printer_id = ?`, [printer.printerId]),
    ).toBe(entry.supportedMediaTypes!.length);
    expect(
      await count(`select count(*) as n from usage_reading where printer_id = ?`, [printer.printerId]),
    ).toBe(1);
    expect(
      await count(`select count(*) as n from printer_job where printer_id = ?`, [printer.printerId]),
    ).toBe(entry.jobs.length);
    expect(
      await count(
        `select count(*) as n from alert where printer_id = ? and source = 'device' and status = 'OPEN'`,
        [printer.printerId],
      ),
    ).toBe(entry.alerts.filter((a) => !a.cleared).length);

    const jobs = await sql<{ uuid: string; ink_total_ml: number; customer_id: string }>(
      `select uuid, ink_total_ml, customer_id from printer_job where printer_id = ? order by uuid`,
      [printer.printerId],
    );
    const first = entry.jobs.slice().sort((a, b) => a.uuid.localeCompare(b.uuid))[0]!;
    expect(jobs[0]!.uuid).toBe(first.uuid);
    expect(jobs[0]!.ink_total_ml).toBeCloseTo(
      first.inkByColor.reduce((s, c) => s + c.ml, 0),
      9,
    );
    expect(jobs[0]!.customer_id).toBe(customerId);
    const names = await sql<{ names: Record<string, string> }>(
      `select names from media_type where reseller_id = ? and code = ?`,
      [resellerId, entry.supportedMediaTypes![0]!.id],
    );
    expect(names[0]!.names).toEqual(entry.supportedMediaTypes![0]!.names);
  });

  it('stores every field of a job in its own column, as the printer reported it', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const report = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() });
    // Every optional field set, each to a value no other field has: a column mix-up shows.
    const job = {
      uuid: `job-${randomUUID()}`,
      sequenceNumber: 4711,
      kind: 'copy' as const,
      // COPY's text format escapes these: they must arrive as sent.
      name: 'Facade\tNorth\\v2\r\n"final".pdf',
      projectId: 'proj-7',
      applicationId: 'app-autocad',
      userDefined: 'phase 2',
      accountId: 'acct-42',
      userName: 'Ana Lima',
      submittedAt: '2026-11-20T09:00:00.000Z',
      completedAt: '2026-11-20T09:05:30.000Z',
      status: 'completed',
      source: 'usb',
      inkCoverageCategory: 'high',
      printQuality: 'best',
      pages: 3,
      copies: 2,
      durationSeconds: 330.5,
      inkByColor: [
        { color: 'cyan', ml: 1.25 },
        { color: 'black', ml: 0.5 },
      ],
      mediaAreaM2: 2.75,
      printedAreaM2: 2.5,
      mediaLengthM: 3.125,
      mediaType: 'bond-80',
      categories: [
        { category: 'CAD \\ "x"\n', mediaAreaM2: 2.75, printedAreaM2: 2.5, inkMl: 1.75, mediaLengthM: 3.125 },
      ],
      nonWhitePixelCoverage: 41.5,
      colorPixelCoverage: 12.25,
      scannedAreaM2: 0.875,
    };
    report.printers[0]!.jobs = [job];
    expect((await sendSigned(app.url, printer, '/ingest/v1/reports', report)).status).toBe(202);
    await waitForRawReport(printer.keyId, report.reportId);
    const [row] = await sql<Record<string, unknown>>(
      `select j.*, r.id = j.raw_report_id as from_this_report from printer_job j
       join raw_report r on r.key_id = ? and r.report_id = ? where j.printer_id = ?`,
      [printer.keyId, report.reportId, printer.printerId],
    );
    expect(row).toMatchObject({
      printer_id: printer.printerId,
      reseller_id: resellerId,
      customer_id: customerId,
      from_this_report: true,
      uuid: job.uuid,
      sequence_number: '4711',
      kind: 'copy',
      name: job.name,
      project_id: 'proj-7',
      application_id: 'app-autocad',
      user_defined: 'phase 2',
      account_id: 'acct-42',
      user_name: 'Ana Lima',
      status: 'completed',
      source: 'usb',
      ink_coverage_category: 'high',
      print_quality: 'best',
      pages: 3,
      copies: 2,
      duration_seconds: 330.5,
      ink_by_color: job.inkByColor,
      ink_total_ml: 1.75,
      media_area_m2: 2.75,
      printed_area_m2: 2.5,
      media_length_m: 3.125,
      media_type: 'bond-80',
      categories: job.categories,
      non_white_pixel_coverage: 41.5,
      color_pixel_coverage: 12.25,
      scanned_area_m2: 0.875,
    });
    expect(new Date(row!.submitted_at as string).toISOString()).toBe(job.submittedAt);
    expect(new Date(row!.completed_at as string).toISOString()).toBe(job.completedAt);
  });

  it('answers a resent report with duplicate: true and the same receipt, and changes nothing', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const report = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() });
    const first = await sendSigned(app.url, printer, '/ingest/v1/reports', report);
    await waitForRawReport(printer.keyId, report.reportId);
    const snapshot = async () => ({
      jobs: await count(`select count(*) as n from printer_job where printer_id = ?`, [printer.printerId]),
      readings: await count(`select count(*) as n from usage_reading where printer_id = ?`, [
        printer.printerId,
      ]),
      alerts: await sql(`select id, occurrences, last_seen_at from alert where printer_id = ? order by id`, [
        printer.printerId,
      ]),
      raw: await count(`select count(*) as n from raw_report where key_id = ?`, [printer.keyId]),
    });
    const reportJobs = () => settledJobCounts(app.services.redis, app.config.REDIS_PREFIX, 'reports');
    const queued = await reportJobs();
    const before = await snapshot();
    const second = await sendSigned(app.url, printer, '/ingest/v1/reports', report);
    expect(second.status).toBe(202);
    expect(second.body).toEqual({ receiptId: first.body.receiptId, duplicate: true });
    // The resend queued no job (one would be there by the time of the answer), so nothing can change.
    expect(await reportJobs()).toEqual(queued);
    expect(await snapshot()).toEqual(before);
  });

  it('stores a job carried by two different reports once', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const a = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() });
    const b = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID(), seed: 1 });
    b.printers[0]!.jobs = [...a.printers[0]!.jobs, { ...a.printers[0]!.jobs[0]!, uuid: 'a-brand-new-job' }];
    await sendSigned(app.url, printer, '/ingest/v1/reports', a);
    await sendSigned(app.url, printer, '/ingest/v1/reports', b);
    await waitForRawReport(printer.keyId, b.reportId);
    await waitForRawReport(printer.keyId, a.reportId);
    expect(
      await count(`select count(*) as n from printer_job where printer_id = ?`, [printer.printerId]),
    ).toBe(a.printers[0]!.jobs.length + 1);
    expect(
      await count(`select count(*) as n from usage_reading where printer_id = ?`, [printer.printerId]),
    ).toBe(2);
  });

  it('never lets an older report overwrite newer status', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const newer = exampleDirectReport({
      serialNumber: printer.serialNumber,
      reportId: randomUUID(),
      sentAt: '2026-11-20T10:00:00Z',
    });
    newer.printers[0]!.device.firmwareVersion = 'NEW_FW';
    const older = exampleDirectReport({
      serialNumber: printer.serialNumber,
      reportId: randomUUID(),
      sentAt: '2026-11-19T10:00:00Z',
    });
    older.printers[0]!.device.firmwareVersion = 'OLD_FW';
    await sendSigned(app.url, printer, '/ingest/v1/reports', newer);
    await waitForRawReport(printer.keyId, newer.reportId);
    await sendSigned(app.url, printer, '/ingest/v1/reports', older);
    await waitForRawReport(printer.keyId, older.reportId);
    const [row] = await sql<{ firmware_version: string }>(
      `select firmware_version from printer where id = ?`,
      [printer.printerId],
    );
    expect(row!.firmware_version).toBe('NEW_FW');
  });

  it('marks a component taken out when a newer report no longer lists it, and back when it returns', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const at = (hour: number) => `2026-11-20T${String(hour).padStart(2, '0')}:00:00Z`;
    const send = async (hour: number, keepCartridges: number, level: number) => {
      const report = exampleDirectReport({
        serialNumber: printer.serialNumber,
        reportId: randomUUID(),
        sentAt: at(hour),
      });
      const entry = report.printers[0]!;
      entry.collectedAt = at(hour);
      entry.cartridges = entry.cartridges
        .slice(0, keepCartridges)
        .map((c) => ({ ...c, levelPercent: level }));
      expect((await sendSigned(app.url, printer, '/ingest/v1/reports', report)).status).toBe(202);
      await waitForRawReport(printer.keyId, report.reportId);
      return entry.cartridges.map((c) => c.serialNumber);
    };
    const cartridges = () =>
      sql<{ serial_number: string; removed_at: string | null; level_percent: number; last_seen_at: string }>(
        `select serial_number, removed_at, level_percent, last_seen_at from cartridge where printer_id = ? order by serial_number`,
        [printer.printerId],
      );

    const all = await send(10, 99, 50);
    expect(all.length).toBeGreaterThan(1);
    const kept = await send(11, 1, 40);
    let rows = await cartridges();
    expect(rows).toHaveLength(all.length);
    for (const row of rows) {
      if (kept.includes(row.serial_number)) {
        expect(row.removed_at).toBeNull();
        expect(row.level_percent).toBe(40);
      } else {
        expect(new Date(row.removed_at!).toISOString()).toBe(new Date(at(11)).toISOString());
        expect(row.level_percent).toBe(50); // its last reading stays
      }
    }
    // An older report (a late upload) changes nothing; a newer one that lists them all brings them back.
    await send(9, 99, 10);
    expect(await cartridges()).toEqual(rows);
    await send(12, 99, 30);
    rows = await cartridges();
    expect(rows.map((r) => [r.removed_at, r.level_percent])).toEqual(all.map(() => [null, 30]));
  });
});

describe('alerts', () => {
  it('persists an immediate alert batch and repeats raise occurrences, not a second alert', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const batch = (detectedAt: string, cleared = false) => ({
      schemaVersion: 1,
      alertId: randomUUID(),
      serialNumber: printer.serialNumber,
      alerts: [
        {
          code: 'mediaJam',
          severity: 'critical',
          message: 'Paper jam in roll 1',
          component: 'roll1',
          detectedAt,
          cleared,
        },
      ],
    });
    const first = await sendSigned(app.url, printer, '/ingest/v1/alerts', batch('2026-11-26T08:00:00Z'));
    expect(first.status).toBe(202);
    await sendSigned(app.url, printer, '/ingest/v1/alerts', batch('2026-11-26T08:05:00Z'));
    const alert = await eventually(async () => {
      const rows = await sql<{ occurrences: number; status: string; severity: string }>(
        `select occurrences, status, severity from alert where printer_id = ?`,
        [printer.printerId],
      );
      return rows.length === 1 && rows[0]!.occurrences === 2 ? rows[0] : null;
    });
    expect(alert).toMatchObject({ status: 'OPEN', severity: 'critical' });
    await sendSigned(app.url, printer, '/ingest/v1/alerts', batch('2026-11-26T08:10:00Z', true));
    await eventually(
      async () =>
        (
          await sql<{ status: string }>(`select status from alert where printer_id = ?`, [printer.printerId])
        )[0]?.status === 'RESOLVED',
    );
  });

  it('raises an identity-mismatch alert when a credential reports another serial', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const response = await sendSigned(
      app.url,
      printer,
      '/ingest/v1/reports',
      exampleDirectReport({ serialNumber: 'IMPOSTOR01', reportId: randomUUID() }),
    );
    expect(response.status).toBe(403);
    const alert = await eventually(
      async () =>
        (
          await sql<{ code: string; severity: string }>(
            `select code, severity from alert where printer_id = ?`,
            [printer.printerId],
          )
        )[0],
    );
    expect(alert).toEqual({ code: 'identity.mismatch', severity: 'critical' });
  });

  it('rejects an alert batch that names another serial', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const response = await sendSigned(app.url, printer, '/ingest/v1/alerts', {
      schemaVersion: 1,
      alertId: randomUUID(),
      serialNumber: 'NOTME',
      alerts: [{ code: 'x', severity: 'error', message: 'm', detectedAt: '2026-11-26T08:00:00Z' }],
    });
    expect(response.status).toBe(403);
    expect(response.body.errors?.[0]?.path).toBe('serialNumber');
  });
});

describe('collectors', () => {
  it('enroll once with a token, read configuration, report printers attached to their customer (supported models only)', async () => {
    const { token } = await createCollectorEnrollment(
      app.services.orm.em.fork(),
      'test',
      resellerId,
      customerId,
    );
    const enroll = await fetch(`${app.url}/ingest/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, hostname: 'pc-01', version: '1.2.3' }),
    });
    expect(enroll.status).toBe(200);
    const enrolled = (await enroll.json()) as {
      collectorId: string;
      keyId: string;
      secret: string;
      config: { pollIntervalMinutes: number };
    };
    expect(enrolled.config.pollIntervalMinutes).toBe(180);

    const again = await fetch(`${app.url}/ingest/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, hostname: 'pc-02', version: '1.2.3' }),
    });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { detail: string }).detail).toContain('already used');

    const config = await sendSigned(app.url, enrolled, '/ingest/v1/config', null, { method: 'GET' });
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({
      pollIntervalMinutes: 180,
      supportedModels: ['DesignJet', 'PageWide XL'],
    });

    const serials = ['COLLSER001', 'COLLSER002', 'OFFICEJET1'];
    const report = { ...exampleCollectorReport(serials), reportId: randomUUID() } as Record<string, unknown> &
      ReturnType<typeof exampleCollectorReport>;
    report.printers[2]!.device.productName = 'HP OfficeJet Pro 9020';
    report.collector = {
      version: '1.2.3',
      hostname: 'pc-01',
      addressesScanned: 1024,
      printersFound: 3,
      errors: [],
    };
    expect((await sendSigned(app.url, enrolled, '/ingest/v1/reports', report)).status).toBe(202);
    await waitForRawReport(enrolled.keyId, report.reportId);
    const printers = await sql<{
      serial_number: string;
      customer_id: string;
      collector_id: string;
      connection_type: string;
    }>(
      `select serial_number, customer_id, collector_id, connection_type from printer where reseller_id = ? and serial_number like 'COLLSER%' or serial_number = 'OFFICEJET1' order by 1`,
      [resellerId],
    );
    expect(printers).toEqual([
      {
        serial_number: 'COLLSER001',
        customer_id: customerId,
        collector_id: enrolled.collectorId,
        connection_type: 'collector',
      },
      {
        serial_number: 'COLLSER002',
        customer_id: customerId,
        collector_id: enrolled.collectorId,
        connection_type: 'collector',
      },
    ]);
    const [collector] = await sql<{ health: { addressesScanned: number }; last_report_at: Date | null }>(
      `select health, last_report_at from collector where id = ?`,
      [enrolled.collectorId],
    );
    expect(collector!.health.addressesScanned).toBe(1024);
    expect(collector!.last_report_at).not.toBeNull();
  });

  it('refuses an expired enrollment token with the reason', async () => {
    const { token } = await createCollectorEnrollment(
      app.services.orm.em.fork(),
      'test',
      resellerId,
      customerId,
      new Date(Date.now() - 8 * 24 * 3600_000),
    );
    const response = await fetch(`${app.url}/ingest/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, hostname: 'pc', version: '1' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toContain('expired');
  });

  it('validates the enrollment body', async () => {
    const response = await fetch(`${app.url}/ingest/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hostname: 'pc' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ path: string }> };
    expect(body.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['token', 'version']));
  });
});
