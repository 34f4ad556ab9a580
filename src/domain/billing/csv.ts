// RFC 4180 CSV writer for billing exports that ERPs and spreadsheets import.
//
// Format (also in docs/billing.md): comma separator, CRLF after every record including the last,
// a header row, fields quoted only when they contain a comma, double quote, CR or LF, quotes inside
// doubled. The result is a JS string; send it as UTF-8 (`text/csv; charset=utf-8`), optionally
// with a byte-order mark for Excel (`{ bom: true }`).
//
// Each column declares a kind, and the kind fixes the text form so every export reads the same:
//   text      any string; guarded against formula injection (below)
//   number    bigint or a plain decimal string with a dot ("12.5", "-3"); never a float
//   date      "YYYY-MM-DD" (ISO 8601 calendar date)
//   datetime  Date, written as ISO 8601 UTC ("2026-10-01T00:00:00.000Z")
//   boolean   "true" / "false"
// null or undefined is an empty field in every kind.
//
// Formula injection: spreadsheet apps execute a cell that starts with = + - @ (and tab, CR or LF,
// which some apps strip first), so a job name like "=HYPERLINK(...)" could run on a reseller's
// machine. Their fullwidth and small forms (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫) count too: East Asian input methods
// and some importers fold them to ASCII. A trigger may also hide behind characters an importer trims or
// a reviewer cannot see: blanks (space, no-break space) and invisible format characters (zero-width
// space/joiners, byte-order mark, soft hyphen, bidi controls: Unicode category Cf). A text cell that
// starts with a trigger, with blanks or invisible characters before a trigger, or with an invisible
// character at all gets a leading apostrophe, which spreadsheets show as text. Number, date and
// datetime cells are never prefixed, so "-5" stays a negative number.

import { BillingInputError, assertArray } from './errors';

export type CsvCellKind = 'text' | 'number' | 'date' | 'datetime' | 'boolean';
export type CsvValue = string | bigint | Date | boolean | null | undefined;

export interface CsvColumn<Row> {
  /** snake_case, with the unit where the column has one (`amount_minor`, `period_start_utc`). */
  header: string;
  kind: CsvCellKind;
  value: (row: Row) => CsvValue;
}

const HEADER_PATTERN = /^[a-z][a-z0-9_]*$/;
const NUMBER_PATTERN = /^-?\d+(\.\d+)?$/;
const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const FORMULA_START =
  /^(?:[\t\r\n\p{Cf}]|[\s\p{Cf}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B])/u;
const NEEDS_QUOTES = /[",\r\n]/;

export function toCsv<Row>(
  rows: readonly Row[],
  columns: readonly CsvColumn<Row>[],
  options: { bom?: boolean } = {},
): string {
  assertArray(rows, 'rows');
  assertArray(columns, 'columns');
  if (columns.length === 0) throw new BillingInputError('columns', 'at least one column is required');
  const seen = new Set<string>();
  columns.forEach((column, index) => {
    if (!HEADER_PATTERN.test(column.header)) {
      throw new BillingInputError(
        `columns[${index}].header`,
        `"${column.header}" is not a snake_case header`,
      );
    }
    if (seen.has(column.header))
      throw new BillingInputError(`columns[${index}].header`, `duplicate header "${column.header}"`);
    seen.add(column.header);
  });
  const lines = [columns.map((column) => column.header).join(',')];
  rows.forEach((row, rowIndex) => {
    lines.push(columns.map((column) => quote(cellText(column, column.value(row), rowIndex))).join(','));
  });
  return (options.bom ? '\uFEFF' : '') + lines.map((line) => `${line}\r\n`).join('');
}

function cellText<Row>(column: CsvColumn<Row>, value: CsvValue, rowIndex: number): string {
  if (value === null || value === undefined) return '';
  const fail = (message: string): never => {
    throw new BillingInputError(`rows[${rowIndex}].${column.header}`, message);
  };
  switch (column.kind) {
    case 'text': {
      if (typeof value !== 'string') return fail(`expected text, got ${typeof value}`);
      return FORMULA_START.test(value) ? `'${value}` : value;
    }
    case 'number': {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string' && NUMBER_PATTERN.test(value)) return value;
      return fail(
        `expected a bigint or plain decimal string, got ${typeof value === 'string' ? `"${value}"` : typeof value}`,
      );
    }
    case 'date': {
      if (typeof value === 'string' && DATE_PATTERN.test(value)) return value;
      return fail('expected an ISO 8601 date string YYYY-MM-DD');
    }
    case 'datetime': {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
      return fail('expected a valid Date');
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      return fail(`expected a boolean, got ${typeof value}`);
    }
    default:
      return fail(`unknown column kind ${String(column.kind)}`);
  }
}

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
