import { describe, expect, it } from 'vitest';
import { type CsvColumn, toCsv } from './csv';
import { BillingInputError } from './errors';
import { priceStatement } from './statement';
import { meterUsage } from './meter-usage';
import {
  statementCsvColumns,
  statementSourceCsvRows,
  statementSourceCsvColumns,
  statementsToCsv,
} from './statement-csv';

/**
 * Strict RFC 4180 reader written independently of the writer: fails on anything the RFC does not
 * allow (bare LF record ends, quotes inside unquoted fields, text after a closing quote).
 */
function parseRfc4180(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bad character in unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`expected comma or CRLF at ${i}`);
  }
  if (record.length > 0) throw new Error('last record not terminated by CRLF');
  return records;
}

interface Row {
  name: string;
  amount: bigint | string | null;
  day: string;
  at: Date;
  ok: boolean;
}
const columns: CsvColumn<Row>[] = [
  { header: 'name', kind: 'text', value: (r) => r.name },
  { header: 'amount_minor', kind: 'number', value: (r) => r.amount },
  { header: 'day', kind: 'date', value: (r) => r.day },
  { header: 'at_utc', kind: 'datetime', value: (r) => r.at },
  { header: 'ok', kind: 'boolean', value: (r) => r.ok },
];
const at = new Date('2026-10-31T23:00:00Z');

describe('toCsv', () => {
  it('round-trips commas, quotes, newlines and non-ASCII through an RFC 4180 parser', () => {
    const names = [
      'plain',
      'a,b',
      'say "hi"',
      'two\nlines',
      'crlf\r\ninside',
      'Großformat Müller – 東京 📐',
      '',
    ];
    const rows: Row[] = names.map((name, i) => ({
      name,
      amount: BigInt(i * 1000 - 1),
      day: '2026-10-01',
      at,
      ok: i % 2 === 0,
    }));
    const csv = toCsv(rows, columns);
    expect(csv.endsWith('\r\n')).toBe(true);
    const parsed = parseRfc4180(Buffer.from(csv, 'utf8').toString('utf8'));
    expect(parsed[0]).toEqual(['name', 'amount_minor', 'day', 'at_utc', 'ok']);
    expect(parsed.slice(1)).toEqual(
      rows.map((r) => [r.name, String(r.amount), '2026-10-01', '2026-10-31T23:00:00.000Z', String(r.ok)]),
    );
  });

  it('quotes only fields that need it', () => {
    const csv = toCsv([{ name: 'a,b', amount: '12.5', day: '2026-01-31', at, ok: true }], columns);
    expect(csv.split('\r\n')[1]).toBe('"a,b",12.5,2026-01-31,2026-10-31T23:00:00.000Z,true');
  });

  it('neutralises formulas in text cells but keeps negative numbers numeric', () => {
    const rows: Row[] = ['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tcmd', 'safe=1'].map((name) => ({
      name,
      amount: '-5.25',
      day: '2026-10-01',
      at,
      ok: true,
    }));
    const parsed = parseRfc4180(toCsv(rows, columns)).slice(1);
    expect(parsed.map((r) => r[0])).toEqual([
      '\'=HYPERLINK("http://x")',
      "'+1",
      "'-2",
      "'@SUM(A1)",
      "'\tcmd",
      'safe=1',
    ]);
    expect(parsed.every((r) => r[1] === '-5.25')).toBe(true);
  });

  it('neutralises fullwidth triggers, a leading CR or LF, and triggers hidden behind invisible or blank characters', () => {
    const hostile = [
      '＝HYPERLINK("http://x")', // fullwidth = (U+FF1D), which spreadsheet IMEs turn into "="
      '＋1',
      '－2',
      '＠SUM(A1)',
      '\rcmd',
      '\ncmd',
      '\u200B=1+1', // zero-width space
      '\uFEFF=1+1', // byte-order mark
      '\u202E=1+1', // right-to-left override
      '\u2066@SUM(A1)', // left-to-right isolate
      '\u00AD-2', // soft hyphen
      '\u200D', // only an invisible character: still prefixed, nothing to hide it from a reviewer
      '  =1+1', // blanks some importers trim
      '\u00A0+1', // no-break space
    ];
    const rows: Row[] = hostile.map((name) => ({ name, amount: '-1', day: '2026-10-01', at, ok: true }));
    const parsed = parseRfc4180(toCsv(rows, columns)).slice(1);
    expect(parsed.map((r) => r[0])).toEqual(hostile.map((name) => `'${name}`));
  });

  it('leaves ordinary text alone, including text with blanks or invisible characters inside it', () => {
    const harmless = ['Plan für Büro', ' leading blank', 'A\u200Bb', 'x=1', '１２３', '—dash', '−5 (U+2212)'];
    const rows: Row[] = harmless.map((name) => ({ name, amount: '1', day: '2026-10-01', at, ok: true }));
    expect(
      parseRfc4180(toCsv(rows, columns))
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(harmless);
  });

  it('writes null as an empty field and can add a UTF-8 BOM', () => {
    const csv = toCsv([{ name: 'x', amount: null, day: '2026-10-01', at, ok: false }], columns, {
      bom: true,
    });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(parseRfc4180(csv.slice(1))[1][1]).toBe('');
  });

  it('rejects floats, comma decimals, bad dates and bad headers naming row and column', () => {
    const row = (patch: Partial<Row>): Row => ({
      name: 'x',
      amount: '1',
      day: '2026-10-01',
      at,
      ok: true,
      ...patch,
    });
    expect(() => toCsv([row({}), row({ amount: '1,5' })], columns)).toThrow(/rows\[1\]\.amount_minor/);
    expect(() => toCsv([row({ amount: 1.5 as unknown as string })], columns)).toThrow(BillingInputError);
    expect(() => toCsv([row({ day: '01/10/2026' })], columns)).toThrow(/rows\[0\]\.day/);
    expect(() => toCsv([row({ at: new Date('x') })], columns)).toThrow(/at_utc/);
    expect(() => toCsv([], [{ header: 'Amount EUR', kind: 'number', value: () => null }])).toThrow(
      /columns\[0\]\.header/,
    );
    expect(() => toCsv([], [columns[0], columns[0]])).toThrow(/duplicate/);
  });
});

describe('statement CSV', () => {
  const window = { start: new Date('2026-09-30T22:00:00Z'), end: new Date('2026-10-31T23:00:00Z') };
  const statement = priceStatement(
    {
      id: 'c-1',
      customerId: 'Müller, Architekten',
      currency: 'EUR',
      validFrom: new Date('2026-01-01T00:00:00Z'),
      printerIds: ['p1'],
      billingPeriod: { period: 'MONTHLY', anchorDay: 1, timeZone: 'Europe/Berlin' },
      fixedFeeMinor: 2500n,
      priceLines: [
        { id: 'media', meter: 'MEDIA_AREA_M2', unitPriceMinor: '36', description: '=cmd media "XL"' },
      ],
    },
    [
      {
        printerId: 'p1',
        serialNumber: 'SN1',
        usage: meterUsage(
          [
            { id: 'r1', at: window.start, counters: { mediaAreaM2: 100 } },
            { id: 'r2', at: new Date('2026-10-31T20:00:00Z'), counters: { mediaAreaM2: 600.5 } },
          ],
          window,
        ),
      },
    ],
    { period: { key: '2026-10', ...window }, now: new Date('2026-11-01T00:00:00Z') },
  );

  it('exports one row per line with dot decimals, ISO instants and units in headers', () => {
    const [header, media, fee] = parseRfc4180(statementsToCsv([statement]));
    expect(header).toEqual(statementCsvColumns.map((c) => c.header));
    const cell = (row: string[], name: string) => row[header.indexOf(name)];
    expect(cell(media, 'customer_id')).toBe('Müller, Architekten');
    expect(cell(media, 'description')).toBe('\'=cmd media "XL"');
    expect(cell(media, 'period_start_utc')).toBe('2026-09-30T22:00:00.000Z');
    expect(cell(media, 'unit')).toBe('m2');
    expect(cell(media, 'quantity')).toBe('500.5');
    expect(cell(media, 'unit_price_minor')).toBe('36');
    expect(cell(media, 'total_minor')).toBe('18018'); // 500.5 × 36
    expect(cell(media, 'total_major')).toBe('180.18');
    expect(cell(media, 'reading_ids')).toBe('r1 r2');
    expect(cell(fee, 'line_kind')).toBe('FIXED_FEE');
    expect(cell(fee, 'quantity')).toBe('');
    expect(cell(fee, 'total_major')).toBe('25.00');
  });

  it('exports per-printer sources for explaining a line', () => {
    const csv = toCsv(statementSourceCsvRows([statement]), statementSourceCsvColumns);
    const [header, ...rows] = parseRfc4180(csv);
    expect(rows).toHaveLength(1); // the fixed fee has no sources
    expect(rows[0][header.indexOf('serial_number')]).toBe('SN1');
    expect(rows[0][header.indexOf('reading_ids')]).toBe('r1 r2');
  });
});
