// Persists one accepted report in a single transaction: archive, printer identity and status,
// printheads, cartridges, media, accessories, media catalogue, a usage reading, jobs, device alerts.
// Idempotent: the raw_report row (unique by keyId + reportId) is inserted first, so a report that was
// already persisted is a no-op, and a worker killed half-way leaves nothing (the retry redoes it all).
// Bulk SQL throughout (jsonb_to_recordset), never one ORM flush per job row.
import { isSupportedModel, type PrinterReportV1 } from '@plotmeter/protocol';
import type { Job } from 'bullmq';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';
import type { AppServices } from '../services/app-services';
import { notifyAlertChanges } from '../services/alerts';
import { upsertDeviceAlerts } from './device-alerts';
import { evaluateRuleAlerts, loadPrinterState, loadThresholds } from './evaluate-rules';
import { resolveOfflineAlerts } from './offline-sweep.job';
import type { PersistReportJobData, QueuedReportJobData } from './job-data';
import { decodeQueuedReport } from './queued-report';
import { json, lastByKey, setIfNewer } from './sql';

export interface PersistReportResult {
  duplicate: boolean;
  rawReportId: string | null;
  printers: number;
  skippedUnsupported: string[];
  jobsInserted: number;
  alertIds: string[];
  /** Why alert rules were skipped or ran on defaults (invalid thresholds, stale report, invalid state). */
  ruleNotes?: string[];
}

export async function persistReportJob(
  job: Job<QueuedReportJobData | PersistReportJobData>,
  services: AppServices,
): Promise<PersistReportResult> {
  const result = await persistReport(
    services.orm.em.fork(),
    decodeQueuedReport(job.data),
    services.config.supportedModels,
  );
  if (result.ruleNotes?.length)
    services.log.warn(
      { receiptId: job.data.receiptId, notes: result.ruleNotes },
      'alert rules did not run normally',
    );
  // After commit: never announce an alert that rolled back.
  await notifyAlertChanges(services, result.alertIds);
  return result;
}

export async function persistReport(
  em: EntityManager,
  data: PersistReportJobData,
  supportedModels: string[],
  options: { replayOf?: string } = {},
): Promise<PersistReportResult> {
  const { sender, report } = data;
  return em.transactional(async (tx) => {
    let rawReportId: string;
    if (options.replayOf) {
      rawReportId = options.replayOf;
    } else {
      const inserted = await tx.execute<{ id: string }[]>(
        `insert into raw_report (id, reseller_id, key_id, report_id, kind, sender_kind, sender_id, body, body_bytes, received_at, processed_at)
         values (?, ?, ?, ?, 'report', ?, ?, ?::jsonb, ?, ?, now())
         on conflict (key_id, report_id) do nothing returning id`,
        [
          uuidv7(),
          sender.resellerId,
          sender.keyId,
          report.reportId,
          sender.kind,
          sender.printerId ?? sender.collectorId,
          json({ ...report, collector: data.collectorHealth ?? undefined }),
          data.bodyBytes,
          data.receivedAt,
        ],
      );
      if (inserted.length === 0)
        return {
          duplicate: true,
          rawReportId: null,
          printers: 0,
          skippedUnsupported: [],
          jobsInserted: 0,
          alertIds: [],
        };
      rawReportId = inserted[0]!.id;
    }

    let collectorCustomerId: string | null = null;
    if (sender.kind === 'collector') {
      const rows = await tx.execute<{ customer_id: string }[]>(
        `select customer_id from collector where id = ? and reseller_id = ?`,
        [sender.collectorId, sender.resellerId],
      );
      if (rows.length === 0) throw new Error(`collector ${sender.collectorId} no longer exists`);
      collectorCustomerId = rows[0]!.customer_id;
    }

    const result: PersistReportResult = {
      duplicate: false,
      rawReportId,
      printers: 0,
      skippedUnsupported: [],
      jobsInserted: 0,
      alertIds: [],
      ruleNotes: [],
    };
    const rules = await loadThresholds(tx, sender.resellerId);
    if (rules.invalid) result.ruleNotes!.push(`reseller alert thresholds ignored: ${rules.invalid}`);
    const seenPrinterIds: string[] = [];
    for (const entry of report.printers) {
      if (
        sender.kind === 'collector' &&
        !isSupportedModel(entry.device.productName ?? entry.device.productNumber, supportedModels)
      ) {
        result.skippedUnsupported.push(entry.device.serialNumber);
        continue;
      }
      const previous = await loadPrinterState(tx, sender.resellerId, entry.device.serialNumber);
      const printer = await upsertPrinter(tx, data, entry, collectorCustomerId);
      seenPrinterIds.push(printer.id);
      await upsertComponents(tx, sender.resellerId, printer.id, entry);
      await insertReading(tx, sender.resellerId, printer.id, rawReportId, entry);
      result.jobsInserted += await insertJobs(tx, sender.resellerId, printer, rawReportId, entry);
      const alerts = await upsertDeviceAlerts(
        tx,
        { resellerId: sender.resellerId, printerId: printer.id, customerId: printer.customerId },
        entry.alerts,
      );
      result.alertIds.push(...alerts);
      const ruled = await evaluateRuleAlerts(
        tx,
        { resellerId: sender.resellerId, printerId: printer.id, customerId: printer.customerId },
        previous,
        entry,
        rules.thresholds,
      );
      result.alertIds.push(...ruled.alertIds);
      // A stale report (older than the stored state) is routine after a collector's spool replay; not a note.
      if (ruled.skipped === 'invalid-state')
        result.ruleNotes!.push(
          `${entry.device.serialNumber}: rules skipped (${ruled.skipped}${ruled.error ? `: ${ruled.error}` : ''})`,
        );
      result.printers += 1;
    }

    if (sender.kind === 'collector') {
      const health = data.collectorHealth;
      await tx.execute(
        `update collector set last_report_at = greatest(last_report_at, ?::timestamptz), last_seen_at = greatest(last_seen_at, ?::timestamptz),
           version = coalesce(?, version), hostname = coalesce(?, hostname), health = coalesce(?::jsonb, health)
         where id = ? and reseller_id = ?`,
        [
          data.receivedAt,
          data.receivedAt,
          health?.version ?? report.source.softwareVersion ?? null,
          health?.hostname ?? report.source.hostname ?? null,
          health ? json(health) : null,
          sender.collectorId,
          sender.resellerId,
        ],
      );
    }
    result.alertIds.push(
      ...(await resolveOfflineAlerts(
        tx,
        { printerIds: seenPrinterIds, collectorId: sender.collectorId },
        data.receivedAt,
      )),
    );
    if (result.skippedUnsupported.length > 0) {
      await tx.execute(`update raw_report set note = ? where id = ?`, [
        `skipped unsupported models: ${result.skippedUnsupported.join(', ')}`,
        rawReportId,
      ]);
    }
    return result;
  });
}

interface PrinterRow {
  id: string;
  customerId: string;
}

async function upsertPrinter(
  tx: EntityManager,
  data: PersistReportJobData,
  entry: PrinterReportV1,
  collectorCustomerId: string | null,
): Promise<PrinterRow> {
  const { sender } = data;
  const d = entry.device;
  const newer = `("printer"."last_seen_at" is null or excluded."last_seen_at" >= "printer"."last_seen_at")`;
  const statusColumns = [
    'product_number',
    'product_name',
    'firmware_version',
    'engine_state',
    'status_message',
    'status_reasons',
    'job_category_thresholds',
    'print_categories',
  ];
  const rows = await tx.execute<{ id: string; customer_id: string }[]>(
    `insert into printer (id, reseller_id, customer_id, collector_id, connection_type, serial_number, product_number, product_name,
        firmware_version, engine_state, status_message, status_reasons, job_category_thresholds, print_categories, last_seen_at, created_at)
     values (?, ?, coalesce(?::uuid, (select customer_id from printer where id = ?::uuid)), ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, now())
     on conflict (reseller_id, serial_number) do update set ${setIfNewer('printer', newer, statusColumns)},
        collector_id = coalesce(excluded.collector_id, "printer"."collector_id"),
        last_seen_at = greatest("printer"."last_seen_at", excluded.last_seen_at)
     returning id, customer_id`,
    [
      // NOT NULL is checked before ON CONFLICT, so a direct printer's row needs its customer even though
      // the row already exists and only the update applies.
      sender.printerId ?? uuidv7(),
      sender.resellerId,
      collectorCustomerId,
      sender.printerId,
      sender.collectorId,
      sender.kind === 'printer' ? 'direct' : 'collector',
      d.serialNumber,
      d.productNumber,
      d.productName ?? null,
      d.firmwareVersion ?? null,
      entry.status.engineState,
      entry.status.message ?? null,
      json(entry.status.reasons ?? null),
      json(entry.jobCategoryThresholds ?? null),
      json(entry.printCategories ?? null),
      entry.collectedAt,
    ],
  );
  return { id: rows[0]!.id, customerId: rows[0]!.customer_id };
}

async function upsertComponents(
  tx: EntityManager,
  resellerId: string,
  printerId: string,
  entry: PrinterReportV1,
): Promise<void> {
  const seenAt = entry.collectedAt;
  const printheads = lastByKey(
    entry.printheads.map((p) => ({ ...p, key: componentKey(p.serialNumber, p.slot, p.colors.join('+')) })),
    (p) => p.key,
  ).map((p) => ({
    id: uuidv7(),
    component_key: p.key,
    slot: p.slot ?? null,
    colors: p.colors,
    status: p.status,
    health_percent: p.healthPercent ?? null,
    product_number: p.productNumber,
    product_name: p.productName ?? null,
    serial_number: p.serialNumber,
    non_oem_ink_used: p.nonOemInkUsed,
    expires_at: p.expiresAt ?? null,
  }));
  if (printheads.length > 0) {
    await tx.execute(
      `insert into printhead (id, reseller_id, printer_id, slot, colors, status, health_percent, product_number, product_name, serial_number, component_key, non_oem_ink_used, expires_at, first_seen_at, last_seen_at)
       select x.id, ?, ?, x.slot, x.colors, x.status, x.health_percent, x.product_number, x.product_name, x.serial_number, x.component_key, coalesce(x.non_oem_ink_used, false), x.expires_at, ?, ?
       from jsonb_to_recordset(?::jsonb) as x(id uuid, slot text, colors jsonb, status text, health_percent float8, product_number text, product_name text, serial_number text, component_key text, non_oem_ink_used boolean, expires_at timestamptz)
       on conflict (printer_id, component_key) do update set serial_number = excluded.serial_number, slot = excluded.slot, colors = excluded.colors, status = excluded.status, health_percent = excluded.health_percent,
         product_number = excluded.product_number, product_name = excluded.product_name, non_oem_ink_used = "printhead"."non_oem_ink_used" or excluded.non_oem_ink_used,
         expires_at = excluded.expires_at, last_seen_at = excluded.last_seen_at, removed_at = null
       where "printhead"."last_seen_at" <= excluded.last_seen_at`,
      [resellerId, printerId, seenAt, seenAt, json(printheads)],
    );
  }
  await markRemoved(
    tx,
    'printhead',
    printerId,
    printheads.map((p) => p.component_key),
    seenAt,
  );

  const cartridges = lastByKey(
    entry.cartridges.map((c) => ({ ...c, key: componentKey(c.serialNumber, c.slot, c.color) })),
    (c) => c.key,
  ).map((c) => ({
    id: uuidv7(),
    component_key: c.key,
    slot: c.slot ?? null,
    color: c.color,
    status: c.status,
    product_number: c.productNumber,
    product_name: c.productName ?? null,
    serial_number: c.serialNumber,
    manufacturer: c.manufacturer ?? null,
    capacity_ml: c.capacityMl ?? null,
    level_percent: c.levelPercent ?? null,
    ink_consumed_ml: c.inkConsumedMl ?? null,
    non_oem_ink_consumed_ml: c.nonOemInkConsumedMl ?? null,
    expires_at: c.expiresAt ?? null,
  }));
  if (cartridges.length > 0) {
    await tx.execute(
      `insert into cartridge (id, reseller_id, printer_id, slot, color, status, product_number, product_name, serial_number, component_key, manufacturer, capacity_ml, level_percent, ink_consumed_ml, non_oem_ink_consumed_ml, expires_at, first_seen_at, last_seen_at)
       select x.id, ?, ?, x.slot, x.color, x.status, x.product_number, x.product_name, x.serial_number, x.component_key, x.manufacturer, x.capacity_ml, x.level_percent, x.ink_consumed_ml, x.non_oem_ink_consumed_ml, x.expires_at, ?, ?
       from jsonb_to_recordset(?::jsonb) as x(id uuid, slot text, color text, status text, product_number text, product_name text, serial_number text, component_key text, manufacturer text, capacity_ml float8, level_percent float8, ink_consumed_ml float8, non_oem_ink_consumed_ml float8, expires_at timestamptz)
       on conflict (printer_id, component_key) do update set serial_number = excluded.serial_number, slot = excluded.slot, color = excluded.color, status = excluded.status, product_number = excluded.product_number,
         product_name = excluded.product_name, manufacturer = excluded.manufacturer, capacity_ml = excluded.capacity_ml, level_percent = excluded.level_percent,
         ink_consumed_ml = excluded.ink_consumed_ml, non_oem_ink_consumed_ml = excluded.non_oem_ink_consumed_ml, expires_at = excluded.expires_at,
         last_seen_at = excluded.last_seen_at, removed_at = null
       where "cartridge"."last_seen_at" <= excluded.last_seen_at`,
      [resellerId, printerId, seenAt, seenAt, json(cartridges)],
    );
  }
  await markRemoved(
    tx,
    'cartridge',
    printerId,
    cartridges.map((c) => c.component_key),
    seenAt,
  );

  const sources = lastByKey(entry.mediaSources, (m) => m.id).map((m) => ({
    id: uuidv7(),
    source_id: m.id,
    kind: m.kind,
    status: m.status,
    media_type: m.mediaType ?? null,
    width_mm: m.widthMm ?? null,
    height_mm: m.heightMm ?? null,
  }));
  if (sources.length > 0) {
    await tx.execute(
      `insert into media_source (id, reseller_id, printer_id, source_id, kind, status, media_type, width_mm, height_mm, updated_at)
       select x.id, ?, ?, x.source_id, x.kind, x.status, x.media_type, x.width_mm, x.height_mm, ?
       from jsonb_to_recordset(?::jsonb) as x(id uuid, source_id text, kind text, status text, media_type text, width_mm float8, height_mm float8)
       on conflict (printer_id, source_id) do update set kind = excluded.kind, status = excluded.status, media_type = excluded.media_type,
         width_mm = excluded.width_mm, height_mm = excluded.height_mm, updated_at = excluded.updated_at
       where "media_source"."updated_at" <= excluded.updated_at`,
      [resellerId, printerId, seenAt, json(sources)],
    );
  }

  const accessories = lastByKey(entry.accessories ?? [], (a) => a.name).map((a) => ({
    id: uuidv7(),
    name: a.name,
    status: a.status,
  }));
  if (accessories.length > 0) {
    await tx.execute(
      `insert into accessory (id, reseller_id, printer_id, name, status, updated_at)
       select x.id, ?, ?, x.name, x.status, ? from jsonb_to_recordset(?::jsonb) as x(id uuid, name text, status text)
       on conflict (printer_id, name) do update set status = excluded.status, updated_at = excluded.updated_at
       where "accessory"."updated_at" <= excluded.updated_at`,
      [resellerId, printerId, seenAt, json(accessories)],
    );
  }

  const mediaTypes = lastByKey(entry.supportedMediaTypes ?? [], (m) => m.id).map((m) => ({
    id: uuidv7(),
    code: m.id,
    names: m.names,
  }));
  if (mediaTypes.length > 0) {
    // Names merge: a printer set to another language adds its locale without dropping the others.
    // The catalogue is shared by the reseller's whole fleet, so only types that are new or gain names
    // are written: an unconditional upsert row-locks every type until commit and serialises all
    // concurrent report transactions of a reseller on these few rows (see docs/performance.md).
    await tx.execute(
      `with input as (
         select x.id, x.code, x.names from jsonb_to_recordset(?::jsonb) as x(id uuid, code text, names jsonb)),
       existing as (
         select m.id, m.code, m.names from media_type m join input i on i.code = m.code where m.reseller_id = ?),
       upserted as (
         insert into media_type (id, reseller_id, code, names, updated_at)
         select i.id, ?, i.code, i.names, now() from input i left join existing e on e.code = i.code
         where e.id is null or not (e.names @> i.names)
         on conflict (reseller_id, code) do update set names = "media_type"."names" || excluded.names, updated_at = now()
         returning id, code)
       insert into printer_media_type (printer_id, media_type_id, reseller_id, updated_at)
       select ?, coalesce(u.id, e.id), ?, now() from input i left join upserted u on u.code = i.code left join existing e on e.code = i.code
       on conflict (printer_id, media_type_id) do update set updated_at = now()`,
      [json(mediaTypes), resellerId, resellerId, printerId, resellerId],
    );
  }
}

/** How a printhead or cartridge is recognised across reports: its serial, else its slot or colour. */
function componentKey(
  serial: string | null | undefined,
  slot: string | number | null | undefined,
  fallback: string,
): string {
  if (serial) return serial;
  return slot !== null && slot !== undefined ? `slot:${slot}` : `color:${fallback}`;
}

/** Components no longer listed by the newest report were taken out of the printer. */
async function markRemoved(
  tx: EntityManager,
  table: 'printhead' | 'cartridge',
  printerId: string,
  present: string[],
  seenAt: string,
): Promise<void> {
  await tx.execute(
    `update "${table}" set removed_at = ? where printer_id = ? and removed_at is null and last_seen_at < ? and not (component_key = any(?::text[]))`,
    [seenAt, printerId, seenAt, `{${present.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`],
  );
}

async function insertReading(
  tx: EntityManager,
  resellerId: string,
  printerId: string,
  rawReportId: string,
  entry: PrinterReportV1,
): Promise<void> {
  const u = entry.usage;
  await tx.execute(
    `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, jobs, pages, total_ink_ml, total_media_area_m2,
        scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type, application_categories)
     select ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb
     where not exists (select 1 from usage_reading where raw_report_id = ? and printer_id = ?)`,
    [
      uuidv7(),
      entry.collectedAt,
      resellerId,
      printerId,
      entry.device.serialNumber,
      rawReportId,
      u.jobs ?? null,
      u.pages ?? null,
      u.totalInkMl ?? null,
      u.totalMediaAreaM2 ?? null,
      u.scan?.totalAreaM2 ?? null,
      u.scan?.scanAreaM2 ?? null,
      u.scan?.copyAreaM2 ?? null,
      json(u.inkByCartridgeType ?? []),
      json(u.mediaByType ?? []),
      json(u.applicationCategories ?? []),
      rawReportId,
      printerId,
    ],
  );
  // The printer row keeps the newest counters for fleet lists; an older reading never overwrites them.
  await tx.execute(
    `update printer set lifetime_jobs = ?, lifetime_pages = ?, lifetime_ink_ml = ?, lifetime_media_area_m2 = ?, lifetime_scan_area_m2 = ?, counters_at = ?
     where id = ? and (counters_at is null or counters_at <= ?)`,
    [
      u.jobs ?? null,
      u.pages ?? null,
      u.totalInkMl ?? null,
      u.totalMediaAreaM2 ?? null,
      u.scan?.totalAreaM2 ?? null,
      entry.collectedAt,
      printerId,
      entry.collectedAt,
    ],
  );
}

const JOB_COLUMNS = `id uuid, uuid text, completed_at timestamptz, sequence_number bigint, kind text, name text, project_id text, application_id text, user_defined text,
  account_id text, user_name text, submitted_at timestamptz, status text, source text, ink_coverage_category text, print_quality text, pages int, copies int,
  duration_seconds float8, ink_by_color jsonb, ink_total_ml float8, media_area_m2 float8, printed_area_m2 float8, media_length_m float8, media_type text,
  categories jsonb, non_white_pixel_coverage float8, color_pixel_coverage float8, scanned_area_m2 float8`;

/** Inserts the report's jobs once each: keys first (ON CONFLICT DO NOTHING), then only the new rows. */
async function insertJobs(
  tx: EntityManager,
  resellerId: string,
  printer: PrinterRow,
  rawReportId: string,
  entry: PrinterReportV1,
): Promise<number> {
  if (entry.jobs.length === 0) return 0;
  const rows = entry.jobs.map((j) => ({
    id: uuidv7(),
    uuid: j.uuid,
    completed_at: j.completedAt,
    sequence_number: j.sequenceNumber ?? null,
    kind: j.kind,
    name: j.name,
    project_id: j.projectId ?? null,
    application_id: j.applicationId ?? null,
    user_defined: j.userDefined ?? null,
    account_id: j.accountId ?? null,
    user_name: j.userName ?? null,
    submitted_at: j.submittedAt ?? null,
    status: j.status,
    source: j.source ?? null,
    ink_coverage_category: j.inkCoverageCategory ?? null,
    print_quality: j.printQuality ?? null,
    pages: j.pages ?? 0,
    copies: j.copies ?? 1,
    duration_seconds: j.durationSeconds ?? null,
    ink_by_color: j.inkByColor,
    ink_total_ml: j.inkByColor.reduce((sum, c) => sum + c.ml, 0),
    media_area_m2: j.mediaAreaM2 ?? null,
    printed_area_m2: j.printedAreaM2 ?? null,
    media_length_m: j.mediaLengthM ?? null,
    media_type: j.mediaType ?? null,
    categories: j.categories,
    non_white_pixel_coverage: j.nonWhitePixelCoverage ?? null,
    color_pixel_coverage: j.colorPixelCoverage ?? null,
    scanned_area_m2: j.scannedAreaM2 ?? null,
  }));
  const inserted = await tx.execute<{ count: string }[]>(
    `with input as (select * from jsonb_to_recordset(?::jsonb) as x(${JOB_COLUMNS})),
     keys as (
       insert into printer_job_key (printer_id, uuid, job_id, completed_at)
       select ?, uuid, id, completed_at from input
       on conflict (printer_id, uuid) do nothing
       returning job_id),
     rows as (
       insert into printer_job (id, completed_at, reseller_id, printer_id, customer_id, uuid, sequence_number, kind, name, project_id, application_id, user_defined,
         account_id, user_name, submitted_at, status, source, ink_coverage_category, print_quality, pages, copies, duration_seconds, ink_by_color, ink_total_ml,
         media_area_m2, printed_area_m2, media_length_m, media_type, categories, non_white_pixel_coverage, color_pixel_coverage, scanned_area_m2, raw_report_id, created_at)
       select i.id, i.completed_at, ?, ?, ?, i.uuid, i.sequence_number, i.kind, i.name, i.project_id, i.application_id, i.user_defined, i.account_id, i.user_name,
         i.submitted_at, i.status, i.source, i.ink_coverage_category, i.print_quality, i.pages, i.copies, i.duration_seconds, i.ink_by_color, i.ink_total_ml,
         i.media_area_m2, i.printed_area_m2, i.media_length_m, i.media_type, i.categories, i.non_white_pixel_coverage, i.color_pixel_coverage, i.scanned_area_m2, ?, now()
       from input i join keys k on k.job_id = i.id
       returning 1)
     select count(*)::text as count from rows`,
    [json(rows), printer.id, resellerId, printer.id, printer.customerId, rawReportId],
  );
  return Number(inserted[0]?.count ?? 0);
}
