// Encoding of reports for the queue (see QueuedReportJobData), decoding in the worker, and decoding of
// an archived upload for a replay: all three carry the sender's bytes, which the worker archives as
// they are (raw_report.payload).
import { gunzipSync } from 'node:zlib';
import { LIMITS, reportV1Schema, type ReportV1 } from '@plotmeter/protocol';
import { parseJson } from './body';
import { collectorHealthOf } from './collector-health';
import { compileAcceptor, type Acceptor } from './schema-acceptor';
import type { PayloadEncoding } from '../entities/raw-report.entity';
import type { PersistReportJobData, QueuedReportJobData } from './job-data';

export function encodeQueuedReport(
  input: Omit<PersistReportJobData, 'report' | 'wire'> & { reportId: string },
  wireBody: Buffer,
  gzipped: boolean,
): QueuedReportJobData {
  return {
    ...input,
    body: gzipped
      ? { encoding: 'gzip', data: wireBody.toString('base64') }
      : { encoding: 'identity', data: wireBody.toString('utf8') },
  };
}

/** Jobs queued before the queued form existed carry the parsed report; both are accepted. */
export function decodeQueuedReport(data: QueuedReportJobData | PersistReportJobData): PersistReportJobData {
  if ('report' in data) return data;
  const { body, reportId: _reportId, ...rest } = data;
  const bytes = body.encoding === 'gzip' ? Buffer.from(body.data, 'base64') : Buffer.from(body.data, 'utf8');
  return {
    ...rest,
    report: decodeReport(bytes, body.encoding).report,
    wire: { encoding: body.encoding, bytes },
  };
}

/** An archived upload (raw_report.payload), decoded as the route and the worker decoded it. */
export function decodeArchivedReport(
  bytes: Buffer,
  encoding: PayloadEncoding,
): { report: ReportV1; collectorHealth: PersistReportJobData['collectorHealth'] } {
  const { report, upload } = decodeReport(bytes, encoding);
  return { report, collectorHealth: collectorHealthOf(upload) };
}

/**
 * The sender's bytes to the report the worker persists: zod's output for the body. The route validated
 * the body before queueing it, so zod would only strip keys Report v1 does not declare; when the exact
 * acceptor finds none, the parsed JSON already is that output and zod's copy (~0.2 ms per report, most of
 * the worker's decoding) is skipped. Anything else goes through zod as before.
 */
function decodeReport(bytes: Buffer, encoding: PayloadEncoding): { report: ReportV1; upload: unknown } {
  const body =
    encoding === 'gzip' ? gunzipSync(bytes, { maxOutputLength: LIMITS.maxDecompressedBytes }) : bytes;
  const upload = parseJson(body);
  return { report: asReport(upload), upload };
}

let acceptExactly: Acceptor | null = null;

function asReport(upload: unknown): ReportV1 {
  acceptExactly ??= exactReportAcceptor();
  // A collector's health extension is the one undeclared key expected; zod would strip it.
  const candidate =
    upload !== null && typeof upload === 'object' && 'collector' in upload
      ? withoutCollector(upload as Record<string, unknown>)
      : upload;
  return acceptExactly(candidate) ? (candidate as ReportV1) : reportV1Schema.parse(upload);
}

function withoutCollector(upload: Record<string, unknown>): Record<string, unknown> {
  const { collector: _collector, ...report } = upload;
  return report;
}

function exactReportAcceptor(): Acceptor {
  try {
    return compileAcceptor(reportV1Schema, { exactKeys: true });
  } catch {
    return () => false; // the schema grew a kind the acceptor cannot mirror: zod decides, as before
  }
}

export const queuedReportId = (data: QueuedReportJobData | PersistReportJobData): string =>
  'report' in data ? data.report.reportId : data.reportId;
