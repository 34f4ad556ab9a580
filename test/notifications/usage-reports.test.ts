// Scheduled usage reports against a real SMTP server: a monthly report of a customer's period mailed
// with the summary, an inline PNG chart and the readings as CSV (checked as received), sent once per
// period however often the scheduler runs, recorded and re-sent on request, and input checks.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/services/api-keys';
import { sendDueReports } from '../../src/services/usage-reports';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendAndPersist } from '../alerts/support';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

let app: TestApp;
let smtp: TestSmtpServer;
let adminKey: string;
let viewerKey: string;
let customerId: string;
let printer: Awaited<ReturnType<typeof newDirectPrinter>>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://portal.example.test' } });
  const mine = await newReseller(app.services.orm.em, 'Plot Rent');
  adminKey = mine.apiKey;
  const em = app.services.orm.em.fork();
  viewerKey = issueApiKey(em, { resellerId: mine.reseller.id, name: 'viewer', role: 'viewer' }).key;
  await em.flush();
  const customer = await newCustomer(app.services.orm.em, mine.reseller.id, 'Baubüro Nord');
  customerId = customer.id;
  printer = await newDirectPrinter(app.services.orm.em, mine.reseller.id, customer.id);
  for (const [i, sentAt] of ['2026-11-10T09:00:00Z', '2026-11-20T15:00:00Z'].entries()) {
    const report = exampleDirectReport({
      serialNumber: printer.serialNumber,
      reportId: randomUUID(),
      sentAt,
      seed: i,
    });
    report.printers[0]!.collectedAt = sentAt;
    await sendAndPersist(app, printer, report);
  }
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

const CREATE = `mutation($input: CreateReportScheduleInput!) { createReportSchedule(input: $input) { id frequency timeZone locale } }`;

describe('scheduled usage reports', () => {
  it('mails the last month as HTML with a chart and the readings as CSV, once per period', async () => {
    const created = await app.gql<{ createReportSchedule: { id: string } }>(
      CREATE,
      {
        input: {
          customerId,
          frequency: 'MONTHLY',
          emails: ['Controller@example.test'],
          locale: 'de-DE',
          timeZone: 'Europe/Berlin',
        },
      },
      adminKey,
    );
    expect(created.errors).toBeUndefined();
    const scheduleId = created.data!.createReportSchedule.id;

    const now = new Date('2026-12-01T06:00:00Z');
    const { runs } = await sendDueReports(app.services, now);
    expect(runs).toHaveLength(1);
    expect((await sendDueReports(app.services, now)).runs).toEqual([]);

    const [mail] = await smtp.waitFor('controller@example.test');
    const parsed = mail!.parsed;
    expect(parsed.subject).toContain(
      'Monthly usage report Baubüro Nord: 1. November 2026 – 30. November 2026',
    );
    // mailparser resolves the cid: reference to the inline attachment it names.
    expect(parsed.html).toMatch(/<img src="data:image\/png;base64,[^"]+" width="600"/);
    expect(parsed.html).toContain(printer.serialNumber);
    expect(parsed.text).toContain('Per printer:');
    const png = parsed.attachments.find((a) => a.contentType === 'image/png')!;
    expect(png.cid).toBe('usage-chart');
    expect(png.content.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const csv = parsed.attachments.find((a) => a.filename?.endsWith('.csv'))!;
    expect(csv.filename).toBe('usage-2026-11-01-2026-11-30.csv');
    const rows = parse(csv.content.toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.serial_number === printer.serialNumber && r.customer_id === customerId)).toBe(
      true,
    );
    // The jobs of the period in the summary, localised (de-DE groups thousands with ".").
    const [{ jobs }] = await app.services.orm.em
      .fork()
      .execute<{ jobs: number }[]>(`select count(*)::int as jobs from printer_job where printer_id = ?`, [
        printer.printerId,
      ]);
    expect(jobs).toBeGreaterThan(0);
    expect(parsed.text).toMatch(new RegExp(`Jobs:\\s+${jobs}\\b`));

    const listed = await app.gql<{ reportRuns: { id: string; recipients: number; periodStart: string }[] }>(
      `query($id: ID!) { reportRuns(scheduleId: $id) { id recipients periodStart } }`,
      { id: scheduleId },
      adminKey,
    );
    expect(listed.data!.reportRuns).toEqual([
      { id: runs[0], recipients: 1, periodStart: '2026-10-31T23:00:00.000Z' },
    ]);

    const resent = await app.gql<{ resendReportRun: string[] }>(
      `mutation($id: ID!) { resendReportRun(id: $id) }`,
      { id: runs[0] },
      adminKey,
    );
    expect(resent.data!.resendReportRun).toHaveLength(1);
    const mails = await smtp.waitFor('controller@example.test', 2);
    expect(mails[1]!.parsed.subject).toBe(parsed.subject);
    await eventually(async () => {
      const r = await app.gql<{ emailMessages: { status: string }[] }>(
        `{ emailMessages(kind: REPORT) { status } }`,
        {},
        adminKey,
      );
      return r.data!.emailMessages.every((m) => m.status === 'SENT') && r.data!.emailMessages.length === 2;
    });
  });

  it('names bad input and is for admin and billing', async () => {
    const input = { customerId, frequency: 'WEEKLY', emails: ['a@example.test'] };
    expect((await app.gql(CREATE, { input }, viewerKey)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cases: [Record<string, unknown>, string][] = [
      [{ ...input, timeZone: 'Nowhere/City' }, 'timeZone'],
      [{ ...input, customerId: randomUUID() }, 'customerId'],
      [{ ...input, emails: ['x'] }, 'emails[0]'],
      [{ ...input, emails: [] }, 'emails'],
    ];
    for (const [bad, field] of cases) {
      const result = await app.gql(CREATE, { input: bad }, adminKey);
      expect(result.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const resend = await app.gql(`mutation { resendReportRun(id: "nope") }`, {}, adminKey);
    expect(resend.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
