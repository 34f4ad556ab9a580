// Reports wait in the queue as the sender's gzip bytes; the worker decodes exactly the validated report.
import { gzipSync } from 'node:zlib';
import { exampleCollectorReport, exampleDirectReport, reportV1Schema } from '@plotmeter/protocol';
import { describe, expect, it } from 'vitest';
import {
  decodeArchivedReport,
  decodeQueuedReport,
  encodeQueuedReport,
  queuedReportId,
} from '../../src/reports/queued-report';

const sender = {
  keyId: 'pk_x',
  kind: 'printer' as const,
  resellerId: 'r',
  printerId: 'p',
  printerSerial: 'SG1',
  collectorId: null,
};
const meta = {
  receiptId: 'rc',
  sender,
  receivedAt: '2026-11-26T00:00:00.000Z',
  bodyBytes: 10,
  collectorHealth: null,
};

describe('queued reports', () => {
  // A realistic direct-connect report: 20 jobs.
  const report = exampleDirectReport({ serialNumber: 'SG1' });
  const template = report.printers[0]!.jobs[0]!;
  report.printers[0]!.jobs = Array.from({ length: 20 }, (_, i) => ({
    ...template,
    uuid: `job-${i}`,
    name: `Sheet A${i}.pdf`,
  }));
  const json = Buffer.from(JSON.stringify({ ...report, unknownFutureField: 1 }));

  it('carries the gzip body (a fraction of the JSON) and decodes to the validated report', () => {
    const wire = gzipSync(json);
    const queued = encodeQueuedReport({ ...meta, reportId: report.reportId }, wire, true);
    expect(JSON.stringify(queued).length).toBeLessThan(JSON.stringify(report).length / 3);
    expect(queuedReportId(queued)).toBe(report.reportId);
    const decoded = decodeQueuedReport(queued);
    expect(decoded.report).toEqual(reportV1Schema.parse(report));
    expect(decoded).toMatchObject({ receiptId: 'rc', sender, bodyBytes: 10 });
    expect('body' in decoded).toBe(false);
    // The sender's bytes travel on, to be archived exactly as sent.
    expect(decoded.wire).toEqual({ encoding: 'gzip', bytes: wire });
  });

  it('decodes a report without undeclared keys to the same value zod outputs, collector health aside', () => {
    const exact = Buffer.from(JSON.stringify(report));
    const plain = decodeQueuedReport(
      encodeQueuedReport({ ...meta, reportId: report.reportId }, exact, false),
    );
    expect(plain.report).toEqual(reportV1Schema.parse(report));
    expect(plain.wire!.bytes.equals(exact)).toBe(true);

    const collector = exampleCollectorReport(['SG1', 'SG2'], 1);
    const upload = { ...collector, collector: { version: '1.2.3', hostname: 'lan-box', printersFound: 2 } };
    const archived = decodeArchivedReport(gzipSync(JSON.stringify(upload)), 'gzip');
    expect(archived.report).toEqual(reportV1Schema.parse(collector));
    expect('collector' in archived.report).toBe(false);
    expect(archived.collectorHealth).toEqual(upload.collector);
  });

  it('keeps an uncompressed body as text', () => {
    const decoded = decodeQueuedReport(
      encodeQueuedReport({ ...meta, reportId: report.reportId }, json, false),
    );
    expect(decoded.report).toEqual(reportV1Schema.parse(report));
  });

  it('accepts jobs queued in the older parsed form unchanged', () => {
    const old = { ...meta, report };
    expect(decodeQueuedReport(old)).toBe(old);
    expect(queuedReportId(old)).toBe(report.reportId);
  });
});
