// Persists a batch of accepted reports in ONE transaction with set-based SQL: one statement per table
// for the whole batch (its input rows sent as one positional JSON array, see positionalInput in
// sql.ts, each row pointing at its printer entry) instead of ~25 statements and a commit per report.
// The stored rows are exactly those of persisting the reports one by one in batch order; a batch of
// one is how a single report is persisted (replays, tests).
//
// Idempotent: each report's raw_report row (unique by keyId + reportId) is inserted first, so a report
// already persisted is a duplicate and is skipped, and a failed or killed transaction leaves nothing
// (the retry redoes it all).
//
// A set-based upsert may touch a row only once, and the alert rules need each printer's state before
// its report: printers that occur more than once in the batch (two reports of one printer, a collector
// listing a serial twice) are processed in passes, the n-th occurrence in pass n, each pass loading the
// previous state first. The worker's batcher keeps one report per printer in a batch, so that is one
// pass in practice. Within a pass printers are sorted by (reseller, serial), so concurrent transactions
// lock printer rows in the same order.
import { isSupportedModel, type PrinterReportV1 } from '@plotmeter/protocol';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';
import { upsertDeviceAlertsBatch, upsertSystemAlert } from './alerts.repository';
import {
  loadPrinterStates,
  loadThresholds,
  printerRefKey,
  ruleOutcome,
  storeRuleAlerts,
  type ResellerThresholds,
  type RuleAlertsInput,
} from './alert-rules.repository';
import { pgUuidArray } from '../lib/pg-arrays';
import type { PersistReportJobData } from '../reports/job-data';
import { resolveOfflineAlertsAt } from './offline-alerts.repository';
import {
  storePrinterData,
  upsertPrinters,
  type PrinterEntry,
  type RefusedPrinterEntry,
  type StoredPrinterEntry,
} from './printers.repository';
import { json, query } from './sql';
import { appendTo } from '../lib/group';

export interface PersistReportResult {
  duplicate: boolean;
  rawReportId: string | null;
  printers: number;
  skippedUnsupported: string[];
  jobsInserted: number;
  alertIds: string[];
  /** Why alert rules were skipped or ran on defaults (invalid thresholds, stale report, invalid state). */
  ruleNotes?: string[];
  /** Serials a collector reported that belong to another customer or to a direct-connect printer. */
  refusedPrinters?: string[];
}

export interface ReportToPersist {
  data: PersistReportJobData;
  /** Re-run an archived report (admin replay-reports): its raw_report row exists and is not inserted. */
  replayOf?: string;
}

const duplicateResult = (): PersistReportResult => ({
  duplicate: true,
  rawReportId: null,
  printers: 0,
  skippedUnsupported: [],
  jobsInserted: 0,
  alertIds: [],
});

/** Collectors report whatever they find; models outside the supported ones are not stored. */
function isSkipped(data: PersistReportJobData, entry: PrinterReportV1, supportedModels: string[]): boolean {
  return (
    data.sender.kind === 'collector' &&
    !isSupportedModel(entry.device.productName ?? entry.device.productNumber, supportedModels)
  );
}

/** The serials a report's archive row notes as skipped. */
function unsupportedSerials(data: PersistReportJobData, supportedModels: string[]): string[] {
  return data.report.printers
    .filter((p) => isSkipped(data, p, supportedModels))
    .map((p) => p.device.serialNumber);
}

const skippedNote = (serials: string[]) => `skipped unsupported models: ${serials.join(', ')}`;

/** Persists the reports in one transaction; returns one result per report, in order. */
export async function persistReports(
  em: EntityManager,
  items: readonly ReportToPersist[],
  supportedModels: string[],
): Promise<PersistReportResult[]> {
  if (items.length === 0) return [];
  const skipped = items.map((item) => unsupportedSerials(item.data, supportedModels));
  return em.transactional(async (tx) => {
    const rawIds = await archiveReports(tx, items, skipped);
    const live = items.map((_, i) => i).filter((i) => rawIds[i] !== null);
    const results: PersistReportResult[] = items.map((_, i) =>
      rawIds[i] === null
        ? duplicateResult()
        : {
            duplicate: false,
            rawReportId: rawIds[i]!,
            printers: 0,
            skippedUnsupported: skipped[i]!,
            jobsInserted: 0,
            alertIds: [],
            ruleNotes: [],
          },
    );
    if (live.length === 0) return results;

    const collectorCustomers = await loadCollectorCustomers(
      tx,
      live.map((i) => items[i]!.data),
    );
    const thresholds = await loadThresholds(
      tx,
      live.map((i) => items[i]!.data.sender.resellerId),
    );
    for (const i of live) {
      const rules = thresholds.get(items[i]!.data.sender.resellerId)!;
      if (rules.invalid) results[i]!.ruleNotes!.push(`reseller alert thresholds ignored: ${rules.invalid}`);
    }

    const entries: PrinterEntry[] = [];
    for (const i of live) {
      const { data } = items[i]!;
      for (const entry of data.report.printers) {
        if (isSkipped(data, entry, supportedModels)) continue;
        entries.push({
          item: i,
          sender: data.sender,
          printer: entry,
          rawReportId: rawIds[i]!,
          collectorCustomerId: data.sender.collectorId
            ? (collectorCustomers.get(data.sender.collectorId) ?? null)
            : null,
        });
      }
    }
    const stored: StoredPrinterEntry[] = [];
    const refused: RefusedPrinterEntry[] = [];
    for (const pass of passes(entries)) {
      const done = await persistPass(tx, pass, thresholds, results);
      stored.push(...done.stored);
      refused.push(...done.refused);
    }
    const refusalErrors = await recordRefusals(tx, refused, items, results);

    await updateCollectors(
      tx,
      live.map((i) => items[i]!.data),
      refusalErrors,
    );
    await resolveOffline(tx, items, live, stored, results);
    // A replayed report keeps its archive row; its note is brought up to date like a new one's.
    for (const i of live) {
      if (items[i]!.replayOf && skipped[i]!.length > 0)
        await query(tx, `update raw_report set note = ? where id = ?`, [skippedNote(skipped[i]!), rawIds[i]]);
    }
    return results;
  });
}

/**
 * Inserts the reports' raw_report rows (one statement); returns each report's archive id, or null for
 * a duplicate (already persisted, or an earlier report of this batch with the same keyId + reportId).
 * A report that came off the queue is archived as the sender's bytes (payload, bound as binary
 * parameters: no JSON to build, escape or parse); one built in memory as its validated JSON (body).
 */
async function archiveReports(
  tx: EntityManager,
  items: readonly ReportToPersist[],
  skipped: readonly string[][],
): Promise<(string | null)[]> {
  const ids: (string | null)[] = items.map((item) => item.replayOf ?? null);
  const firstOfKey = new Map<string, number>();
  const values: string[] = [];
  const params: unknown[] = [];
  items.forEach(({ data, replayOf }, i) => {
    if (replayOf) return;
    const key = `${data.sender.keyId}/${data.report.reportId}`;
    if (firstOfKey.has(key)) return;
    firstOfKey.set(key, i);
    values.push(
      `(?::uuid, ?::uuid, ?, ?::uuid, ?, ?::uuid, ?::jsonb, ?::bytea, ?, ?::int, ?::timestamptz, ?)`,
    );
    params.push(
      uuidv7(),
      data.sender.resellerId,
      data.sender.keyId,
      data.report.reportId,
      data.sender.kind,
      data.sender.printerId ?? data.sender.collectorId,
      data.wire ? null : json({ ...data.report, collector: data.collectorHealth ?? undefined }),
      data.wire?.bytes ?? null,
      data.wire?.encoding ?? null,
      data.bodyBytes,
      data.receivedAt,
      skipped[i]!.length > 0 ? skippedNote(skipped[i]!) : null,
    );
  });
  if (values.length === 0) return ids;
  const inserted = await query<{ id: string; key_id: string; report_id: string }[]>(
    tx,
    `insert into raw_report (id, reseller_id, key_id, report_id, kind, sender_kind, sender_id, body, payload, payload_encoding, body_bytes, received_at, processed_at, note)
     select x.id, x.reseller_id, x.key_id, x.report_id, 'report', x.sender_kind, x.sender_id, x.body, x.payload, x.payload_encoding, x.body_bytes, x.received_at, now(), x.note
     from (values ${values.join(', ')}) as x(id, reseller_id, key_id, report_id, sender_kind, sender_id, body, payload, payload_encoding, body_bytes, received_at, note)
     order by x.key_id, x.report_id
     on conflict (key_id, report_id) do nothing returning id, key_id, report_id`,
    params,
  );
  for (const row of inserted) ids[firstOfKey.get(`${row.key_id}/${row.report_id}`)!] = row.id;
  return ids;
}

/** The customer of each reporting collector (the printers it reports first belong to that customer). */
async function loadCollectorCustomers(
  tx: EntityManager,
  reports: readonly PersistReportJobData[],
): Promise<Map<string, string>> {
  const senders = reports.filter((d) => d.sender.kind === 'collector' && d.sender.collectorId);
  if (senders.length === 0) return new Map();
  const rows = await query<{ id: string; reseller_id: string; customer_id: string }[]>(
    tx,
    `select id, reseller_id, customer_id from collector where id = any(?::uuid[])`,
    [pgUuidArray([...new Set(senders.map((d) => d.sender.collectorId!))])],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const { sender } of senders) {
    const row = byId.get(sender.collectorId!);
    // Fails the whole batch; the batcher then persists its reports one by one, so only this one fails.
    if (!row || row.reseller_id !== sender.resellerId)
      throw new Error(`collector ${sender.collectorId} no longer exists`);
  }
  return new Map(rows.map((r) => [r.id, r.customer_id]));
}

/** Splits the printer entries into passes: the n-th occurrence of a printer in the batch goes in pass n. */
function passes(entries: readonly PrinterEntry[]): PrinterEntry[][] {
  const seen = new Map<string, number>();
  const result: PrinterEntry[][] = [];
  for (const entry of entries) {
    const key = printerRefKey({
      resellerId: entry.sender.resellerId,
      serialNumber: entry.printer.device.serialNumber,
    });
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    (result[n] ??= []).push(entry);
  }
  // A stable lock order across concurrent transactions: (reseller, serial).
  for (const pass of result)
    pass.sort((a, b) =>
      a.sender.resellerId === b.sender.resellerId
        ? compare(a.printer.device.serialNumber, b.printer.device.serialNumber)
        : compare(a.sender.resellerId, b.sender.resellerId),
    );
  return result;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Everything per printer, for printers that occur once in the pass. */
async function persistPass(
  tx: EntityManager,
  pass: readonly PrinterEntry[],
  thresholds: Map<string, ResellerThresholds>,
  results: PersistReportResult[],
): Promise<{ stored: StoredPrinterEntry[]; refused: RefusedPrinterEntry[] }> {
  const previous = await loadPrinterStates(
    tx,
    pass.map((u) => ({ resellerId: u.sender.resellerId, serialNumber: u.printer.device.serialNumber })),
  );
  const { stored: entries, refused } = await upsertPrinters(tx, pass);
  const jobs = await storePrinterData(tx, entries);
  const subject = (u: StoredPrinterEntry) => ({
    resellerId: u.sender.resellerId,
    printerId: u.printerId,
    customerId: u.customerId,
  });
  const deviceAlerts = await upsertDeviceAlertsBatch(
    tx,
    entries.map((u) => ({ subject: subject(u), alerts: u.printer.alerts })),
  );

  const ruleInputs: RuleAlertsInput[] = [];
  for (const u of entries) {
    const before =
      previous.get(
        printerRefKey({ resellerId: u.sender.resellerId, serialNumber: u.printer.device.serialNumber }),
      ) ?? null;
    const outcome = ruleOutcome(before, u.printer, thresholds.get(u.sender.resellerId)!.thresholds);
    if (outcome.evaluation)
      ruleInputs.push({
        subject: subject(u),
        collectedAt: u.printer.collectedAt,
        // The rules list every key that could be open (~40 per printer); only the open ones can change.
        evaluation: {
          raise: outcome.evaluation.raise,
          resolve: outcome.evaluation.resolve.filter((key) => u.openRuleKeys.has(key)),
        },
      });
    // A stale report (older than the stored state) is routine after a collector's spool replay; not a note.
    if (outcome.skipped === 'invalid-state')
      results[u.item]!.ruleNotes!.push(
        `${u.printer.device.serialNumber}: rules skipped (${outcome.skipped}${outcome.error ? `: ${outcome.error}` : ''})`,
      );
  }
  const ruleAlerts = await storeRuleAlerts(tx, ruleInputs);

  for (const u of entries) {
    const result = results[u.item]!;
    const subjectKey = `printer:${u.printerId}`;
    result.jobsInserted += jobs.get(u.printerId) ?? 0;
    result.alertIds.push(...(deviceAlerts.get(subjectKey) ?? []), ...(ruleAlerts.get(subjectKey) ?? []));
    result.printers += 1;
  }
  return { stored: entries, refused };
}

const REFUSED_CODE = 'collector.printer-refused';

/** The report's health unless the stored one is from a newer poll (SQL over collector c and row x). */
const NEWEST_HEALTH = `(case when x.health is null or c.health->>'lastPollAt' > x.health::jsonb->>'lastPollAt' then c.health else x.health::jsonb end)`;

/**
 * A collector reported a printer it may not write (another customer's, or a direct-connect one): nothing
 * of that entry was stored. The reseller sees it twice: an alert on the collector (one per serial, its
 * occurrences counting repeats) and an error in the collector's health. Returns the health errors per
 * collector.
 */
async function recordRefusals(
  tx: EntityManager,
  refused: readonly RefusedPrinterEntry[],
  items: readonly ReportToPersist[],
  results: PersistReportResult[],
): Promise<Map<string, { at: string; message: string }[]>> {
  const errors = new Map<string, { at: string; message: string }[]>();
  for (const { entry, existing } of refused) {
    const collectorId = entry.sender.collectorId!;
    const serial = entry.printer.device.serialNumber;
    const why =
      existing.connectionType === 'direct'
        ? 'it is a direct-connect printer, which reports for itself'
        : "it belongs to another customer's fleet";
    const message = `Printer ${serial} was refused: ${why}. Nothing of it was stored; check the collector's IP ranges or move the printer.`;
    const at = items[entry.item]!.data.receivedAt;
    (results[entry.item]!.refusedPrinters ??= []).push(serial);
    appendTo(errors, collectorId, { at, message });
    const id = await upsertSystemAlert(
      tx,
      {
        kind: 'collector',
        resellerId: entry.sender.resellerId,
        customerId: entry.collectorCustomerId,
        collectorId,
      },
      {
        code: REFUSED_CODE,
        severity: 'error',
        message,
        at,
        details: { serialNumber: serial, existingConnectionType: existing.connectionType },
        dedupeSuffix: serial,
      },
    );
    if (id) results[entry.item]!.alertIds.push(id);
  }
  return errors;
}

/**
 * The collectors' last report, version, host name and health, in report order per collector. Health
 * from an older poll than the stored one (a spooled report delivered after a newer health-only
 * update, POST /ingest/v1/collector-health) does not replace it.
 */
async function updateCollectors(
  tx: EntityManager,
  reports: readonly PersistReportJobData[],
  refusals: ReadonlyMap<string, { at: string; message: string }[]>,
): Promise<void> {
  // Rounds, like the printer passes: an UPDATE applies one source row per target row.
  const rounds: Record<string, unknown>[][] = [];
  const seen = new Map<string, number>();
  const lastRound = new Map<string, number>();
  for (const data of reports)
    if (data.sender.kind === 'collector' && data.sender.collectorId)
      lastRound.set(data.sender.collectorId, (lastRound.get(data.sender.collectorId) ?? -1) + 1);
  for (const data of reports) {
    if (data.sender.kind !== 'collector' || !data.sender.collectorId) continue;
    const n = seen.get(data.sender.collectorId) ?? 0;
    seen.set(data.sender.collectorId, n + 1);
    const health = data.collectorHealth;
    (rounds[n] ??= []).push({
      collector_id: data.sender.collectorId,
      reseller_id: data.sender.resellerId,
      received_at: data.receivedAt,
      version: health?.version ?? data.report.source.softwareVersion ?? null,
      hostname: health?.hostname ?? data.report.source.hostname ?? null,
      health: health ? json(health) : null,
      // Server-side errors (refused printers) join the errors the collector reported about itself.
      // (In the collector's last round of this batch, whose health is the one that stays.)
      refusals:
        n === lastRound.get(data.sender.collectorId) && refusals.has(data.sender.collectorId)
          ? json(refusals.get(data.sender.collectorId))
          : null,
    });
  }
  for (const rows of rounds) {
    await query(
      tx,
      `update collector c set last_report_at = greatest(c.last_report_at, x.received_at), last_seen_at = greatest(c.last_seen_at, x.received_at),
         version = coalesce(x.version, c.version), hostname = coalesce(x.hostname, c.hostname),
         health = case when x.refusals is null then ${NEWEST_HEALTH}
                       else jsonb_set(coalesce(${NEWEST_HEALTH}, '{}'::jsonb), '{errors}',
                                      coalesce(${NEWEST_HEALTH} -> 'errors', '[]'::jsonb) || x.refusals::jsonb) end
       from jsonb_to_recordset(?::jsonb) as x(collector_id uuid, reseller_id uuid, received_at timestamptz, version text, hostname text, health text, refusals text)
       where c.id = x.collector_id and c.reseller_id = x.reseller_id`,
      [json(rows)],
    );
  }
}

/**
 * Printers and collectors that reported are alive: their open offline alerts resolve, at the time the
 * first report of the batch that names them was received (later ones would find nothing left to do).
 */
async function resolveOffline(
  tx: EntityManager,
  items: readonly ReportToPersist[],
  live: readonly number[],
  stored: readonly StoredPrinterEntry[],
  results: PersistReportResult[],
): Promise<void> {
  const printersOf = new Map<number, string[]>();
  for (const u of stored) {
    appendTo(printersOf, u.item, u.printerId);
  }
  const owner = new Map<string, number>();
  const subjects: { subjectKey: string; at: string }[] = [];
  const claim = (subjectKey: string, item: number) => {
    if (owner.has(subjectKey)) return;
    owner.set(subjectKey, item);
    subjects.push({ subjectKey, at: items[item]!.data.receivedAt });
  };
  for (const i of live) {
    for (const printerId of printersOf.get(i) ?? []) claim(`printer:${printerId}`, i);
    const collectorId = items[i]!.data.sender.collectorId;
    if (collectorId) claim(`collector:${collectorId}`, i);
  }
  for (const row of await resolveOfflineAlertsAt(tx, subjects))
    results[owner.get(row.subject_key)!]!.alertIds.push(row.id);
}

/** Persists one report on its own: a batch of one through the same code (replays, tests). */
export async function persistReport(
  em: EntityManager,
  data: PersistReportJobData,
  supportedModels: string[],
  options: { replayOf?: string } = {},
): Promise<PersistReportResult> {
  const item: ReportToPersist = { data, ...(options.replayOf ? { replayOf: options.replayOf } : {}) };
  const [result] = await persistReports(em, [item], supportedModels);
  return result!;
}
