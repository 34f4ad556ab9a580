// E-mail end to end against a real SMTP server (smtp-server on a free port, mails parsed with
// mailparser): a test mail as received (headers, text and HTML parts, the unsubscribe link), the
// unsubscribe page and its one-click POST, suppression of later mails, the dead-letter list for a
// refused recipient and sending it again, a temporary refusal left for a retry, and input checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requeueEmailsJob } from '../../src/jobs/requeue-emails.job';
import { issueApiKey } from '../../src/services/api-keys';
import { recordEmails } from '../../src/services/email';
import { renderTestMail } from '../../src/services/notification-mails';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

let app: TestApp;
let smtp: TestSmtpServer;
let adminKey: string;
let technicianKey: string;
let resellerName: string;
let resellerId: string;

const PUBLIC_URL = 'https://portal.example.test';

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startTestApp({
    env: { SMTP_URL: smtp.url, SMTP_FROM: 'Plotmeter Alerts <alerts@plotmeter.test>', PUBLIC_URL },
  });
  const mine = await newReseller(app.services.orm.em, 'Acme & Söhne');
  adminKey = mine.apiKey;
  resellerName = mine.reseller.name;
  resellerId = mine.reseller.id;
  const em = app.services.orm.em.fork();
  technicianKey = issueApiKey(em, { resellerId: mine.reseller.id, name: 'tech', role: 'technician' }).key;
  await em.flush();
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

const SEND_TEST = `mutation($to: String!) { sendTestEmail(to: $to) { id status recipient kind } }`;
const MESSAGES = `query($status: EmailStatus) { emailMessages(status: $status) { id status recipient attempts lastError failedAt sentAt } }`;

async function sendTest(to: string) {
  const result = await app.gql<{ sendTestEmail: { id: string; status: string } }>(
    SEND_TEST,
    { to },
    adminKey,
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.sendTestEmail;
}

async function messageStatus(id: string) {
  const result = await app.gql<{
    emailMessages: { id: string; status: string; attempts: number; lastError: string | null }[];
  }>(MESSAGES, {}, adminKey);
  return result.data!.emailMessages.find((m) => m.id === id)!;
}

/** The link as the server serves it: same path and token, on the test server's address. */
const local = (link: string) => link.replace(PUBLIC_URL, app.url);

describe('e-mail through SMTP', () => {
  it('sends a test mail with both parts, the reseller name and a working unsubscribe link', async () => {
    const queued = await sendTest('Tech.One@Example.test');
    expect(queued).toMatchObject({ status: 'PENDING' });
    const [mail] = await smtp.waitFor('tech.one@example.test');
    const parsed = mail!.parsed;
    expect(parsed.from?.value[0]).toMatchObject({
      address: 'alerts@plotmeter.test',
      name: 'Plotmeter Alerts',
    });
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : null).toBe(
      'tech.one@example.test',
    );
    expect(parsed.subject).toBe(`[${resellerName}] Plotmeter test mail`);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.text).toContain(resellerName);
    expect(parsed.text).toContain('If you can read this, Plotmeter can send you mail.');
    expect(parsed.html).toBeTruthy();
    // Escaped in HTML, as the reseller's name contains "&".
    expect(parsed.html as string).toContain(resellerName.replace('&', '&amp;'));
    const links = [...(parsed.html as string).matchAll(/href="([^"]+)"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, '&'),
    );
    const unsubscribe = links.find((l) => l.startsWith(`${PUBLIC_URL}/notifications/v1/unsubscribe?token=`));
    expect(unsubscribe).toBeTruthy();
    expect(parsed.text).toContain(unsubscribe!);
    // One-click unsubscribe for mail clients (RFC 8058), pointing at the same link.
    expect(mail!.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(parsed.headers.get('list')).toMatchObject({ unsubscribe: { url: unsubscribe } });
    await eventually(async () => (await messageStatus(queued.id)).status === 'SENT');

    // GET shows what would stop and a confirm button; it changes nothing (link scanners fetch links).
    const shown = await fetch(local(unsubscribe!));
    expect(shown.status).toBe(200);
    const page = await shown.text();
    expect(page).toContain('tech.one@example.test');
    expect(page).toContain('<form method="post"');
    const still = await sendTest('tech.one@example.test');
    await smtp.waitFor('tech.one@example.test', 2);
    await eventually(async () => (await messageStatus(still.id)).status === 'SENT');

    // The one-click POST a mail client sends.
    const done = await fetch(local(unsubscribe!), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('will no longer receive all notifications from');
    const suppressions = await app.gql<{ emailSuppressions: { email: string; scope: string }[] }>(
      `{ emailSuppressions { email scope } }`,
      {},
      adminKey,
    );
    expect(suppressions.data!.emailSuppressions).toEqual([{ email: 'tech.one@example.test', scope: 'all' }]);

    const after = await sendTest('tech.one@example.test');
    await eventually(async () => (await messageStatus(after.id)).status === 'SUPPRESSED');
    expect(smtp.received.filter((m) => m.envelopeTo.includes('tech.one@example.test'))).toHaveLength(2);
  });

  it('refuses a tampered link', async () => {
    const [mail] = await smtp.waitFor('tech.one@example.test');
    const link = /href="([^"]*unsubscribe[^"]*)"/
      .exec(mail!.parsed.html as string)![1]!
      .replace(/&amp;/g, '&');
    const tampered = local(link).replace(/token=([^.]+)\./, (_m, body: string) => {
      const claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, string>;
      claim.e = 'someone.else@example.test';
      return `token=${Buffer.from(JSON.stringify(claim)).toString('base64url')}.`;
    });
    const response = await fetch(tampered, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('not valid');
  });

  it('keeps a refused mail on the dead-letter list and sends it again on request', async () => {
    smtp.refuse.set('gone@example.test', { code: 550, times: 1 });
    const queued = await sendTest('gone@example.test');
    const failed = await eventually(async () => {
      const m = await messageStatus(queued.id);
      return m.status === 'FAILED' ? m : null;
    });
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toContain('550');
    const deadLetters = await app.gql<{ emailMessages: { id: string }[] }>(
      MESSAGES,
      { status: 'FAILED' },
      adminKey,
    );
    expect(deadLetters.data!.emailMessages.map((m) => m.id)).toEqual([queued.id]);

    const retried = await app.gql<{ retryEmailMessage: { status: string } }>(
      `mutation($id: ID!) { retryEmailMessage(id: $id) { status } }`,
      { id: queued.id },
      adminKey,
    );
    expect(retried.data?.retryEmailMessage.status).toBe('PENDING');
    await smtp.waitFor('gone@example.test');
    await eventually(async () => (await messageStatus(queued.id)).status === 'SENT');
    const again = await app.gql(
      `mutation($id: ID!) { retryEmailMessage(id: $id) { status } }`,
      { id: queued.id },
      adminKey,
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('leaves a temporarily refused mail pending for a retry with backoff', async () => {
    smtp.refuse.set('busy@example.test', { code: 451 });
    const queued = await sendTest('busy@example.test');
    const pending = await eventually(async () => {
      const m = await messageStatus(queued.id);
      return m.attempts === 1 ? m : null;
    });
    expect(pending.status).toBe('PENDING');
    expect(pending.lastError).toContain('451');
    const job = await app.services.redis
      .keys(`${app.config.REDIS_PREFIX}:mail:m.${queued.id}`)
      .then((keys) => keys.length);
    expect(job).toBe(1);
    const state = await new (await import('bullmq')).Queue('mail', {
      connection: app.services.redis,
      prefix: app.config.REDIS_PREFIX,
    }).getJobState(`m.${queued.id}`);
    expect(state).toBe('delayed');
  });

  it('queues a mail that was recorded but never queued (Redis away at commit)', async () => {
    const [id] = await recordEmails(app.services.orm.em.fork(), [
      renderTestMail(app.services, { resellerId, resellerName, recipient: 'lost@example.test' }),
    ]);
    await app.services.orm.em
      .fork()
      .execute(`update email_message set created_at = now() - interval '11 minutes' where id = ?`, [id]);
    expect(await requeueEmailsJob(null, app.services)).toEqual({ requeued: 1 });
    await smtp.waitFor('lost@example.test');
    await eventually(async () => (await messageStatus(id!)).status === 'SENT');
    expect(await requeueEmailsJob(null, app.services)).toEqual({ requeued: 0 });
  });

  it('is for admins, and a bad address is named', async () => {
    const asTech = await app.gql(SEND_TEST, { to: 'x@example.test' }, technicianKey);
    expect(asTech.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await app.gql(SEND_TEST, { to: 'not an address' }, adminKey);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to[0]' });
  });
});
