// Job and usage exports for integrators (GET /export/v1/jobs and /export/v1/usage): the SQL that selects
// a tenant's rows for a period and filters, and the CSV columns and JSON form of each row. Rows are
// streamed through a cursor (src/services/cursor-stream.ts); CSV goes through the billing CSV writer so
// text cells get the same formula-injection guard as statement exports.
import type { Writable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type CsvColumn, toCsv } from '../domain/billing/csv';
import { forEachBatch, writeWithBackpressure } from './cursor-stream';

export type ExportKind = 'jobs' | 'usage';
export type ExportFormat = 'csv' | 'json';

export interface DataExportFilter {
  resellerId: string;
  from: Date;
  to: Date;
  customerId?: string | null;
  siteId?: string | null;
  printerId?: string | null;
}

type Row = Record<string, unknown>;

/** A double as a plain decimal ("0.0000001", never "1e-7"), as the CSV writer's number kind wants. */
export function plainNumber(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // bigint columns (sequence numbers, lifetime counters) arrive as exact strings: keep them exact.
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return value;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return null;
  const text = String(n);
  if (!/e/i.test(text)) return text;
  if (Math.abs(n) >= 1) return BigInt(Math.round(n)).toString();
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

const text = (column: string) => (row: Row) => (row[column] as string | null) ?? null;
const num = (column: string) => (row: Row) => plainNumber(row[column]);
const at = (column: string) => (row: Row) => (row[column] == null ? null : new Date(row[column] as string));

function textColumn(header: string, column = header): CsvColumn<Row> {
  return { header, kind: 'text', value: text(column) };
}
function numberColumn(header: string, column = header): CsvColumn<Row> {
  return { header, kind: 'number', value: num(column) };
}
function timeColumn(header: string, column: string): CsvColumn<Row> {
  return { header, kind: 'datetime', value: at(column) };
}

// Column order is part of the contract: integrators address columns by name and position, so new
// columns are only ever appended.
const JOB_COLUMNS: CsvColumn<Row>[] = [
  textColumn('job_id', 'id'),
  textColumn('job_uuid', 'uuid'),
  textColumn('printer_id'),
  textColumn('serial_number'),
  textColumn('customer_id'),
  textColumn('site_id'),
  textColumn('kind'),
  textColumn('name'),
  textColumn('status'),
  timeColumn('submitted_at_utc', 'submitted_at'),
  timeColumn('completed_at_utc', 'completed_at'),
  numberColumn('sequence_number'),
  textColumn('account_id'),
  textColumn('user_name'),
  textColumn('project_id'),
  textColumn('application_id'),
  textColumn('user_defined'),
  textColumn('source'),
  textColumn('print_quality'),
  textColumn('ink_coverage_category'),
  numberColumn('pages'),
  numberColumn('copies'),
  numberColumn('duration_seconds'),
  numberColumn('ink_total_ml'),
  numberColumn('media_area_m2'),
  numberColumn('printed_area_m2'),
  numberColumn('media_length_m'),
  textColumn('media_type'),
  numberColumn('scanned_area_m2'),
];

const COUNTERS = [
  ['jobs', 'jobs'],
  ['pages', 'pages'],
  ['ink_ml', 'total_ink_ml'],
  ['media_area_m2', 'total_media_area_m2'],
  ['scan_total_area_m2', 'scan_total_area_m2'],
  ['scan_area_m2', 'scan_area_m2'],
  ['copy_area_m2', 'copy_area_m2'],
] as const;

const USAGE_COLUMNS: CsvColumn<Row>[] = [
  textColumn('reading_id', 'id'),
  textColumn('printer_id'),
  textColumn('serial_number'),
  textColumn('customer_id'),
  textColumn('site_id'),
  timeColumn('collected_at_utc', 'collected_at'),
  timeColumn('previous_collected_at_utc', 'previous_collected_at'),
  ...COUNTERS.map(([name]) => numberColumn(name)),
  ...COUNTERS.map(([name]) => numberColumn(`${name}_delta`)),
  { header: 'counter_reset', kind: 'boolean', value: (row) => row.counter_reset === true },
];

function printerFilters(filter: DataExportFilter, alias: string, customerColumn: string) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.customerId) {
    where.push(`${customerColumn} = ?`);
    params.push(filter.customerId);
  }
  if (filter.siteId) {
    where.push(`${alias}.site_id = ?`);
    params.push(filter.siteId);
  }
  if (filter.printerId) {
    where.push(`${alias}.id = ?`);
    params.push(filter.printerId);
  }
  return { where, params };
}

/**
 * Jobs completed in [from, to), oldest first. The customer filter is the customer the job ran for
 * (printer_job.customer_id); site is the printer's current site (jobs do not record one).
 */
export function jobExportQuery(filter: DataExportFilter): { sql: string; params: unknown[] } {
  const extra = printerFilters(filter, 'p', 'j.customer_id');
  const sql = `select j.id, j.uuid, j.printer_id, p.serial_number, j.customer_id, p.site_id, j.kind, j.name, j.status,
      j.submitted_at, j.completed_at, j.sequence_number, j.account_id, j.user_name, j.project_id, j.application_id,
      j.user_defined, j.source, j.print_quality, j.ink_coverage_category, j.pages, j.copies, j.duration_seconds,
      j.ink_total_ml, j.media_area_m2, j.printed_area_m2, j.media_length_m, j.media_type, j.scanned_area_m2,
      j.ink_by_color, j.categories
    from printer_job j join printer p on p.id = j.printer_id
    where j.reseller_id = ? and j.completed_at >= ? and j.completed_at < ?${extra.where.map((w) => ` and ${w}`).join('')}
    order by j.completed_at, j.id`;
  return { sql, params: [filter.resellerId, filter.from, filter.to, ...extra.params] };
}

/**
 * Meter readings collected in [from, to) with each counter's delta since the printer's previous reading
 * (which may lie before `from`). A counter that went down (board swap, rollback) has a null delta and
 * sets counter_reset; a counter missing on either side has a null delta. Customer and site are the
 * printer's current ones (readings do not record them).
 */
export function usageExportQuery(filter: DataExportFilter): { sql: string; params: unknown[] } {
  const extra = printerFilters(filter, 'p', 'p.customer_id');
  const counterColumns = COUNTERS.map(([, column]) => `r.${column}`).join(', ');
  const previous = COUNTERS.map(
    ([name, column]) => `lag(r.${column}) over w as prev_${name}, r.${column} as ${name}`,
  ).join(', ');
  const deltas = COUNTERS.map(
    ([name]) => `case when x.${name} >= x.prev_${name} then x.${name} - x.prev_${name} end as ${name}_delta`,
  ).join(', ');
  const reset = COUNTERS.map(([name]) => `coalesce(x.${name} < x.prev_${name}, false)`).join(' or ');
  const sql = `with scoped as (
      select p.id, p.serial_number, p.customer_id, p.site_id from printer p
      where p.reseller_id = ?${extra.where.map((w) => ` and ${w}`).join('')}
    ), readings as (
      select r.id, r.printer_id, r.collected_at, ${counterColumns}, true as in_period
      from usage_reading r join scoped s on s.id = r.printer_id
      where r.reseller_id = ? and r.collected_at >= ? and r.collected_at < ?
      union all
      select b.id, s.id, b.collected_at, ${COUNTERS.map(([, column]) => `b.${column}`).join(', ')}, false
      from scoped s cross join lateral (
        select r.* from usage_reading r
        where r.printer_id = s.id and r.reseller_id = ? and r.collected_at < ?
        order by r.collected_at desc limit 1) b
    )
    select x.id, x.printer_id, s.serial_number, s.customer_id, s.site_id, x.collected_at, x.previous_collected_at,
      ${COUNTERS.map(([name]) => `x.${name}`).join(', ')}, ${deltas}, (${reset}) as counter_reset
    from (
      select r.id, r.printer_id, r.collected_at, r.in_period, lag(r.collected_at) over w as previous_collected_at, ${previous}
      from readings r window w as (partition by r.printer_id order by r.collected_at, r.id)
    ) x join scoped s on s.id = x.printer_id
    where x.in_period
    order by x.printer_id, x.collected_at, x.id`;
  return {
    sql,
    params: [
      filter.resellerId,
      ...extra.params,
      filter.resellerId,
      filter.from,
      filter.to,
      filter.resellerId,
      filter.from,
    ],
  };
}

const iso = (value: unknown) => (value == null ? null : new Date(value as string).toISOString());
const numberOrNull = (value: unknown) => (value == null ? null : Number(value));

function jobJson(row: Row): Record<string, unknown> {
  return {
    id: row.id,
    uuid: row.uuid,
    printerId: row.printer_id,
    serialNumber: row.serial_number,
    customerId: row.customer_id,
    siteId: row.site_id ?? null,
    kind: row.kind,
    name: row.name,
    status: row.status,
    submittedAt: iso(row.submitted_at),
    completedAt: iso(row.completed_at),
    sequenceNumber: row.sequence_number ?? null,
    accountId: row.account_id ?? null,
    userName: row.user_name ?? null,
    projectId: row.project_id ?? null,
    applicationId: row.application_id ?? null,
    userDefined: row.user_defined ?? null,
    source: row.source ?? null,
    printQuality: row.print_quality ?? null,
    inkCoverageCategory: row.ink_coverage_category ?? null,
    pages: row.pages,
    copies: row.copies,
    durationSeconds: numberOrNull(row.duration_seconds),
    inkTotalMl: numberOrNull(row.ink_total_ml),
    inkByColor: row.ink_by_color ?? [],
    mediaAreaM2: numberOrNull(row.media_area_m2),
    printedAreaM2: numberOrNull(row.printed_area_m2),
    mediaLengthM: numberOrNull(row.media_length_m),
    mediaType: row.media_type ?? null,
    scannedAreaM2: numberOrNull(row.scanned_area_m2),
    categories: row.categories ?? [],
  };
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function usageJson(row: Row): Record<string, unknown> {
  return {
    readingId: row.id,
    printerId: row.printer_id,
    serialNumber: row.serial_number,
    customerId: row.customer_id,
    siteId: row.site_id ?? null,
    collectedAt: iso(row.collected_at),
    previousCollectedAt: iso(row.previous_collected_at),
    counters: Object.fromEntries(COUNTERS.map(([name]) => [camel(name), numberOrNull(row[name])])),
    deltas: Object.fromEntries(COUNTERS.map(([name]) => [camel(name), numberOrNull(row[`${name}_delta`])])),
    counterReset: row.counter_reset === true,
  };
}

const KINDS = {
  jobs: { query: jobExportQuery, columns: JOB_COLUMNS, json: jobJson },
  usage: { query: usageExportQuery, columns: USAGE_COLUMNS, json: usageJson },
} as const;

/** The CSV header line of an export (also what a CSV export of no rows consists of). */
export function csvHeader(kind: ExportKind): string {
  return toCsv([], KINDS[kind].columns);
}

/**
 * Writes the export to `out` batch by batch (CSV: header then records; JSON: `{"<kind>": [...]}`).
 * Returns the row count. Does not end `out`; the caller does, so it can tell success from failure.
 */
export async function writeDataExport(
  tx: EntityManager,
  kind: ExportKind,
  format: ExportFormat,
  filter: DataExportFilter,
  out: Writable,
  options: { bom?: boolean; fetchRows?: number } = {},
): Promise<number> {
  const spec = KINDS[kind];
  const { sql, params } = spec.query(filter);
  const header = csvHeader(kind);
  let first = true;
  if (format === 'csv') await writeWithBackpressure(out, (options.bom ? '\uFEFF' : '') + header);
  else await writeWithBackpressure(out, `{${JSON.stringify(kind)}:[`);
  const rows = await forEachBatch<Row>(
    tx,
    sql,
    params,
    async (batch) => {
      let chunk: string;
      if (format === 'csv') {
        chunk = toCsv(batch, spec.columns).slice(header.length);
      } else {
        chunk = batch.map((row) => JSON.stringify(spec.json(row))).join(',');
        if (!first) chunk = `,${chunk}`;
      }
      first = false;
      await writeWithBackpressure(out, chunk);
    },
    options.fetchRows,
  );
  if (format === 'json') await writeWithBackpressure(out, ']}');
  return rows;
}
