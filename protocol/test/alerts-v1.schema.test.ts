import { describe, expect, it } from 'vitest';
import { alertBatchV1Schema, formatZodIssues } from '@plotmeter/protocol';

const alert = {
  code: 'ink-cartridge-missing',
  severity: 'critical',
  message: 'Magenta cartridge missing',
  detectedAt: '2025-03-03T09:14:00+01:00',
};

function errorsOf(input: unknown) {
  const result = alertBatchV1Schema.safeParse(input);
  return result.success ? [] : formatZodIssues(result.error);
}

describe('alertBatchV1Schema', () => {
  const batch = {
    schemaVersion: 1,
    alertId: '0b7c3c52-8f0a-4d4e-9a43-5b1f2f6c7d11',
    serialNumber: 'SG93K4B01N',
    alerts: [alert],
  };

  it('accepts a batch without sentAt and with optional alert fields absent', () => {
    expect(errorsOf(batch)).toEqual([]);
  });

  it('requires between 1 and 100 alerts', () => {
    expect(errorsOf({ ...batch, alerts: [] }).map((e) => e.path)).toEqual(['alerts']);
    expect(
      errorsOf({ ...batch, alerts: Array.from({ length: 101 }, () => alert) }).map((e) => e.path),
    ).toEqual(['alerts']);
    expect(errorsOf({ ...batch, alerts: Array.from({ length: 100 }, () => alert) })).toEqual([]);
  });

  it('rejects an unknown severity and a bad alertId with exact paths', () => {
    expect(errorsOf({ ...batch, alertId: 'x', alerts: [{ ...alert, severity: 'fatal' }] })).toEqual([
      { path: 'alertId', message: expect.stringContaining('expected a UUID') },
      { path: 'alerts.0.severity', message: 'expected one of info, warning, error, critical, got "fatal"' },
    ]);
  });
});
