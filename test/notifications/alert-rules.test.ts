// Alert notification rules end to end: device alerts sent to the ingest API, the worker's jobs, and a
// real SMTP server receiving the mails. Covers matching (severity, customer), user and address
// recipients, localised content, grouping of a flapping printer into one digest, escalation of an
// unacknowledged alert (and none for an acknowledged one), quiet hours with a severity override,
// unsubscribing from one rule, and validation naming the field. Delayed jobs (digest at the end of the
// window, escalation after N minutes) are promoted instead of waited for.
import { randomUUID } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/services/api-keys';
import { createUser } from '../../src/services/users';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

let app: TestApp;
let smtp: TestSmtpServer;
let queue: Queue;
let adminKey: string;
let technicianKey: string;
let resellerName: string;
let resellerId: string;
let printer: Awaited<ReturnType<typeof newDirectPrinter>>;
let otherPrinter: Awaited<ReturnType<typeof newDirectPrinter>>;
let techUserId: string;
let ruleId: string;

const PUBLIC_URL = 'https://portal.example.test';

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL } });
  queue = new Queue('notifications', { connection: app.services.redis, prefix: app.config.REDIS_PREFIX });
  const mine = await newReseller(app.services.orm.em, 'Druckhaus');
  resellerId = mine.reseller.id;
  resellerName = mine.reseller.name;
  adminKey = mine.apiKey;
  const em = app.services.orm.em.fork();
  technicianKey = issueApiKey(em, { resellerId, name: 'tech', role: 'technician' }).key;
  await em.flush();
  const tech = await createUser(app.services.orm.em.fork(), {
    resellerId,
    email: 'Tech@Example.test',
    name: 'Tech',
    role: 'technician',
    password: 'correct horse battery staple 42',
  });
  techUserId = tech.id;
  const customer = await newCustomer(app.services.orm.em, resellerId, 'Architekten AG');
  const other = await newCustomer(app.services.orm.em, resellerId, 'Other Ltd');
  printer = await newDirectPrinter(app.services.orm.em, resellerId, customer.id);
  otherPrinter = await newDirectPrinter(app.services.orm.em, resellerId, other.id);

  const created = await app.gql<{ createNotificationRule: { id: string } }>(
    `mutation($input: NotificationRuleInput!) { createNotificationRule(input: $input) { id } }`,
    {
      input: {
        name: 'Jams at Architekten',
        minSeverity: 'ERROR',
        customerIds: [customer.id],
        userIds: [techUserId],
        emails: ['OnCall@example.test'],
        locale: 'de-DE',
        timeZone: 'Europe/Berlin',
        groupWindowMinutes: 15,
        escalateAfterMinutes: 30,
        escalationEmails: ['boss@example.test'],
      },
    },
    adminKey,
  );
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  ruleId = created.data!.createNotificationRule.id;
});
afterAll(async () => {
  await queue?.close();
  await app?.close();
  await smtp?.close();
});

async function sendAlert(
  target: typeof printer,
  code: string,
  severity: string,
  options: { cleared?: boolean; component?: string } = {},
) {
  const batch = {
    schemaVersion: 1,
    alertId: randomUUID(),
    serialNumber: target.serialNumber,
    alerts: [
      {
        code,
        severity,
        message: `${code} on the printer`,
        detectedAt: new Date().toISOString(),
        ...(options.component ? { component: options.component } : {}),
        ...(options.cleared ? { cleared: true } : {}),
      },
    ],
  };
  const response = await sendSigned(app.url, target, '/ingest/v1/alerts', batch);
  expect(response.status).toBe(202);
}

const sql = <T>(query: string, params: unknown[] = []) =>
  app.services.orm.em.fork().execute<T[]>(query, params);

async function heldCount(code: string): Promise<number> {
  const rows = await sql<{ n: number }>(
    `select coalesce(sum(jsonb_array_length(held)), 0)::int as n from alert_notification_group where rule_id = ? and group_key like ?`,
    [ruleId, `%device:${code}:%`],
  );
  return rows[0]!.n;
}

async function delayedJob(name: string, match: (job: Job) => boolean): Promise<Job> {
  return eventually(async () => (await queue.getDelayed()).find((j) => j.name === name && match(j)) ?? null);
}

const mailsTo = (to: string) => smtp.received.filter((m) => m.envelopeTo.includes(to));

describe('alert notification rules', () => {
  it('mails a matching alert at once to the rule’s users and addresses, localised', async () => {
    await sendAlert(printer, 'jam', 'critical');
    const [toTech] = await smtp.waitFor('tech@example.test');
    const [toOnCall] = await smtp.waitFor('oncall@example.test');
    for (const mail of [toTech!, toOnCall!]) {
      expect(mail.parsed.subject).toBe(
        `[${resellerName}] CRITICAL: jam on the printer - HP DesignJet T1700dr PS (${printer.serialNumber})`,
      );
      expect(mail.parsed.text).toContain('Architekten AG');
      // de-DE in Europe/Berlin: German month abbreviation and the zone as MEZ/MESZ.
      expect(mail.parsed.text).toMatch(/Raised:\s+\d{1,2}\. [A-Z][a-zä]+\.? \d{4}, \d{2}:\d{2} MES?Z/);
      expect(mail.parsed.html).toContain('jam on the printer');
      expect(mail.parsed.html).toContain(`the alert notification rule &quot;Jams at Architekten&quot;`);
    }
    const rows = await sql<{ kind: string; alert_id: string }>(
      `select kind, alert_id from email_message where recipient = 'oncall@example.test'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe('ALERT');
  });

  it('groups a flapping printer into one digest per window instead of a mail per flap', async () => {
    const before = mailsTo('oncall@example.test').length;
    const openJams = async () =>
      (
        await sql(`select 1 from alert where printer_id = ? and code = 'jam' and status = 'OPEN'`, [
          printer.printerId,
        ])
      ).length;
    // Each flap in turn (separate batches may be persisted in any order).
    for (let i = 0; i < 3; i++) {
      await sendAlert(printer, 'jam', 'critical', { cleared: true });
      await eventually(async () => (await openJams()) === 0);
      await sendAlert(printer, 'jam', 'critical');
      await eventually(async () => (await openJams()) === 1);
    }
    await eventually(async () => (await heldCount('jam')) === 3);
    expect(mailsTo('oncall@example.test')).toHaveLength(before);
    const flush = await delayedJob('flush-alert-group', () => true);
    await flush.promote();
    const mails = await smtp.waitFor('oncall@example.test', before + 1);
    const digest = mails.at(-1)!.parsed;
    expect(digest.subject).toContain('3 repeats');
    expect((digest.text!.match(/raised again \(CRITICAL\)/g) ?? []).length).toBe(3);
    expect(await heldCount('jam')).toBe(0);
  });

  it('escalates an alert nobody acknowledged, and not one that was', async () => {
    // The newest jam alert is open: its escalation job waits 30 minutes; promoted, it mails the boss.
    const [open] = await sql<{ id: string }>(
      `select id from alert where printer_id = ? and code = 'jam' and status = 'OPEN'`,
      [printer.printerId],
    );
    const escalation = await delayedJob(
      'escalate-alert',
      (j) => (j.data as { alertId: string }).alertId === open!.id,
    );
    await escalation.promote();
    const [mail] = await smtp.waitFor('boss@example.test');
    expect(mail!.parsed.subject).toContain('ESCALATION');
    expect(mail!.parsed.subject).toContain('30 min');

    await sendAlert(printer, 'printhead.failed', 'critical');
    await smtp.waitFor('oncall@example.test', mailsTo('oncall@example.test').length);
    const [ph] = await eventually(async () => {
      const rows = await sql<{ id: string }>(
        `select id from alert where printer_id = ? and code = 'printhead.failed'`,
        [printer.printerId],
      );
      return rows.length ? rows : null;
    });
    const ack = await app.gql(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { status } }`,
      { id: ph!.id },
      technicianKey,
    );
    expect(ack.errors).toBeUndefined();
    const job = await delayedJob('escalate-alert', (j) => (j.data as { alertId: string }).alertId === ph!.id);
    await job.promote();
    await eventually(async () => (await queue.getJobState(job.id!)) === 'completed');
    expect((await queue.getJob(job.id!))!.returnvalue).toEqual({ mailed: 0 });
    expect(mailsTo('boss@example.test')).toHaveLength(1);
  });

  it('does not mail alerts below the rule’s severity or of other customers', async () => {
    await sendAlert(printer, 'media.low', 'warning');
    await sendAlert(otherPrinter, 'jam', 'critical');
    await eventually(async () => (await sql(`select 1 from alert where code = 'media.low'`)).length === 1);
    await eventually(
      async () =>
        (await sql(`select 1 from alert where printer_id = ?`, [otherPrinter.printerId])).length === 1,
    );
    // A later matching alert arrives after them: by then their routing is done.
    await sendAlert(printer, 'door.open', 'error');
    await eventually(async () =>
      mailsTo('oncall@example.test').some((m) => m.parsed.subject?.includes('door.open')),
    );
    expect(smtp.received.some((m) => m.parsed.subject?.includes('media.low'))).toBe(false);
    expect(
      (
        await sql(
          `select 1 from email_message where alert_id in (select id from alert where printer_id = ?)`,
          [otherPrinter.printerId],
        )
      ).length,
    ).toBe(0);
  });

  it('holds alerts in quiet hours unless severe enough to override them', async () => {
    const berlinNow = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    const hhmm = (offsetMinutes: number) => berlinNow.format(new Date(Date.now() + offsetMinutes * 60_000));
    const updated = await app.gql(
      `mutation($id: ID!, $input: NotificationRuleInput!) { updateNotificationRule(id: $id, input: $input) { quietHours { start end overrideMinSeverity } } }`,
      {
        id: ruleId,
        input: { quietHours: { start: hhmm(-60), end: hhmm(60), overrideMinSeverity: 'CRITICAL' } },
      },
      adminKey,
    );
    expect(updated.errors).toBeUndefined();
    await sendAlert(printer, 'belt.worn', 'error');
    await eventually(async () => (await heldCount('belt.worn')) === 1);
    await sendAlert(printer, 'fire', 'critical');
    await eventually(async () =>
      mailsTo('oncall@example.test').some((m) => m.parsed.subject?.includes('fire on the printer')),
    );
    expect(smtp.received.some((m) => m.parsed.subject?.includes('belt.worn'))).toBe(false);
    // The held one waits for the end of the quiet hours (about an hour from now).
    const flush = await delayedJob(
      'flush-alert-group',
      (j) => j.timestamp + (j.opts.delay ?? 0) > Date.now() + 30 * 60_000,
    );
    expect(flush).toBeTruthy();
    await app.gql(
      `mutation($id: ID!) { updateNotificationRule(id: $id, input: { quietHours: null }) { id } }`,
      { id: ruleId },
      adminKey,
    );
  });

  it('stops mailing an address that unsubscribed from the rule, and only from that rule', async () => {
    const last = mailsTo('oncall@example.test').at(-1)!;
    const link = /href="([^"]*unsubscribe[^"]*)"/
      .exec(last.parsed.html as string)![1]!
      .replace(/&amp;/g, '&');
    const response = await fetch(link.replace(PUBLIC_URL, app.url), { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('alert notifications &quot;Jams at Architekten&quot;');
    const techBefore = mailsTo('tech@example.test').length;
    const onCallBefore = mailsTo('oncall@example.test').length;
    await sendAlert(printer, 'cutter.stuck', 'error');
    await smtp.waitFor('tech@example.test', techBefore + 1);
    expect(mailsTo('oncall@example.test')).toHaveLength(onCallBefore);
  });

  it('names the field of bad input and is for admins', async () => {
    const create = (input: Record<string, unknown>, key = adminKey) =>
      app.gql(
        `mutation($input: NotificationRuleInput!) { createNotificationRule(input: $input) { id } }`,
        { input },
        key,
      );
    const base = { name: 'x', minSeverity: 'ERROR', emails: ['a@example.test'] };
    expect((await create(base, technicianKey)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ ...base, locale: 'not a locale!' }, 'locale'],
      [{ ...base, customerIds: [randomUUID()] }, 'customerIds[0]'],
      [{ ...base, emails: ['a@example.test', 'nope'] }, 'emails[1]'],
      [{ ...base, emails: [] }, 'emails'],
      [{ ...base, quietHours: { start: '25:00', end: '07:00' } }, 'quietHours.start'],
      [{ ...base, groupWindowMinutes: -1 }, 'groupWindowMinutes'],
      [{ ...base, escalateAfterMinutes: 10 }, 'escalationEmails'],
    ];
    for (const [input, field] of cases) {
      const result = await create(input);
      expect(result.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const list = await app.gql<{
      notificationRules: { name: string; emails: string[]; userIds: string[] }[];
    }>(`{ notificationRules { name emails userIds } }`, {}, technicianKey);
    expect(list.data!.notificationRules).toEqual([
      { name: 'Jams at Architekten', emails: ['oncall@example.test'], userIds: [techUserId] },
    ]);
  });
});
