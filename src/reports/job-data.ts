// The data carried by ingest jobs. Everything a handler needs travels with the job (including the
// tenant), so a worker never re-authenticates and a replay from the archive builds the same data.
import type { AlertBatchV1, ReportV1 } from '@plotmeter/protocol';
import type { Sender } from './sender';
import type { CollectorHealth } from '../entities/collector.entity';
import type { PayloadEncoding } from '../entities/raw-report.entity';
import type { TraceCarrier } from '../observability/tracing';

/** A report as the worker persists it (decoded and validated). Replays and tests build this directly. */
export interface PersistReportJobData {
  receiptId: string;
  sender: Sender;
  receivedAt: string;
  bodyBytes: number;
  report: ReportV1;
  /** The collector-health extension of the upload, when a collector sent it. */
  collectorHealth?: (CollectorHealth & { version?: string; hostname?: string }) | null;
  /** W3C trace context of the ingest request, only while tracing is on (src/observability/tracing.ts). */
  trace?: TraceCarrier;
  /**
   * The body as the sender sent it, archived as it is (raw_report.payload). Absent for reports built
   * in memory (replays of rows archived as jsonb, tests): those are archived as jsonb `body`.
   */
  wire?: { encoding: PayloadEncoding; bytes: Buffer };
}

/**
 * A report as it waits in the queue: the body exactly as the sender compressed it (base64 of the
 * gzip bytes, or the JSON text when it came uncompressed), not the parsed object. The queue is where
 * reports wait out a PostgreSQL outage, and a gzipped report is about a seventh of its JSON; writing
 * it also costs the ingest route far less CPU than serialising the object again. The worker decodes
 * and validates it with the same schema (src/reports/queued-report.ts).
 */
export interface QueuedReportJobData extends Omit<PersistReportJobData, 'report' | 'wire'> {
  reportId: string;
  body: { encoding: 'gzip' | 'identity'; data: string };
}

export type PersistAlertsJobData =
  | {
      type: 'device-alerts';
      receiptId: string;
      sender: Sender;
      receivedAt: string;
      bodyBytes: number;
      batch: AlertBatchV1;
      trace?: TraceCarrier;
    }
  | {
      type: 'identity-mismatch';
      sender: Sender;
      receivedAt: string;
      expectedSerial: string;
      reportedSerial: string;
    };

/** BullMQ job ids may not contain ":"; key ids and report ids never contain ".". */
export const reportJobId = (keyId: string, reportId: string) => `r.${keyId}.${reportId}`;
export const alertJobId = (keyId: string, alertId: string) => `a.${keyId}.${alertId}`;
