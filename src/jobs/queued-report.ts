// Encoding of reports for the queue (see QueuedReportJobData) and decoding in the worker.
import { gunzipSync } from 'node:zlib';
import { LIMITS, reportV1Schema } from '@plotmeter/protocol';
import type { PersistReportJobData, QueuedReportJobData } from './job-data';

export function encodeQueuedReport(
  input: Omit<PersistReportJobData, 'report'> & { reportId: string },
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
  const text =
    body.encoding === 'gzip'
      ? gunzipSync(Buffer.from(body.data, 'base64'), {
          maxOutputLength: LIMITS.maxDecompressedBytes,
        }).toString('utf8')
      : body.data;
  // The route validated this body before queueing it; parsing again yields the same (schema-normalised)
  // report, which is what the worker must persist.
  return { ...rest, report: reportV1Schema.parse(JSON.parse(text)) };
}

export const queuedReportId = (data: QueuedReportJobData | PersistReportJobData): string =>
  'report' in data ? data.report.reportId : data.reportId;
