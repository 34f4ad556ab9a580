// Export links: the URLs of the public export routes, the saved file's name, the server's refusal in
// words, the span of a jobs or usage export, and the chargeback table as CSV.
import { describe, expect, it } from 'vitest';
import { chargebackCsv } from '../src/lib/chargeback';
import { csvField, toCsv } from '../src/lib/csv';
import { downloadName, exportUrl, problemMessage } from '../src/lib/download';
import { dataExportRange } from '../src/lib/export-range';

describe('export URLs', () => {
  it('builds the statements, jobs and usage routes with only the parameters given', () => {
    expect(exportUrl({ kind: 'statements', period: ' 2026-10 ', format: 'csv', status: '' })).toBe(
      '/export/v1/statements?period=2026-10&format=csv',
    );
    expect(exportUrl({ kind: 'statements', period: '2026-Q4', format: 'json', status: 'APPROVED' })).toBe(
      '/export/v1/statements?period=2026-Q4&format=json&status=APPROVED',
    );
    expect(exportUrl({ kind: 'jobs', format: 'csv', period: '2026-10', customerId: 'c1' })).toBe(
      '/export/v1/jobs?period=2026-10&format=csv&customerId=c1',
    );
    expect(
      exportUrl({
        kind: 'usage',
        format: 'json',
        from: '2026-10-01T00:00:00.000Z',
        to: '2026-10-08T00:00:00.000Z',
        printerId: 'p1',
      }),
    ).toBe(
      '/export/v1/usage?from=2026-10-01T00%3A00%3A00.000Z&to=2026-10-08T00%3A00%3A00.000Z&format=json&printerId=p1',
    );
  });

  it('saves under the server’s name, else one made from the request', () => {
    const jobs = {
      kind: 'jobs',
      format: 'csv',
      from: '2026-10-01T00:00:00Z',
      to: '2026-10-31T00:00:00Z',
    } as const;
    expect(downloadName('attachment; filename="jobs-2026-10-01-2026-11-01.csv"', jobs)).toBe(
      'jobs-2026-10-01-2026-11-01.csv',
    );
    expect(downloadName(null, jobs)).toBe('jobs-2026-10-01_2026-10-31.csv');
    expect(downloadName(null, { kind: 'statements', period: '2026-10', format: 'json' })).toBe(
      'statements-2026-10.json',
    );
  });

  it('says which parameter the server refused', () => {
    expect(
      problemMessage({ title: 'Bad Request', errors: [{ path: 'to', message: 'must be after from' }] }, 400),
    ).toBe('to: must be after from');
    expect(
      problemMessage(
        { title: 'Forbidden', detail: 'Job export needs a reseller key or user with role billing or admin' },
        403,
      ),
    ).toContain('role billing');
    expect(problemMessage(null, 502)).toBe('export failed (HTTP 502)');
  });
});

describe('data export span', () => {
  it('takes a UTC month', () => {
    expect(dataExportRange({ month: '2026-10' })).toEqual({ ok: true, value: { period: '2026-10' } });
    expect(dataExportRange({ month: '2026-13' })).toMatchObject({
      ok: false,
      errors: { month: expect.any(String) },
    });
  });

  it('takes inclusive dates and sends the exclusive end', () => {
    expect(dataExportRange({ from: '2026-10-01', to: '2026-10-31' })).toEqual({
      ok: true,
      value: { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' },
    });
    expect(dataExportRange({ from: '2026-10-05', to: '2026-10-05' })).toMatchObject({ ok: true });
  });

  it('names the date at fault', () => {
    expect(dataExportRange({ from: '', to: '2026-02-30' })).toEqual({
      ok: false,
      errors: { from: 'is required', to: '"2026-02-30" is not a date' },
    });
    expect(dataExportRange({ from: '2026-10-05', to: '2026-10-04' })).toEqual({
      ok: false,
      errors: { to: 'must not be before from' },
    });
    expect(dataExportRange({ from: '2025-01-01', to: '2026-01-02' })).toMatchObject({
      ok: false,
      errors: { to: expect.stringContaining('366 days') },
    });
    expect(dataExportRange({ from: '2025-01-01', to: '2026-01-01' })).toMatchObject({ ok: true });
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
  });

  it('writes the chargeback table with exact figures', () => {
    const csv = chargebackCsv('PROJECT', [
      {
        key: 'Tower, block B',
        jobCount: 3,
        printCount: 2,
        copyCount: 1,
        pages: '7',
        mediaAreaM2: '12.345678',
        jobsWithoutMediaArea: 1,
        mediaLengthM: null,
        inkMl: '3.5',
      },
      {
        key: null,
        jobCount: 1,
        printCount: 1,
        copyCount: 0,
        pages: '1',
        mediaAreaM2: null,
        jobsWithoutMediaArea: 1,
        mediaLengthM: null,
        inkMl: null,
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'project,jobs,prints,copies,pages,media_area_m2,jobs_without_media_area,media_length_m,ink_ml',
      '"Tower, block B",3,2,1,7,12.345678,1,,3.5',
      ',1,1,0,1,,1,,',
      '',
    ]);
  });
});
