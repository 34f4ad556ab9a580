// The data carried by ingest jobs. Everything a handler needs travels with the job (including the
// tenant), so a worker never re-authenticates and a replay from the archive builds the same data.
import type { AlertBatchV1, ReportV1 } from '@plotmeter/protocol';
import type { Sender } from '../ingest/credentials';
import type { CollectorHealth } from '../entities/collector.entity';

export interface PersistReportJobData {
  receiptId: string;
  sender: Sender;
  receivedAt: string;
  bodyBytes: number;
  report: ReportV1;
  /** The collector-health extension of the upload, when a collector sent it. */
  collectorHealth?: (CollectorHealth & { version?: string; hostname?: string }) | null;
}

export type PersistAlertsJobData =
  | {
      type: 'device-alerts';
      receiptId: string;
      sender: Sender;
      receivedAt: string;
      bodyBytes: number;
      batch: AlertBatchV1;
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
