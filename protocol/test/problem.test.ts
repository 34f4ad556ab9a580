import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  MAX_REPORTED_ERRORS,
  exampleDirectReport,
  formatZodIssues,
  problemDetails,
  reportV1Schema,
  validationProblem,
} from '@plotmeter/protocol';

describe('formatZodIssues', () => {
  it('dots nested paths including array indexes', () => {
    const report = exampleDirectReport();
    report.printers[0]!.jobs[2]!.inkByColor[1]!.ml = -0.5;
    const result = reportV1Schema.safeParse(report);
    expect(formatZodIssues(result.error!)).toEqual([
      { path: 'printers.0.jobs.2.inkByColor.1.ml', message: 'expected a finite number ≥ 0, got -0.5' },
    ]);
  });

  it('caps the number of errors so a huge bad body gives a small answer', () => {
    const schema = z.array(z.number());
    const error = schema.safeParse(Array.from({ length: 500 }, () => 'x')).error!;
    expect(formatZodIssues(error)).toHaveLength(MAX_REPORTED_ERRORS);
    expect(formatZodIssues(error, 3).map((e) => e.path)).toEqual(['0', '1', '2']);
  });

  it('uses an empty path for a root-level problem', () => {
    const result = reportV1Schema.safeParse('not an object');
    expect(formatZodIssues(result.error!)).toEqual([
      { path: '', message: 'expected an object, got "not an object"' },
    ]);
  });
});

describe('problemDetails', () => {
  it('builds an RFC 9457 body, omitting absent members', () => {
    expect(problemDetails({ status: 401, title: 'Unauthorized' })).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
    });
  });

  it('includes detail and field errors for validation failures', () => {
    const result = reportV1Schema.safeParse({ ...exampleDirectReport(), reportId: 'nope' });
    const body = validationProblem(result.error!);
    expect(body).toMatchObject({ type: 'about:blank', title: 'Invalid request body', status: 400 });
    expect(body.detail).toContain('1 field');
    expect(body.errors).toEqual([{ path: 'reportId', message: expect.stringContaining('got "nope"') }]);
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });
});
