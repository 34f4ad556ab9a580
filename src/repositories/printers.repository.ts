// The per-printer writes of a report batch, set-based: each function takes all printers of one pass
// (each printer at most once, sorted by reseller and serial). upsertPrinters runs one statement;
// storePrinterData one more for everything else, whose rows point into `batch_entries` (one row per
// printer entry: its printer, reseller, customer, report and collection time). The rows are the ones
// persisting the reports one by one would write; only the statement count changes. Called by
// reports.repository.ts inside its transaction.
import type { PrinterReportV1 } from '@plotmeter/protocol';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';
import type { Sender } from '../reports/sender';
import {
  json,
  lastByKey,
  lastByKeyEntries,
  positionalInput,
  setIfNewer,
  query,
  type PositionalInput,
} from './sql';
import { appendTo } from '../lib/group';
import { pgTextArray, pgUuidArray } from '../lib/pg-arrays';
import { PRINTER_COUNTER_COLUMNS } from '../entities/printer.entity';

/** One printer entry of one report of the batch (a report lists one printer, a collector's many). */
export interface PrinterEntry {
  /** Index of the report in the batch. */
  item: number;
  sender: Sender;
  /** The report's section about this printer. */
  printer: PrinterReportV1;
  rawReportId: string;
  /** The collector's customer, for printers a collector reports (new printers are attached to it). */
  collectorCustomerId: string | null;
  /** Set by upsertPrinters. */
  printerId?: string;
  customerId?: string;
  openRuleKeys?: ReadonlySet<string>;
}

export type StoredPrinterEntry = PrinterEntry & {
  printerId: string;
  customerId: string;
  /**
   * Dedupe keys of the printer's open rule alerts, read once its row is locked: only rule alerts
   * raised by a transaction holding that lock exist, so these are all a report can resolve.
   */
  openRuleKeys: ReadonlySet<string>;
};

const STATUS_COLUMNS = [
  'product_number',
  'product_name',
  'firmware_version',
  'engine_state',
  'status_message',
  'status_reasons',
  'job_category_thresholds',
  'print_categories',
];

// The input rows of each statement below, sent positionally (see positionalInput).
const PRINTER_INPUT = positionalInput(
  'ord int, id uuid, reseller_id uuid, customer_id uuid, sender_printer_id uuid, collector_id uuid, connection_type text, serial_number text, product_number text, product_name text, firmware_version text, engine_state text, status_message text, status_reasons text, job_category_thresholds text, print_categories text, last_seen_at timestamptz, lifetime_jobs bigint, lifetime_pages bigint, lifetime_ink_ml float8, lifetime_media_area_m2 float8, lifetime_scan_area_m2 float8',
);
const PRINTHEAD_INPUT = positionalInput(
  'entry_no int, id uuid, slot text, colors jsonb, status text, health_percent float8, product_number text, product_name text, serial_number text, component_key text, non_oem_ink_used boolean, expires_at timestamptz',
);
const CARTRIDGE_INPUT = positionalInput(
  'entry_no int, id uuid, slot text, color text, status text, product_number text, product_name text, serial_number text, component_key text, manufacturer text, capacity_ml float8, level_percent float8, ink_consumed_ml float8, non_oem_ink_consumed_ml float8, expires_at timestamptz',
);
const MEDIA_SOURCE_INPUT = positionalInput(
  'entry_no int, id uuid, source_id text, kind text, status text, media_type text, width_mm float8, height_mm float8',
);
const ACCESSORY_INPUT = positionalInput('entry_no int, id uuid, name text, status text');
const REMOVAL_INPUT = positionalInput('entry_no int, present text[]');
const MEDIA_TYPE_INPUT = positionalInput('id uuid, reseller_id uuid, code text, names jsonb');
const MEDIA_LINK_INPUT = positionalInput('printer_id uuid, reseller_id uuid, code text');
const READING_INPUT = positionalInput(
  'entry_no int, id uuid, serial_number text, jobs bigint, pages bigint, total_ink_ml float8, total_media_area_m2 float8, scan_total_area_m2 float8, scan_area_m2 float8, copy_area_m2 float8, ink_by_cartridge_type jsonb, media_by_type jsonb, application_categories jsonb, counter_sources jsonb',
);

/**
 * A collector's printer entry that was not stored: the serial belongs to a printer of another customer
 * of the reseller, or to a direct-connect printer (which reports for itself).
 */
export interface RefusedPrinterEntry {
  entry: PrinterEntry;
  existing: { customerId: string; connectionType: string };
}

/**
 * Upserts the printers' identity and status (an older report never overwrites newer state). A collector
 * creates and updates only LAN printers of its own customer: the update of any other existing row is
 * skipped by the ON CONFLICT ... WHERE, and the entry comes back as refused, with nothing of it stored.
 */
export async function upsertPrinters(
  tx: EntityManager,
  entries: readonly PrinterEntry[],
): Promise<{ stored: StoredPrinterEntry[]; refused: RefusedPrinterEntry[] }> {
  const newer = `("printer"."last_seen_at" is null or excluded."last_seen_at" >= "printer"."last_seen_at")`;
  // The printer row keeps the newest counters for fleet lists; an older reading never overwrites them.
  // (Set here rather than by a second UPDATE after the reading: one row version less per printer.)
  const countersNewer = `("printer"."counters_at" is null or "printer"."counters_at" <= excluded."counters_at")`;
  const rows = entries.map((u, ord) => {
    const d = u.printer.device;
    return {
      ord,
      id: u.sender.printerId ?? uuidv7(),
      reseller_id: u.sender.resellerId,
      customer_id: u.collectorCustomerId,
      sender_printer_id: u.sender.printerId,
      collector_id: u.sender.collectorId,
      connection_type: u.sender.kind === 'printer' ? 'direct' : 'collector',
      serial_number: d.serialNumber,
      product_number: d.productNumber,
      product_name: d.productName ?? null,
      firmware_version: d.firmwareVersion ?? null,
      engine_state: u.printer.status.engineState,
      status_message: u.printer.status.message ?? null,
      // JSON text, cast in SQL: an absent value is stored as JSON null, as it always was.
      status_reasons: json(u.printer.status.reasons ?? null),
      job_category_thresholds: json(u.printer.jobCategoryThresholds ?? null),
      print_categories: json(u.printer.printCategories ?? null),
      last_seen_at: u.printer.collectedAt,
      lifetime_jobs: u.printer.usage.jobs ?? null,
      lifetime_pages: u.printer.usage.pages ?? null,
      lifetime_ink_ml: u.printer.usage.totalInkMl ?? null,
      lifetime_media_area_m2: u.printer.usage.totalMediaAreaM2 ?? null,
      lifetime_scan_area_m2: u.printer.usage.scan?.totalAreaM2 ?? null,
    };
  });
  const stored = await query<
    {
      id: string;
      customer_id: string;
      reseller_id: string;
      serial_number: string;
      open_rule_keys: string[];
    }[]
  >(
    tx,
    // NOT NULL is checked before ON CONFLICT, so a direct printer's row needs its customer even though
    // the row already exists and only the update applies.
    `insert into printer (id, reseller_id, customer_id, collector_id, connection_type, serial_number, product_number, product_name,
        firmware_version, engine_state, status_message, status_reasons, job_category_thresholds, print_categories, last_seen_at, created_at,
        lifetime_jobs, lifetime_pages, lifetime_ink_ml, lifetime_media_area_m2, lifetime_scan_area_m2, counters_at)
     select x.id, x.reseller_id, coalesce(x.customer_id, (select p.customer_id from printer p where p.id = x.sender_printer_id)),
        x.collector_id, x.connection_type, x.serial_number, x.product_number, x.product_name, x.firmware_version, x.engine_state,
        x.status_message, x.status_reasons::jsonb, x.job_category_thresholds::jsonb, x.print_categories::jsonb, x.last_seen_at, now(),
        x.lifetime_jobs, x.lifetime_pages, x.lifetime_ink_ml, x.lifetime_media_area_m2, x.lifetime_scan_area_m2, x.last_seen_at
     from ${PRINTER_INPUT.sql} as x
     order by x.ord
     on conflict (reseller_id, serial_number) do update set ${setIfNewer('printer', newer, STATUS_COLUMNS)},
        collector_id = coalesce(excluded.collector_id, "printer"."collector_id"),
        last_seen_at = greatest("printer"."last_seen_at", excluded.last_seen_at),
        ${setIfNewer('printer', countersNewer, [...PRINTER_COUNTER_COLUMNS])}
     where excluded.connection_type = 'direct'
        or ("printer"."connection_type" = 'collector' and "printer"."customer_id" = excluded.customer_id)
     returning id, customer_id, reseller_id, serial_number,
        (select coalesce(array_agg(a.dedupe_key), '{}') from alert a
         where a.subject_key = 'printer:' || "printer"."id" and a.source = 'rule' and a.status <> 'RESOLVED') as open_rule_keys`,
    [PRINTER_INPUT.pack(rows)],
  );
  const byRef = new Map(stored.map((r) => [`${r.reseller_id}/${r.serial_number}`, r]));
  const result: { stored: StoredPrinterEntry[]; refused: PrinterEntry[] } = { stored: [], refused: [] };
  for (const u of entries) {
    const row = byRef.get(`${u.sender.resellerId}/${u.printer.device.serialNumber}`);
    if (!row) {
      // Only the WHERE above skips a row, and only for a collector's entry.
      if (u.sender.kind !== 'collector')
        throw new Error(`printer ${u.printer.device.serialNumber} was not stored`);
      result.refused.push(u);
      continue;
    }
    result.stored.push({
      ...u,
      printerId: row.id,
      customerId: row.customer_id,
      openRuleKeys: new Set(row.open_rule_keys),
    });
  }
  return { stored: result.stored, refused: await describeRefused(tx, result.refused) };
}

/** The existing printer rows that refused entries collided with (what the collector was not allowed). */
async function describeRefused(
  tx: EntityManager,
  refused: readonly PrinterEntry[],
): Promise<RefusedPrinterEntry[]> {
  if (refused.length === 0) return [];
  const rows = await query<
    { reseller_id: string; serial_number: string; customer_id: string; connection_type: string }[]
  >(
    tx,
    `select reseller_id, serial_number, customer_id, connection_type from printer
     where (reseller_id, serial_number) in (select * from unnest(?::uuid[], ?::text[]))`,
    [
      pgUuidArray(refused.map((u) => u.sender.resellerId)),
      pgTextArray(refused.map((u) => u.printer.device.serialNumber)),
    ],
  );
  const byRef = new Map(rows.map((r) => [`${r.reseller_id}/${r.serial_number}`, r]));
  return refused.map((entry) => {
    const row = byRef.get(`${entry.sender.resellerId}/${entry.printer.device.serialNumber}`);
    return {
      entry,
      existing: { customerId: row?.customer_id ?? '', connectionType: row?.connection_type ?? 'unknown' },
    };
  });
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

const printheadKey = (p: PrinterReportV1['printheads'][number]) =>
  componentKey(p.serialNumber, p.slot, p.colors.join('+'));
const cartridgeKey = (c: PrinterReportV1['cartridges'][number]) =>
  componentKey(c.serialNumber, c.slot, c.color);

/** A printhead or cartridge row: the fields markRemoved reads, and the table's columns. */
type ComponentRow = Record<string, unknown> & { entry_no: number; component_key: string };

/**
 * Everything per printer that needs only its id: components, media, the usage reading and the jobs, as
 * ONE statement of data-modifying CTEs (one round trip instead of one per table). The tables are
 * independent, and the rows a removal marks are exactly those the upsert of the same table does not
 * touch. Returns the number of new job rows per printer id.
 */
export async function storePrinterData(
  tx: EntityManager,
  entries: readonly StoredPrinterEntry[],
): Promise<Map<string, number>> {
  const jobs = jobParts(entries);
  const parts = [batchEntriesPart(entries), ...componentParts(entries), readingPart(entries), ...jobs.parts];
  const rows = await runTogether<{ printer_id: string; n: number }>(tx, parts, jobs.counts);
  return new Map(rows.map((row) => [row.printer_id, Number(row.n)]));
}

/** Printheads, cartridges (and which were taken out), media sources, accessories, media catalogue. */
function componentParts(entries: readonly StoredPrinterEntry[]): Part[] {
  const parts: Part[] = [];
  // Rows are built field by field: spreading each parsed component (and an owner object) into a new
  // one was the worker's single most expensive line (~13 µs per cartridge).
  const printheads: ComponentRow[] = [];
  for (const [entryNo, u] of entries.entries()) {
    for (const [key, p] of lastByKeyEntries(u.printer.printheads, printheadKey)) {
      printheads.push({
        entry_no: entryNo,
        id: uuidv7(),
        component_key: key,
        slot: p.slot ?? null,
        colors: p.colors,
        status: p.status,
        health_percent: p.healthPercent ?? null,
        product_number: p.productNumber,
        product_name: p.productName ?? null,
        serial_number: p.serialNumber,
        non_oem_ink_used: p.nonOemInkUsed,
        expires_at: p.expiresAt ?? null,
      });
    }
  }
  if (printheads.length > 0) {
    parts.push(
      ...updateOrInsert({
        name: 'printhead',
        input: PRINTHEAD_INPUT,
        rows: printheads,
        key: ['printer_id', 'component_key'],
        set: `serial_number = x.serial_number, slot = x.slot, colors = x.colors, status = x.status, health_percent = x.health_percent,
          product_number = x.product_number, product_name = x.product_name, non_oem_ink_used = t.non_oem_ink_used or coalesce(x.non_oem_ink_used, false),
          expires_at = x.expires_at, last_seen_at = x.seen_at, removed_at = null`,
        newer: 't.last_seen_at <= x.seen_at',
        insert: `(id, reseller_id, printer_id, slot, colors, status, health_percent, product_number, product_name, serial_number, component_key, non_oem_ink_used, expires_at, first_seen_at, last_seen_at)
          select x.id, x.reseller_id, x.printer_id, x.slot, x.colors, x.status, x.health_percent, x.product_number, x.product_name, x.serial_number, x.component_key, coalesce(x.non_oem_ink_used, false), x.expires_at, x.seen_at, x.seen_at`,
      }),
    );
  }
  parts.push(markRemoved('printhead', entries, printheads));

  const cartridges: ComponentRow[] = [];
  for (const [entryNo, u] of entries.entries()) {
    for (const [key, c] of lastByKeyEntries(u.printer.cartridges, cartridgeKey)) {
      cartridges.push({
        entry_no: entryNo,
        id: uuidv7(),
        component_key: key,
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
      });
    }
  }
  if (cartridges.length > 0) {
    parts.push(
      ...updateOrInsert({
        name: 'cartridge',
        input: CARTRIDGE_INPUT,
        rows: cartridges,
        key: ['printer_id', 'component_key'],
        set: `serial_number = x.serial_number, slot = x.slot, color = x.color, status = x.status, product_number = x.product_number,
          product_name = x.product_name, manufacturer = x.manufacturer, capacity_ml = x.capacity_ml, level_percent = x.level_percent,
          ink_consumed_ml = x.ink_consumed_ml, non_oem_ink_consumed_ml = x.non_oem_ink_consumed_ml, expires_at = x.expires_at,
          last_seen_at = x.seen_at, removed_at = null`,
        newer: 't.last_seen_at <= x.seen_at',
        insert: `(id, reseller_id, printer_id, slot, color, status, product_number, product_name, serial_number, component_key, manufacturer, capacity_ml, level_percent, ink_consumed_ml, non_oem_ink_consumed_ml, expires_at, first_seen_at, last_seen_at)
          select x.id, x.reseller_id, x.printer_id, x.slot, x.color, x.status, x.product_number, x.product_name, x.serial_number, x.component_key, x.manufacturer, x.capacity_ml, x.level_percent, x.ink_consumed_ml, x.non_oem_ink_consumed_ml, x.expires_at, x.seen_at, x.seen_at`,
      }),
    );
  }
  parts.push(markRemoved('cartridge', entries, cartridges));

  const sources = entries.flatMap((u, entryNo) =>
    lastByKey(u.printer.mediaSources, (m) => m.id).map((m) => ({
      entry_no: entryNo,
      id: uuidv7(),
      source_id: m.id,
      kind: m.kind,
      status: m.status,
      media_type: m.mediaType ?? null,
      width_mm: m.widthMm ?? null,
      height_mm: m.heightMm ?? null,
    })),
  );
  if (sources.length > 0) {
    parts.push(
      ...updateOrInsert({
        name: 'media_source',
        input: MEDIA_SOURCE_INPUT,
        rows: sources,
        key: ['printer_id', 'source_id'],
        set: `kind = x.kind, status = x.status, media_type = x.media_type, width_mm = x.width_mm, height_mm = x.height_mm, updated_at = x.seen_at`,
        newer: 't.updated_at <= x.seen_at',
        insert: `(id, reseller_id, printer_id, source_id, kind, status, media_type, width_mm, height_mm, updated_at)
          select x.id, x.reseller_id, x.printer_id, x.source_id, x.kind, x.status, x.media_type, x.width_mm, x.height_mm, x.seen_at`,
      }),
    );
  }

  const accessories = entries.flatMap((u, entryNo) =>
    lastByKey(u.printer.accessories ?? [], (a) => a.name).map((a) => ({
      entry_no: entryNo,
      id: uuidv7(),
      name: a.name,
      status: a.status,
    })),
  );
  if (accessories.length > 0) {
    parts.push(
      ...updateOrInsert({
        name: 'accessory',
        input: ACCESSORY_INPUT,
        rows: accessories,
        key: ['printer_id', 'name'],
        set: `status = x.status, updated_at = x.seen_at`,
        newer: 't.updated_at <= x.seen_at',
        insert: `(id, reseller_id, printer_id, name, status, updated_at)
          select x.id, x.reseller_id, x.printer_id, x.name, x.status, x.seen_at`,
      }),
    );
  }

  parts.push(...mediaTypeParts(entries));
  return parts;
}

/**
 * A per-printer row kept up to date in place: UPDATE the rows that exist (when the report is not older
 * than what they hold), INSERT the ones that do not. Cheaper than INSERT ... ON CONFLICT DO UPDATE,
 * which probes for the conflict speculatively and locks (and WAL-logs the lock of) each existing row
 * before updating it; nearly every row of every report exists already. The printer's row lock, held
 * since upsertPrinters, keeps other transactions from adding the same row meanwhile (ON CONFLICT DO
 * NOTHING is only a safety net).
 */
function updateOrInsert(spec: {
  name: string;
  input: PositionalInput;
  rows: readonly Record<string, unknown>[];
  key: readonly [string, string];
  /** SET list of the update; `t` is the stored row, `x` the input row. */
  set: string;
  /** When the stored row may be overwritten (an older report never overwrites newer state). */
  newer: string;
  /** Column list and SELECT over input `x` of the insert. */
  insert: string;
}): Part[] {
  const [a, b] = spec.key;
  return [
    {
      name: `${spec.name}_input`,
      sql: `select u.reseller_id, u.printer_id, u.seen_at, x.* from ${spec.input.sql} as x join batch_entries u on u.entry_no = x.entry_no`,
      params: [spec.input.pack(spec.rows)],
    },
    {
      sql: `update ${spec.name} t set ${spec.set}
       from ${spec.name}_input x where t.${a} = x.${a} and t.${b} = x.${b} and ${spec.newer}`,
      params: [],
    },
    {
      sql: `insert into ${spec.name} ${spec.insert}
       from ${spec.name}_input x
       where not exists (select 1 from ${spec.name} t where t.${a} = x.${a} and t.${b} = x.${b})
       on conflict (${a}, ${b}) do nothing`,
      params: [],
    },
  ];
}

/** Components no longer listed by the newest report were taken out of the printer. */
function markRemoved(
  table: 'printhead' | 'cartridge',
  entries: readonly StoredPrinterEntry[],
  present: readonly { entry_no: number; component_key: string }[],
): Part {
  const keysOf = new Map<number, string[]>();
  for (const row of present) {
    appendTo(keysOf, row.entry_no, row.component_key);
  }
  const rows = entries.map((_, entryNo) => ({ entry_no: entryNo, present: keysOf.get(entryNo) ?? [] }));
  return {
    sql: `update "${table}" t set removed_at = x.seen_at
     from (select u.printer_id, u.seen_at, r.present from ${REMOVAL_INPUT.sql} as r join batch_entries u on u.entry_no = r.entry_no) as x
     where t.printer_id = x.printer_id and t.removed_at is null and t.last_seen_at < x.seen_at and not (t.component_key = any(x.present))`,
    params: [REMOVAL_INPUT.pack(rows)],
  };
}

/**
 * The reseller's shared media catalogue and each printer's links to it. Names merge: a printer set to
 * another language adds its locale without dropping the others. Only types that are new or gain names
 * are written: an unconditional upsert row-locks every type until commit and serialises all concurrent
 * transactions of a reseller on these few rows (see docs/performance.md). Printers of one batch listing
 * the same type are merged first (one row per reseller and code; merging in batch order gives the names
 * the one-by-one path would store, since jsonb `||` is associative).
 */
function mediaTypeParts(entries: readonly StoredPrinterEntry[]): Part[] {
  const catalogue = new Map<string, { id: string; reseller_id: string; code: string; names: object }>();
  const links: { printer_id: string; reseller_id: string; code: string }[] = [];
  for (const u of entries) {
    for (const m of lastByKey(u.printer.supportedMediaTypes ?? [], (t) => t.id)) {
      const key = `${u.sender.resellerId}/${m.id}`;
      const known = catalogue.get(key);
      if (known) known.names = { ...known.names, ...m.names };
      else catalogue.set(key, { id: uuidv7(), reseller_id: u.sender.resellerId, code: m.id, names: m.names });
      links.push({ printer_id: u.printerId, reseller_id: u.sender.resellerId, code: m.id });
    }
  }
  if (links.length === 0) return [];
  return [
    {
      name: 'mt_input',
      sql: `select x.id, x.reseller_id, x.code, x.names from ${MEDIA_TYPE_INPUT.sql} as x`,
      params: [MEDIA_TYPE_INPUT.pack([...catalogue.values()])],
    },
    {
      name: 'mt_existing',
      sql: `select m.id, m.reseller_id, m.code, m.names from media_type m join mt_input i on i.reseller_id = m.reseller_id and i.code = m.code`,
      params: [],
    },
    {
      name: 'mt_upserted',
      sql: `insert into media_type (id, reseller_id, code, names, updated_at)
       select i.id, i.reseller_id, i.code, i.names, now() from mt_input i
       left join mt_existing e on e.reseller_id = i.reseller_id and e.code = i.code
       where e.id is null or not (e.names @> i.names)
       order by i.reseller_id, i.code
       on conflict (reseller_id, code) do update set names = "media_type"."names" || excluded.names, updated_at = now()
       returning id, reseller_id, code`,
      params: [],
    },
    {
      // Links refreshed within the hour are left alone before the insert is even tried: ON CONFLICT
      // would still lock (and WAL-log) each of them.
      sql: `insert into printer_media_type (printer_id, media_type_id, reseller_id, updated_at)
       select l.printer_id, t.id, l.reseller_id, now()
       from ${MEDIA_LINK_INPUT.sql} as l
       left join mt_upserted u on u.reseller_id = l.reseller_id and u.code = l.code
       left join mt_existing e on e.reseller_id = l.reseller_id and e.code = l.code
       cross join lateral (select coalesce(u.id, e.id) as id) t
       where not exists (select 1 from printer_media_type p
         where p.printer_id = l.printer_id and p.media_type_id = t.id and p.updated_at >= now() - interval '1 hour')
       on conflict (printer_id, media_type_id) do update set updated_at = now()`,
      params: [MEDIA_LINK_INPUT.pack(links)],
    },
  ];
}

/** A statement to run as one CTE of a combined statement (named when another CTE reads it). */
interface Part {
  name?: string;
  sql: string;
  params: unknown[];
}

/** Runs the parts as one statement ending in `select`, and returns its rows. */
async function runTogether<T extends object>(
  tx: EntityManager,
  parts: readonly Part[],
  select: string,
): Promise<T[]> {
  const ctes = parts.map((part, i) => `${part.name ?? `part_${i}`} as (${part.sql})`);
  return query<T[]>(
    tx,
    `with ${ctes.join(',\n')} ${select}`,
    parts.flatMap((part) => part.params),
  );
}

/** One usage reading per printer and report (the printer row's counters are set by upsertPrinters). */
function readingPart(entries: readonly StoredPrinterEntry[]): Part {
  const rows = entries.map((stored, entryNo) => {
    const u = stored.printer.usage;
    return {
      entry_no: entryNo,
      id: uuidv7(),
      serial_number: stored.printer.device.serialNumber,
      jobs: u.jobs ?? null,
      pages: u.pages ?? null,
      total_ink_ml: u.totalInkMl ?? null,
      total_media_area_m2: u.totalMediaAreaM2 ?? null,
      scan_total_area_m2: u.scan?.totalAreaM2 ?? null,
      scan_area_m2: u.scan?.scanAreaM2 ?? null,
      copy_area_m2: u.scan?.copyAreaM2 ?? null,
      ink_by_cartridge_type: u.inkByCartridgeType ?? [],
      media_by_type: u.mediaByType ?? [],
      application_categories: u.applicationCategories ?? [],
      counter_sources: u.sources ?? null,
    };
  });
  // A replay re-runs a report that already has its reading: stored once per (report, printer). The
  // reading's collected_at is the report's, so the lookup probes one monthly partition, not all.
  return {
    sql: `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, jobs, pages, total_ink_ml, total_media_area_m2,
        scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type, application_categories, counter_sources)
     select x.id, x.collected_at, x.reseller_id, x.printer_id, x.serial_number, x.raw_report_id, now(), x.jobs, x.pages, x.total_ink_ml, x.total_media_area_m2,
        x.scan_total_area_m2, x.scan_area_m2, x.copy_area_m2, x.ink_by_cartridge_type, x.media_by_type, x.application_categories, x.counter_sources
     from (select u.seen_at as collected_at, u.reseller_id, u.printer_id, u.raw_report_id, r.*
           from ${READING_INPUT.sql} as r join batch_entries u on u.entry_no = r.entry_no) as x
     where not exists (select 1 from usage_reading r where r.raw_report_id = x.raw_report_id and r.printer_id = x.printer_id
       and r.collected_at = x.collected_at)`,
    params: [READING_INPUT.pack(rows)],
  };
}

/**
 * A job row's columns. Jobs are most of a report's rows, so jobRow builds each row directly as the
 * array positionalInput reads (no intermediate object), in this order. `entry_no` points into the batch's
 * printer entries, whose printer, reseller, customer and report the SQL joins in.
 */
const JOB_INPUT = positionalInput(
  `entry_no int, id uuid, uuid text, completed_at timestamptz,
   sequence_number bigint, kind text, name text, project_id text, application_id text, user_defined text, account_id text,
   user_name text, submitted_at timestamptz, status text, source text, ink_coverage_category text, print_quality text, pages int,
   copies int, duration_seconds float8, ink_by_color jsonb, ink_total_ml float8, media_area_m2 float8, printed_area_m2 float8,
   media_length_m float8, media_type text, categories jsonb, non_white_pixel_coverage float8, color_pixel_coverage float8,
   scanned_area_m2 float8`,
);

/**
 * What the rows of one printer entry share (its printer, reseller, customer, report and collection
 * time), sent once per entry as `batch_entries` instead of once per job or component row.
 */
const BATCH_UNIT_INPUT = positionalInput(
  'entry_no int, printer_id uuid, reseller_id uuid, customer_id uuid, raw_report_id uuid, seen_at timestamptz',
);

function batchEntriesPart(entries: readonly StoredPrinterEntry[]): Part {
  const rows = entries.map((u, entryNo) => ({
    entry_no: entryNo,
    printer_id: u.printerId,
    reseller_id: u.sender.resellerId,
    customer_id: u.customerId,
    raw_report_id: u.rawReportId,
    seen_at: u.printer.collectedAt,
  }));
  return {
    name: 'batch_entries',
    sql: `select * from ${BATCH_UNIT_INPUT.sql} as u`,
    params: [BATCH_UNIT_INPUT.pack(rows)],
  };
}
const JOB_COLUMNS = [
  'printer_id',
  'reseller_id',
  'customer_id',
  'raw_report_id',
  ...JOB_INPUT.columns.slice(1),
];

function jobRow(entryNo: number, j: PrinterReportV1['jobs'][number]): unknown[] {
  // In JOB_INPUT's column order.
  return [
    entryNo,
    uuidv7(),
    j.uuid,
    j.completedAt,
    j.sequenceNumber ?? null,
    j.kind,
    j.name,
    j.projectId ?? null,
    j.applicationId ?? null,
    j.userDefined ?? null,
    j.accountId ?? null,
    j.userName ?? null,
    j.submittedAt ?? null,
    j.status,
    j.source ?? null,
    j.inkCoverageCategory ?? null,
    j.printQuality ?? null,
    j.pages ?? 0,
    j.copies ?? 1,
    j.durationSeconds ?? null,
    j.inkByColor,
    j.inkByColor.reduce((sum, c) => sum + c.ml, 0),
    j.mediaAreaM2 ?? null,
    j.printedAreaM2 ?? null,
    j.mediaLengthM ?? null,
    j.mediaType ?? null,
    j.categories,
    j.nonWhitePixelCoverage ?? null,
    j.colorPixelCoverage ?? null,
    j.scannedAreaM2 ?? null,
  ];
}

/**
 * The printers' jobs, each stored once: keys first (ON CONFLICT DO NOTHING), then only the rows whose
 * key went in. `counts` selects the number of new job rows per printer id. No foreign keys check these
 * rows (see the 20261202 migration): every printer id here was returned by upsertPrinters in this
 * transaction, and that row stays locked until the commit.
 */
function jobParts(entries: readonly StoredPrinterEntry[]): { parts: Part[]; counts: string } {
  const rows = entries.flatMap((entry, i) => entry.printer.jobs.map((j) => jobRow(i, j)));
  if (rows.length === 0) return { parts: [], counts: 'select null::uuid as printer_id, 0 as n where false' };
  return {
    parts: [
      {
        name: 'job_input',
        sql: `select u.printer_id, u.reseller_id, u.customer_id, u.raw_report_id, j.*
          from ${JOB_INPUT.sql} as j join batch_entries u on u.entry_no = j.entry_no`,
        params: [json(rows)],
      },
      {
        name: 'job_keys',
        sql: `insert into printer_job_key (printer_id, uuid, job_id, completed_at)
          select printer_id, uuid, id, completed_at from job_input
          on conflict (printer_id, uuid) do nothing
          returning job_id`,
        params: [],
      },
      {
        name: 'job_rows',
        sql: `insert into printer_job (${JOB_COLUMNS.join(', ')}, created_at)
          select ${JOB_COLUMNS.map((c) => `i.${c}`).join(', ')}, now() from job_input i join job_keys k on k.job_id = i.id
          returning printer_id`,
        params: [],
      },
    ],
    counts: 'select printer_id, count(*)::int as n from job_rows group by printer_id',
  };
}
