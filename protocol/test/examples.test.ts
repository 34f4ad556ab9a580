import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COLLECTOR_CONFIG,
  deterministicUuid,
  exampleCollectorReport,
  exampleDirectReport,
  reportV1Schema,
} from '@plotmeter/protocol';

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(0.01);

describe('exampleDirectReport', () => {
  it('is deterministic for the same serial and seed, and differs across seeds', () => {
    expect(exampleDirectReport({ serialNumber: 'SN-A', seed: 3 })).toEqual(
      exampleDirectReport({ serialNumber: 'SN-A', seed: 3 }),
    );
    const a = exampleDirectReport({ serialNumber: 'SN-A', seed: 1 });
    const b = exampleDirectReport({ serialNumber: 'SN-A', seed: 2 });
    expect(a.reportId).not.toBe(b.reportId);
    expect(a.printers[0]!.jobs[0]!.uuid).not.toBe(b.printers[0]!.jobs[0]!.uuid);
    expect(b.printers[0]!.usage.pages!).toBeGreaterThan(a.printers[0]!.usage.pages!);
  });

  it('is a realistic T1700 report: 2 printheads, 6 cartridges, 2 rolls, 4 localized media types, 3 jobs, 1 alert', () => {
    const printer = exampleDirectReport().printers[0]!;
    expect(printer.device.productName).toContain('DesignJet T1700');
    expect(printer.printheads).toHaveLength(2);
    expect(printer.cartridges.map((c) => c.productNumber)).toEqual([
      'P2V68A',
      'P2V69A',
      'P2V70A',
      'P2V71A',
      'P2V72A',
      'P2V73A',
    ]);
    expect(printer.mediaSources.filter((m) => m.kind === 'roll')).toHaveLength(2);
    for (const media of printer.supportedMediaTypes!)
      expect(Object.keys(media.names).sort()).toEqual(['de', 'en', 'es', 'fr']);
    expect(printer.jobs).toHaveLength(3);
    expect(printer.alerts).toHaveLength(1);
  });

  it('keeps lifetime counters consistent with each other', () => {
    for (const seed of [0, 7]) {
      const { usage, cartridges } = exampleDirectReport({ seed }).printers[0]!;
      for (const type of usage.inkByCartridgeType) close(type.oemMl! + type.nonOemMl!, type.totalMl!);
      close(
        usage.inkByCartridgeType.reduce((s, t) => s + t.totalMl!, 0),
        usage.totalInkMl!,
      );
      close(
        usage.mediaByType.reduce((s, m) => s + m.areaM2, 0),
        usage.totalMediaAreaM2!,
      );
      close(
        usage.applicationCategories.reduce((s, c) => s + c.areaM2, 0),
        usage.totalMediaAreaM2!,
      );
      for (const c of cartridges) expect(c.nonOemInkConsumedMl!).toBeLessThanOrEqual(c.inkConsumedMl!);
    }
  });

  it('keeps each job consistent: categories add up to the job totals', () => {
    for (const job of exampleDirectReport().printers[0]!.jobs) {
      close(
        job.categories.reduce((s, c) => s + c.inkMl, 0),
        job.inkByColor.reduce((s, i) => s + i.ml, 0),
      );
      close(
        job.categories.reduce((s, c) => s + c.mediaAreaM2, 0),
        job.mediaAreaM2!,
      );
      expect(job.printedAreaM2!).toBeLessThanOrEqual(job.mediaAreaM2!);
      expect(Date.parse(job.submittedAt!)).toBeLessThan(Date.parse(job.completedAt));
    }
  });

  it('applies overrides and stays valid', () => {
    const report = exampleDirectReport({
      serialNumber: 'CN12345678',
      reportId: '11111111-2222-4333-8444-555555555555',
      sentAt: '2025-06-01T12:00:00+02:00',
      printer: { jobs: [] },
    });
    expect(report.reportId).toBe('11111111-2222-4333-8444-555555555555');
    expect(report.printers[0]!.device.serialNumber).toBe('CN12345678');
    expect(report.printers[0]!.jobs).toEqual([]);
    expect(reportV1Schema.safeParse(report).success).toBe(true);
  });
});

describe('exampleCollectorReport', () => {
  it('covers each serial once and validates', () => {
    const report = exampleCollectorReport(['A1', 'B2']);
    expect(report.source.kind).toBe('collector');
    expect(report.printers.map((p) => p.device.serialNumber)).toEqual(['A1', 'B2']);
    expect(reportV1Schema.safeParse(report).success).toBe(true);
  });
});

describe('deterministicUuid', () => {
  it('produces valid, distinct version-4 UUIDs', () => {
    const a = deterministicUuid('a');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('a')).toBe(a);
    expect(deterministicUuid('b')).not.toBe(a);
  });
});

describe('DEFAULT_COLLECTOR_CONFIG', () => {
  it('cannot be altered by a caller', () => {
    expect(() => (DEFAULT_COLLECTOR_CONFIG.supportedModels as string[]).push('Latex')).toThrow(TypeError);
    expect(() => {
      (DEFAULT_COLLECTOR_CONFIG.ports as { ipp: number }).ipp = 1;
    }).toThrow(TypeError);
    expect(DEFAULT_COLLECTOR_CONFIG.supportedModels).toEqual(['DesignJet', 'PageWide XL']);
  });
});
