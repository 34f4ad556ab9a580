// E-mail as the rest of Plotmeter uses it: record a rendered mail (email_message) and queue the
// send-email job that sends it, plus the signed unsubscribe links every mail carries and the
// suppressions they create. Recording happens in the caller's transaction where there is one; queuing
// after commit, so a mail of a change that rolled back is never sent. Sending is the job's business
// (src/jobs/send-email.job.ts): nothing here waits for a mail server.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Queue, type JobsOptions } from 'bullmq';
import type { EmailKind, StoredAttachment } from '../entities/email-message.entity';
import { uuidv7 } from '../lib/ids';
import type { AppServices } from './app-services';
import { DomainError } from '../errors/domain-error';

export const MAIL_QUEUE = 'mail';
export const SEND_EMAIL_JOB = 'send-email';
export const UNSUBSCRIBE_PATH = '/notifications/v1/unsubscribe';

/** 8 attempts, 30 s doubling (30 s ... 64 min, about 2 h in all), as webhook deliveries. */
export const EMAIL_ATTEMPTS = 8;
export const EMAIL_BACKOFF_MS = 30_000;

export interface SendEmailJobData {
  resellerId: string;
  messageId: string;
}

export interface NewEmail {
  resellerId: string;
  kind: EmailKind;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  attachments?: StoredAttachment[];
  unsubscribeScope?: string | null;
  alertId?: string | null;
}

// ---- Addresses ----

// Deliberately plain: one @, no spaces or angle brackets, a dot in the domain (or localhost for tests
// and LAN relays). The mail server has the last word; this catches typing errors early.
const ADDRESS = /^[^\s@<>(),;:"]+@([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+$/;
export const MAX_ADDRESS_LENGTH = 254;

/** Lower-cased, trimmed addresses; throws a BAD_USER_INPUT naming `field` on the first bad one. */
export function normaliseAddresses(addresses: readonly string[], field: string): string[] {
  const out: string[] = [];
  for (const [index, raw] of addresses.entries()) {
    const address = raw.trim().toLowerCase();
    if (address.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(address))
      throw new DomainError(
        'BAD_USER_INPUT',
        `${field}[${index}]: "${raw}" is not an e-mail address`,
        `${field}[${index}]`,
      );
    if (!out.includes(address)) out.push(address);
  }
  return out;
}

// ---- Recording and queuing ----

const queues = new WeakMap<AppServices, Queue>();

/** The mail queue on the process's command connection (one Queue object per process). */
export function mailQueue(services: AppServices): Queue {
  let queue = queues.get(services);
  if (!queue) {
    queue = new Queue(MAIL_QUEUE, { connection: services.redis, prefix: services.config.REDIS_PREFIX });
    queues.set(services, queue);
  }
  return queue;
}

export function sendEmailJobOptions(jobId: string): JobsOptions {
  return {
    jobId,
    attempts: EMAIL_ATTEMPTS,
    backoff: { type: 'exponential', delay: EMAIL_BACKOFF_MS },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** BullMQ job ids may not contain ":"; the first send of a mail uses its id, a manual retry a suffix. */
export const emailJobId = (messageId: string, retry = 0) =>
  retry ? `m.${messageId}.${retry}` : `m.${messageId}`;

/** Inserts the mails as PENDING (in `em`'s transaction, if any). Returns their ids; queue them after commit. */
export async function recordEmails(em: EntityManager, mails: readonly NewEmail[]): Promise<string[]> {
  if (mails.length === 0) return [];
  const rows = mails.map((m) => ({
    id: uuidv7(),
    reseller_id: m.resellerId,
    kind: m.kind,
    recipient: m.recipient,
    subject: m.subject,
    text_body: m.text,
    html_body: m.html,
    attachments: m.attachments ?? [],
    unsubscribe_scope: m.unsubscribeScope ?? null,
    alert_id: m.alertId ?? null,
  }));
  await em.execute(
    `insert into email_message (id, reseller_id, kind, recipient, subject, text_body, html_body, attachments, unsubscribe_scope, alert_id, status, attempts, created_at)
     select x.id, x.reseller_id, x.kind, x.recipient, x.subject, x.text_body, x.html_body, x.attachments, x.unsubscribe_scope, x.alert_id, 'PENDING', 0, now()
     from jsonb_to_recordset(?::jsonb) as x(id uuid, reseller_id uuid, kind text, recipient text, subject text, text_body text, html_body text, attachments jsonb, unsubscribe_scope text, alert_id uuid)`,
    [JSON.stringify(rows)],
  );
  return rows.map((r) => r.id);
}

/** Queues recorded mails for sending (idempotent: the job id is the mail's). */
export async function queueEmails(
  services: AppServices,
  resellerId: string,
  messageIds: readonly string[],
  retry = 0,
): Promise<void> {
  if (messageIds.length === 0) return;
  await mailQueue(services).addBulk(
    messageIds.map((messageId) => ({
      name: SEND_EMAIL_JOB,
      data: { resellerId, messageId } satisfies SendEmailJobData,
      opts: sendEmailJobOptions(emailJobId(messageId, retry)),
    })),
  );
}

/** Records and queues at once, for callers without a transaction of their own (jobs). */
export async function sendEmails(services: AppServices, mails: readonly NewEmail[]): Promise<string[]> {
  const ids = await recordEmails(services.orm.em.fork(), mails);
  const byReseller = new Map<string, string[]>();
  mails.forEach((m, i) => byReseller.set(m.resellerId, [...(byReseller.get(m.resellerId) ?? []), ids[i]!]));
  for (const [resellerId, messageIds] of byReseller) await queueEmails(services, resellerId, messageIds);
  return ids;
}

// ---- Unsubscribing ----

export interface UnsubscribeClaim {
  /** reseller */
  r: string;
  /** address, lower-cased */
  e: string;
  /** scope: "all", "rule:<id>", "report:<id>" */
  s: string;
}

const signingKeys = new WeakMap<object, Buffer>();

/**
 * The key unsubscribe links are signed with: derived from PLOTMETER_SECRET_KEY for this purpose only, so
 * a link can never pass for an access token or the other way round. Links do not expire: a mail read a
 * year later must still be able to stop the next one.
 */
function unsubscribeKey(services: Pick<AppServices, 'config'>): Buffer {
  let key = signingKeys.get(services.config);
  if (!key) {
    key = Buffer.from(
      hkdfSync(
        'sha256',
        Buffer.from(services.config.PLOTMETER_SECRET_KEY ?? '', 'utf8'),
        Buffer.alloc(0),
        'plotmeter/email-unsubscribe',
        32,
      ),
    );
    signingKeys.set(services.config, key);
  }
  return key;
}

export function unsubscribeToken(services: Pick<AppServices, 'config'>, claim: UnsubscribeClaim): string {
  const body = Buffer.from(JSON.stringify(claim), 'utf8').toString('base64url');
  const mac = createHmac('sha256', unsubscribeKey(services)).update(body).digest('base64url');
  return `${body}.${mac}`;
}

export function verifyUnsubscribeToken(
  services: Pick<AppServices, 'config'>,
  token: string,
): UnsubscribeClaim | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', unsubscribeKey(services)).update(body).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as UnsubscribeClaim;
    if (typeof claim.r !== 'string' || typeof claim.e !== 'string' || typeof claim.s !== 'string')
      return null;
    return claim;
  } catch {
    return null;
  }
}

export function unsubscribeUrl(services: Pick<AppServices, 'config'>, claim: UnsubscribeClaim): string {
  return `${services.config.publicUrl}${UNSUBSCRIBE_PATH}?token=${unsubscribeToken(services, claim)}`;
}

/** Records the suppression (idempotent). */
export async function suppressAddress(em: EntityManager, claim: UnsubscribeClaim): Promise<void> {
  await em.execute(
    `insert into email_suppression (id, reseller_id, email, scope, created_at) values (?, ?, ?, ?, now())
     on conflict (reseller_id, email, scope) do nothing`,
    [uuidv7(), claim.r, claim.e.toLowerCase(), claim.s],
  );
}

/** Of `addresses`, those that unsubscribed from `scope` or from everything. */
export async function suppressedAddresses(
  em: EntityManager,
  resellerId: string,
  addresses: readonly string[],
  scope: string | null,
): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await em.execute<{ email: string }[]>(
    `select distinct email from email_suppression where reseller_id = ? and email in (select jsonb_array_elements_text(?::jsonb))
       and scope in (select jsonb_array_elements_text(?::jsonb))`,
    [
      resellerId,
      JSON.stringify(addresses.map((a) => a.toLowerCase())),
      JSON.stringify(scope ? ['all', scope] : ['all']),
    ],
  );
  return new Set(rows.map((r) => r.email));
}
