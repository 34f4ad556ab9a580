/* eslint-disable @typescript-eslint/no-explicit-any -- tests corrupt plain JSON copies of a report at arbitrary paths */
import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  exampleCollectorReport,
  exampleDirectReport,
  formatZodIssues,
  reportV1Schema,
  type FieldError,
} from '@plotmeter/protocol';

/** Validates a JSON-ish value and returns the formatted errors (empty when valid). */
function errorsOf(input: unknown): FieldError[] {
  const result = reportV1Schema.safeParse(input);
  return result.success ? [] : formatZodIssues(result.error);
}

/** A deep copy of the example report, as plain JSON data that tests may mutate freely. */
function sample(): Record<string, any> {
  return JSON.parse(JSON.stringify(exampleDirectReport()));
}

describe('reportV1Schema', () => {
  it('accepts the example direct report and keeps its values', () => {
    const report = exampleDirectReport();
    const parsed = reportV1Schema.parse(report);
    expect(parsed).toEqual(report);
    expect(parsed.printers[0]!.jobs).toHaveLength(3);
  });

  it('accepts the example after a JSON round trip (what actually crosses the wire)', () => {
    expect(errorsOf(sample())).toEqual([]);
  });

  it('accepts a collector report with several printers', () => {
    expect(errorsOf(exampleCollectorReport(['SN1', 'SN2', 'SN3']))).toEqual([]);
  });

  it('rejects a direct report with two printers, at path printers', () => {
    const report = sample();
    report.printers.push(JSON.parse(JSON.stringify(report.printers[0])));
    const errors = errorsOf(report);
    expect(errors).toEqual([{ path: 'printers', message: expect.stringContaining('exactly one printer') }]);
  });

  it('rejects a report with no printers', () => {
    const report = sample();
    report.printers = [];
    expect(errorsOf(report).map((e) => e.path)).toEqual(['printers']);
  });

  it('rejects a negative quantity with a human message naming the value', () => {
    const report = sample();
    report.printers[0].jobs[2].inkByColor[1].ml = -1;
    expect(errorsOf(report)).toEqual([
      { path: 'printers.0.jobs.2.inkByColor.1.ml', message: 'expected a finite number ≥ 0, got -1' },
    ]);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects %s in a quantity', (label, value) => {
    const report = exampleDirectReport();
    report.printers[0]!.usage.totalMediaAreaM2 = value;
    expect(errorsOf(report)).toEqual([
      { path: 'printers.0.usage.totalMediaAreaM2', message: `expected a finite number ≥ 0, got ${label}` },
    ]);
  });

  it('rejects a fractional integer counter', () => {
    const report = sample();
    report.printers[0].jobs[0].pages = 1.5;
    expect(errorsOf(report)).toEqual([
      { path: 'printers.0.jobs.0.pages', message: 'expected a whole number ≥ 0, got 1.5' },
    ]);
  });

  it('rejects a percentage above 100', () => {
    const report = sample();
    report.printers[0].cartridges[3].levelPercent = 101;
    expect(errorsOf(report).map((e) => e.path)).toEqual(['printers.0.cartridges.3.levelPercent']);
  });

  it('rejects wrong types with the exact path', () => {
    const report = sample();
    report.printers[0].usage.pages = '5120';
    report.printers[0].device.serialNumber = 42;
    report.printers[0].jobs[1].kind = 'fax';
    report.source.kind = 'cloud';
    const errors = errorsOf(report);
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'printers.0.usage.pages', message: 'expected a whole number ≥ 0, got "5120"' },
        {
          path: 'printers.0.device.serialNumber',
          message: expect.stringMatching(/^expected a non-empty string.*got 42$/),
        },
        { path: 'printers.0.jobs.1.kind', message: 'expected one of print, scan, copy, got "fax"' },
        { path: 'source.kind', message: 'expected one of direct, collector, got "cloud"' },
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it('rejects a 1 MB string without echoing it', () => {
    const report = sample();
    report.printers[0].jobs[0].name = 'x'.repeat(1024 * 1024);
    const errors = errorsOf(report);
    expect(errors).toEqual([
      { path: 'printers.0.jobs.0.name', message: 'expected at most 1024 characters, got 1048576 characters' },
    ]);
  });

  it('limits identifiers to 256 characters', () => {
    const report = sample();
    report.printers[0].device.serialNumber = 'S'.repeat(257);
    expect(errorsOf(report).map((e) => e.path)).toEqual(['printers.0.device.serialNumber']);
  });

  it.each([
    ['reportId', (r: Record<string, any>) => delete r.reportId, 'reportId'],
    ['sentAt', (r: Record<string, any>) => delete r.sentAt, 'sentAt'],
    ['device', (r: Record<string, any>) => delete r.printers[0].device, 'printers.0.device'],
    ['usage.jobs', (r: Record<string, any>) => delete r.printers[0].usage.jobs, 'printers.0.usage.jobs'],
    [
      'job completedAt',
      (r: Record<string, any>) => delete r.printers[0].jobs[0].completedAt,
      'printers.0.jobs.0.completedAt',
    ],
    ['alerts', (r: Record<string, any>) => delete r.printers[0].alerts, 'printers.0.alerts'],
  ])('rejects a missing required field: %s', (_label, mutate, path) => {
    const report = sample();
    mutate(report);
    const errors = errorsOf(report);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual({ path, message: expect.stringMatching(/^required: expected /) });
  });

  it('accepts absent and null optional fields ("unknown is null")', () => {
    const report = sample();
    delete report.printers[0].trigger;
    report.printers[0].supportedMediaTypes = null;
    delete report.printers[0].jobs[0].durationSeconds;
    report.printers[0].jobs[1].userName = null;
    report.printers[0].cartridges[0].levelPercent = null;
    delete report.source.hostname;
    const parsed = reportV1Schema.parse(report);
    expect(parsed.printers[0]!.supportedMediaTypes).toBeNull();
    expect(parsed.printers[0]!.trigger).toBeUndefined();
  });

  it('accepts null for required-but-unknowable measurements, but not absence', () => {
    const report = sample();
    report.printers[0].jobs[0].mediaAreaM2 = null;
    report.printers[0].cartridges[0].serialNumber = null;
    expect(errorsOf(report)).toEqual([]);
    delete report.printers[0].jobs[0].mediaAreaM2;
    expect(errorsOf(report).map((e) => e.path)).toEqual(['printers.0.jobs.0.mediaAreaM2']);
  });

  it('rejects 10,000 jobs at path printers.0.jobs', () => {
    const report = exampleDirectReport();
    const job = report.printers[0]!.jobs[0]!;
    report.printers[0]!.jobs = Array.from({ length: 10_000 }, () => job);
    expect(errorsOf(report)).toEqual([
      {
        path: 'printers.0.jobs',
        message: `expected at most ${LIMITS.maxJobsPerPrinter} items, got 10000 items`,
      },
    ]);
  });

  it('accepts exactly the job limit', () => {
    const report = exampleDirectReport();
    const job = report.printers[0]!.jobs[0]!;
    report.printers[0]!.jobs = Array.from({ length: LIMITS.maxJobsPerPrinter }, () => job);
    expect(errorsOf(report)).toEqual([]);
  });

  it('rejects more than the alert and component limits', () => {
    const report = exampleDirectReport();
    const printer = report.printers[0]!;
    printer.alerts = Array.from({ length: LIMITS.maxAlertsPerPrinter + 1 }, () => printer.alerts[0]!);
    printer.cartridges = Array.from({ length: 65 }, () => printer.cartridges[0]!);
    expect(
      errorsOf(report)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['printers.0.alerts', 'printers.0.cartridges']);
  });

  it.each(['not-a-uuid', '3f2b8c1e-5d4a-4e8b-9c0d-1a2b3c4d5e6', '', 12])(
    'rejects reportId %j',
    (reportId) => {
      const report = sample();
      report.reportId = reportId;
      expect(errorsOf(report).map((e) => e.path)).toEqual(['reportId']);
    },
  );

  it.each(['2025-03-03 09:15:00', '2025-03-03T09:15:00', '03/03/2025', '2025-13-03T09:15:00Z', 1741000000])(
    'rejects timestamp %j (ISO-8601 with offset required)',
    (sentAt) => {
      const report = sample();
      report.sentAt = sentAt;
      expect(errorsOf(report)).toEqual([{ path: 'sentAt', message: expect.stringContaining('ISO-8601') }]);
    },
  );

  it('accepts timestamps with a numeric offset and keeps them as strings', () => {
    const report = sample();
    report.sentAt = '2025-03-03T10:15:00.250+01:00';
    expect(reportV1Schema.parse(report).sentAt).toBe('2025-03-03T10:15:00.250+01:00');
  });

  it('rejects schemaVersion other than 1', () => {
    const report = sample();
    report.schemaVersion = 2;
    expect(errorsOf(report).map((e) => e.path)).toEqual(['schemaVersion']);
  });

  it('ignores unknown fields at every level instead of rejecting them', () => {
    const report = sample();
    report.firmwareExtension = { foo: 1 };
    report.printers[0].device.region = 'EMEA';
    report.printers[0].jobs[0].inkByColor[0].density = 1.2;
    const parsed = reportV1Schema.parse(report) as Record<string, any>;
    expect(parsed.firmwareExtension).toBeUndefined();
    expect(parsed.printers[0].device.region).toBeUndefined();
    expect(parsed.printers[0].jobs[0].inkByColor[0]).toEqual({
      color: 'matte-black',
      ml: expect.any(Number),
    });
  });

  it('accepts any engine state string but bounds its length', () => {
    const report = sample();
    report.printers[0].status.engineState = 'calibrating';
    expect(errorsOf(report)).toEqual([]);
    report.printers[0].status.engineState = 'x'.repeat(65);
    expect(errorsOf(report).map((e) => e.path)).toEqual(['printers.0.status.engineState']);
  });

  it('accepts opaque JSON for category settings but not scalars', () => {
    const report = sample();
    report.printers[0].jobCategoryThresholds = { nested: { a: [1, 2] } };
    report.printers[0].printCategories = [];
    expect(errorsOf(report)).toEqual([]);
    report.printers[0].printCategories = 'lines';
    expect(errorsOf(report).map((e) => e.path)).toEqual(['printers.0.printCategories']);
  });

  it('validates localized media type names as locale -> string', () => {
    const report = sample();
    report.printers[0].supportedMediaTypes[0].names.it = 42;
    expect(errorsOf(report).map((e) => e.path)).toEqual(['printers.0.supportedMediaTypes.0.names.it']);
  });
});
