// Erasure of a person's names from the job logs (docs/reliability.md, "Data lifecycle"): a customer asks
// that a user name or a host name no longer be kept. Every stored copy of the name in the tenant's data
// becomes one pseudonym, "erased-" and 10 random hex digits, new for each erasure:
//   - printer_job.user_name and printer_job.user_defined whose value is one of the names;
//   - collector.hostname and the host name in collector.health (a collector PC named after its user);
//   - the archived reports (raw_report): jobs[].userName / userDefined, source.hostname and the
//     collector health's hostname, rewritten in the archived bytes (re-compressed as they came), so a
//     replay after a fix stores the pseudonym and never the name again.
// Nothing numeric changes, so statements, totals and exports stay exactly as they were; chargeback by
// user shows the person's jobs as one row under the pseudonym. The pseudonym is random, not derived
// from the name, so it cannot be reversed by guessing names; and the audit record says what was done
// (pseudonym, counts, scope) without the names.
//
// Names match whole values, case-insensitively ("J.Doe" erases "j.doe", not "j.doe2" or
// "DOMAIN\j.doe": pass each spelling). Runs in the caller's transaction, which must be the tenant's
// (plotmeter_app for `resellerId`, src/db/tenant.ts): row-level security then confines every statement
// to that reseller's rows whatever the SQL says.
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../entities/audit-event.entity';
import { Reseller } from '../entities/reseller.entity';
import { DomainError } from '../errors/domain-error';
import { pgTextArray } from '../lib/pg-arrays';

export const MAX_NAMES_PER_ERASURE = 20;
const MAX_NAME_LENGTH = 255;
/** Archived reports read per round trip while looking for the names. */
const RAW_REPORT_PAGE = 200;

export interface ErasureRequest {
  resellerId: string;
  /** User names or host names, each matched as a whole value, case-insensitively. */
  names: string[];
  /** Only this customer's jobs, collectors and reports; null: the whole reseller. */
  customerId: string | null;
  /** Who asked (audit): "user:<id>", "apikey:<id>", "system:cli". */
  actor: string;
  ip?: string | null;
}

export interface ErasureResult {
  pseudonym: string;
  /** Jobs whose user name or user-defined field was replaced. */
  jobs: number;
  collectors: number;
  rawReports: number;
}

/** Trimmed names, lower-cased for matching; BAD_USER_INPUT naming the offending entry. */
export function normalizeNames(names: readonly string[]): string[] {
  if (names.length === 0) throw new DomainError('BAD_USER_INPUT', 'give at least one name', 'names');
  if (names.length > MAX_NAMES_PER_ERASURE)
    throw new DomainError('BAD_USER_INPUT', `at most ${MAX_NAMES_PER_ERASURE} names at a time`, 'names');
  return names.map((raw, i) => {
    const name = raw.trim();
    if (name.length === 0 || name.length > MAX_NAME_LENGTH)
      throw new DomainError('BAD_USER_INPUT', `must be 1-${MAX_NAME_LENGTH} characters`, `names[${i}]`);
    return name.toLowerCase();
  });
}

export async function erasePersonalNames(tx: EntityManager, request: ErasureRequest): Promise<ErasureResult> {
  const names = normalizeNames(request.names);
  const { resellerId, customerId } = request;
  if (customerId) {
    const [found] = await tx.execute<{ id: string }[]>(
      `select id from customer where id = ? and reseller_id = ?`,
      [customerId, resellerId],
    );
    if (!found) throw new DomainError('NOT_FOUND', 'customer not found', 'customerId');
  }
  const pseudonym = `erased-${randomBytes(5).toString('hex')}`;
  const list = pgTextArray(names);
  const scope = customerId ? `and customer_id = ?` : '';
  const scopeParams = customerId ? [customerId] : [];

  const [jobs] = await tx.execute<{ n: string }[]>(
    `with changed as (
       update printer_job set
         user_name = case when lower(user_name) = any(?::text[]) then ? else user_name end,
         user_defined = case when lower(user_defined) = any(?::text[]) then ? else user_defined end
       where reseller_id = ? ${scope} and (lower(user_name) = any(?::text[]) or lower(user_defined) = any(?::text[]))
       returning 1)
     select count(*)::text as n from changed`,
    [list, pseudonym, list, pseudonym, resellerId, ...scopeParams, list, list],
  );
  const collectorRows = await tx.execute<{ id: string }[]>(
    `update collector set
       hostname = case when lower(hostname) = any(?::text[]) then ? else hostname end,
       health = case when lower(health->>'hostname') = any(?::text[]) then jsonb_set(health, '{hostname}', to_jsonb(?::text)) else health end
     where reseller_id = ? ${scope} and (lower(hostname) = any(?::text[]) or lower(health->>'hostname') = any(?::text[]))
     returning id`,
    [list, pseudonym, list, pseudonym, resellerId, ...scopeParams, list, list],
  );
  const rawReports = await eraseInArchivedReports(tx, request, names, pseudonym);
  const result: ErasureResult = {
    pseudonym,
    jobs: Number(jobs?.n ?? 0),
    collectors: collectorRows.length,
    rawReports,
  };
  tx.create(AuditEvent, {
    reseller: tx.getReference(Reseller, resellerId),
    actor: request.actor,
    action: 'person.erase',
    targetType: customerId ? 'Customer' : 'Reseller',
    targetId: customerId ?? resellerId,
    // The names themselves are what must not be kept; their number, the pseudonym and counts are.
    details: { nameCount: names.length, ...result },
    ip: request.ip ?? null,
  });
  await tx.flush();
  return result;
}

/** The archived reports of the scope that carry one of the names, rewritten; returns how many. */
async function eraseInArchivedReports(
  tx: EntityManager,
  request: ErasureRequest,
  names: string[],
  pseudonym: string,
): Promise<number> {
  // A cheap test on the decompressed text first (the name as it is, or as JSON escapes it); only
  // reports that pass are parsed and walked. A sender may write a non-ASCII letter as a \u escape, so
  // with such a name every report is parsed.
  const needles = [...new Set(names.flatMap((n) => [n, JSON.stringify(n).slice(1, -1)]))];
  const textTest = names.every((n) => /^[\x20-\x7e]*$/.test(n));
  const senders = request.customerId
    ? `and sender_id = any(select id from printer where customer_id = ? union all select id from collector where customer_id = ?)`
    : '';
  const senderParams = request.customerId ? [request.customerId, request.customerId] : [];
  const note = `personal names erased (${pseudonym})`;
  let after = '00000000-0000-0000-0000-000000000000';
  let rewritten = 0;
  for (;;) {
    const rows = await tx.execute<
      { id: string; payload: Buffer | null; payload_encoding: 'gzip' | 'identity' | null; body: unknown }[]
    >(
      `select id, payload, payload_encoding, body from raw_report
       where reseller_id = ? and kind = 'report' and id > ? ${senders}
       order by id limit ?`,
      [request.resellerId, after, ...senderParams, RAW_REPORT_PAGE],
    );
    for (const row of rows) {
      const text =
        row.payload === null
          ? JSON.stringify(row.body)
          : (row.payload_encoding === 'gzip' ? gunzipSync(row.payload) : row.payload).toString('utf8');
      const lower = text.toLowerCase();
      if (textTest && !needles.some((needle) => lower.includes(needle))) continue;
      const upload = JSON.parse(text) as unknown;
      if (replaceNames(upload, names, pseudonym) === 0) continue;
      const json = JSON.stringify(upload);
      if (row.payload === null) {
        await tx.execute(
          `update raw_report set body = ?::jsonb, note = concat_ws('; ', note, ?) where id = ?`,
          [json, note, row.id],
        );
      } else {
        const bytes = Buffer.from(json, 'utf8');
        await tx.execute(`update raw_report set payload = ?, note = concat_ws('; ', note, ?) where id = ?`, [
          row.payload_encoding === 'gzip' ? gzipSync(bytes) : bytes,
          note,
          row.id,
        ]);
      }
      rewritten++;
    }
    if (rows.length < RAW_REPORT_PAGE) return rewritten;
    after = rows[rows.length - 1]!.id;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Replaces, in one archived upload (Report v1, plus a collector's `collector` health extension), every
 * field that holds a person's name and equals one of `names` (lower-cased). Returns how many it replaced.
 */
export function replaceNames(upload: unknown, names: readonly string[], pseudonym: string): number {
  let replaced = 0;
  const swap = (holder: unknown, field: string) => {
    if (!isObject(holder)) return;
    const value = holder[field];
    if (typeof value === 'string' && names.includes(value.toLowerCase())) {
      holder[field] = pseudonym;
      replaced++;
    }
  };
  if (!isObject(upload)) return 0;
  swap(upload.source, 'hostname');
  swap(upload.collector, 'hostname');
  for (const printer of Array.isArray(upload.printers) ? upload.printers : []) {
    if (!isObject(printer) || !Array.isArray(printer.jobs)) continue;
    for (const job of printer.jobs) {
      swap(job, 'userName');
      swap(job, 'userDefined');
    }
  }
  return replaced;
}
