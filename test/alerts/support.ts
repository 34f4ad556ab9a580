// Helpers shared by the alert tests: healthy reports to change one thing at a time, sending them and
// waiting for the worker, and small SQL probes.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport, type ReportV1 } from '@plotmeter/protocol';
import { eventually, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter } from '../support/factories';
import { sendSigned, type Credential } from '../support/signed';

/** A report in which no rule fires: cartridges full and OEM, printheads healthy, no device alerts. */
export function healthyReport(serialNumber: string, collectedAt: string, seed = 0): ReportV1 {
  const report = exampleDirectReport({ serialNumber, reportId: randomUUID(), sentAt: collectedAt, seed });
  const entry = report.printers[0]!;
  entry.collectedAt = collectedAt;
  entry.status = { engineState: 'idle', message: 'Ready', reasons: [] };
  entry.cartridges = entry.cartridges.map((c) => ({
    ...c,
    status: 'ok',
    levelPercent: 80,
    nonOemInkConsumedMl: 0,
    expiresAt: '2030-01-01T00:00:00Z',
  }));
  entry.printheads = entry.printheads.map((p) => ({
    ...p,
    status: 'ok',
    healthPercent: 90,
    nonOemInkUsed: false,
  }));
  entry.usage.inkByCartridgeType = entry.usage.inkByCartridgeType.map((i) => ({
    ...i,
    oemMl: i.totalMl,
    nonOemMl: 0,
  }));
  entry.alerts = [];
  entry.jobs = [];
  return report;
}

export async function sendAndPersist(
  app: TestApp,
  credential: Credential & { keyId: string },
  report: ReportV1,
): Promise<void> {
  const response = await sendSigned(app.url, credential, '/ingest/v1/reports', report);
  if (response.status !== 202)
    throw new Error(`report refused: ${response.status} ${JSON.stringify(response.body)}`);
  await eventually(
    async () =>
      (
        await sql(
          app,
          `select 1 from raw_report where key_id = ? and report_id = ? and processed_at is not null`,
          [credential.keyId, report.reportId],
        )
      ).length === 1,
  );
}

export async function sql<T = Record<string, unknown>>(
  app: TestApp,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return app.services.orm.em.fork().execute<T[]>(query, params);
}

export interface AlertRow {
  id: string;
  code: string;
  dedupe_key: string;
  severity: string;
  status: string;
  source: string;
  occurrences: number;
  message: string;
  raised_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
}

export async function alertsOf(app: TestApp, subjectKey: string): Promise<AlertRow[]> {
  return sql<AlertRow>(app, `select * from alert where subject_key = ? order by raised_at, id`, [subjectKey]);
}

/** A new printer (of a new customer) whose report raises one alert, a cartridge at 2 %; its id. */
export async function raiseCartridgeAlert(app: TestApp, resellerId: string): Promise<string> {
  const customer = await newCustomer(app.services.orm.em, resellerId);
  const printer = await newDirectPrinter(app.services.orm.em, resellerId, customer.id);
  const report = healthyReport(printer.serialNumber, '2026-11-20T10:00:00Z');
  report.printers[0]!.cartridges[0]!.levelPercent = 2;
  await sendAndPersist(app, printer, report);
  return (await alertsOf(app, `printer:${printer.printerId}`))[0]!.id;
}
