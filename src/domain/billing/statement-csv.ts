// Statement export as CSV: the column sets for statement lines and for their per-printer sources,
// built on the generic RFC 4180 writer. The JSON export carries the same data plus job ids.
//
// Header units: money columns end in `_minor` (integer minor units of the row's `currency`) or
// `_major` (decimal in major units), instants end in `_utc`. Quantity columns change unit from row
// to row (m² of media, mL of ink, pages), so the `unit` column names it: m2, ml, m or page.
// Id lists are space-separated. Job ids are not listed here, only counted: a busy printer has
// thousands of jobs a month, more than a spreadsheet cell holds.

import { formatMinor } from './currency';
import { type Fixed, formatDecimal } from './decimal';
import { type CsvColumn, toCsv } from './csv';
import {
  type LineSource,
  type Statement,
  type StatementLine,
  lineStatus,
  unknownLineCount,
} from './statement';

/** One statement line with the statement fields every row repeats. */
export interface StatementCsvRow {
  statement: Statement;
  line: StatementLine;
}

/** One printer's contribution to one statement line. */
export interface StatementSourceCsvRow extends StatementCsvRow {
  source: LineSource;
}

const decimal = (value: Fixed | null): string | null => (value === null ? null : formatDecimal(value));

const statementColumns: CsvColumn<StatementCsvRow>[] = [
  { header: 'contract_id', kind: 'text', value: (r) => r.statement.contractId },
  { header: 'customer_id', kind: 'text', value: (r) => r.statement.customerId },
  { header: 'period_key', kind: 'text', value: (r) => r.statement.periodKey },
  { header: 'period_start_utc', kind: 'datetime', value: (r) => r.statement.periodStart },
  { header: 'period_end_utc', kind: 'datetime', value: (r) => r.statement.periodEnd },
  { header: 'billed_from_utc', kind: 'datetime', value: (r) => r.statement.billedFrom },
  { header: 'billed_to_utc', kind: 'datetime', value: (r) => r.statement.billedTo },
  { header: 'statement_complete', kind: 'boolean', value: (r) => r.statement.complete },
  { header: 'currency', kind: 'text', value: (r) => r.statement.currency },
  { header: 'line_id', kind: 'text', value: (r) => r.line.lineId },
  { header: 'line_kind', kind: 'text', value: (r) => r.line.kind },
  { header: 'description', kind: 'text', value: (r) => r.line.description },
  { header: 'meter', kind: 'text', value: (r) => r.line.meter },
  { header: 'media_type', kind: 'text', value: (r) => r.line.mediaType },
  { header: 'category', kind: 'text', value: (r) => r.line.category },
  { header: 'basis', kind: 'text', value: (r) => r.line.basis },
  { header: 'unit', kind: 'text', value: (r) => r.line.unit },
];

/** Columns for one row per statement line (`statementCsvRows`). */
export const statementCsvColumns: readonly CsvColumn<StatementCsvRow>[] = [
  ...statementColumns,
  { header: 'quantity', kind: 'number', value: (r) => decimal(r.line.quantity) },
  { header: 'allowance_used', kind: 'number', value: (r) => decimal(r.line.allowanceUsed) },
  { header: 'billable_quantity', kind: 'number', value: (r) => decimal(r.line.billableQuantity) },
  { header: 'tier_mode', kind: 'text', value: (r) => r.line.tierMode },
  { header: 'unit_price_minor', kind: 'number', value: (r) => decimal(r.line.unitPriceMinor) },
  { header: 'amount_minor', kind: 'number', value: (r) => r.line.amountMinor },
  { header: 'true_up_minor', kind: 'number', value: (r) => r.line.trueUpMinor },
  { header: 'total_minor', kind: 'number', value: (r) => r.line.totalMinor },
  {
    header: 'total_major',
    kind: 'number',
    value: (r) => (r.line.totalMinor === null ? null : formatMinor(r.line.totalMinor, r.statement.currency)),
  },
  { header: 'printer_ids', kind: 'text', value: (r) => r.line.sources.map((s) => s.printerId).join(' ') },
  {
    header: 'reading_ids',
    kind: 'text',
    value: (r) => [...new Set(r.line.sources.flatMap((s) => s.readingIds))].join(' '),
  },
  {
    header: 'job_count',
    kind: 'number',
    value: (r) => BigInt(r.line.sources.reduce((n, s) => n + s.jobIds.length, 0)),
  },
  {
    header: 'flags',
    kind: 'text',
    value: (r) =>
      r.statement.flags
        .filter(
          (f) =>
            f.lineId === r.line.lineId ||
            (f.printerId !== undefined && r.line.sources.some((s) => s.printerId === f.printerId)),
        )
        .map((f) => (f.printerId ? `${f.code}:${f.printerId}` : f.code))
        .join(' '),
  },
  // Added at the end so integrators' column positions stay valid. An ERP summing total_minor gets
  // statement_total_minor, but only a COMPLETE statement bills all usage: UNKNOWN lines have no amount.
  { header: 'line_status', kind: 'text', value: (r) => lineStatus(r.line).status },
  { header: 'line_status_reason', kind: 'text', value: (r) => lineStatus(r.line).reason },
  { header: 'statement_total_minor', kind: 'number', value: (r) => r.statement.subtotalMinor },
  {
    header: 'statement_total_major',
    kind: 'number',
    value: (r) => formatMinor(r.statement.subtotalMinor, r.statement.currency),
  },
  {
    header: 'statement_completeness',
    kind: 'text',
    value: (r) => (r.statement.complete ? 'COMPLETE' : 'INCOMPLETE'),
  },
  {
    header: 'statement_unknown_lines',
    kind: 'number',
    value: (r) => BigInt(unknownLineCount(r.statement)),
  },
];

/** Columns for one row per (line, printer) pair (`statementSourceCsvRows`), the "explain this bill" view. */
export const statementSourceCsvColumns: readonly CsvColumn<StatementSourceCsvRow>[] = [
  ...statementColumns,
  { header: 'printer_id', kind: 'text', value: (r) => r.source.printerId },
  { header: 'serial_number', kind: 'text', value: (r) => r.source.serialNumber },
  { header: 'quantity', kind: 'number', value: (r) => decimal(r.source.quantity) },
  { header: 'reading_ids', kind: 'text', value: (r) => r.source.readingIds.join(' ') },
  { header: 'job_count', kind: 'number', value: (r) => BigInt(r.source.jobIds.length) },
  { header: 'flags', kind: 'text', value: (r) => r.source.flags.join(' ') },
];

export function statementCsvRows(statements: readonly Statement[]): StatementCsvRow[] {
  return statements.flatMap((statement) => statement.lines.map((line) => ({ statement, line })));
}

export function statementSourceCsvRows(statements: readonly Statement[]): StatementSourceCsvRow[] {
  return statementCsvRows(statements).flatMap((row) =>
    row.line.sources.map((source) => ({ ...row, source })),
  );
}

/** CSV of statement lines, one row per line, for `GET /export/v1/statements?format=csv`. */
export function statementsToCsv(statements: readonly Statement[], options: { bom?: boolean } = {}): string {
  return toCsv(statementCsvRows(statements), statementCsvColumns, options);
}
