// POST /ingest/v1/reports: a signed Report v1 from a direct-connect printer or a collector, validated
// (the fast acceptor, else zod with field errors), checked against its credential, and queued as sent.
// The 202 means BullMQ has the job; the worker persists it (src/jobs/persist-report.job.ts).
import { randomUUID } from 'node:crypto';
import { reportV1Schema, validationProblem, type ReportV1 } from '@plotmeter/protocol';
import type { FastifyInstance } from 'fastify';
import { ingestAccepted, ingestRejected } from '../observability/metrics';
import { traceCarrier } from '../observability/tracing';
import { isGzip } from '../reports/body';
import { collectorHealthOf } from '../reports/collector-health';
import { type PersistAlertsJobData, reportJobId } from '../reports/job-data';
import { encodeQueuedReport } from '../reports/queued-report';
import { enqueueOnce } from './enqueue-once';
import { FAILED, type IngestContext, senderOf, withDeadline } from './ingest-context';

export function registerReportRoute(app: FastifyInstance, ctx: IngestContext): void {
  const { redis, queues, keys, acceptReport, reject, redisDown, notDurable, authenticated, decodeJson } = ctx;
  app.post('/ingest/v1/reports', async (request, reply) => {
    if (notDurable(reply, request)) return reply;
    const auth = await authenticated(request, reply);
    if (!auth) return reply;
    const { sender, body } = auth;
    const json = await decodeJson(request, reply, body);
    if (json === FAILED) return reply;
    // The fast acceptor vouches for most reports; whatever it is unsure about, zod judges and explains.
    let report: ReportV1;
    if (acceptReport(json)) {
      // Valid as sent; only declared fields are read below, which zod's output would carry unchanged.
      report = json as ReportV1;
    } else {
      const parsed = reportV1Schema.safeParse(json);
      if (!parsed.success) {
        ingestRejected.inc({ status: '400', reason: 'invalid_report' });
        return reply
          .code(400)
          .type('application/problem+json')
          .send(validationProblem(parsed.error, 'the report does not match Report v1'));
      }
      report = parsed.data;
    }
    const expectedKind = sender.kind === 'printer' ? 'direct' : 'collector';
    if (report.source.kind !== expectedKind) {
      return reject(
        reply,
        400,
        'Bad Request',
        `a ${sender.kind} credential must send source.kind "${expectedKind}"`,
        'wrong_source_kind',
        {
          errors: [{ path: 'source.kind', message: `must be "${expectedKind}" for this credential` }],
        },
      );
    }
    const receivedAt = new Date().toISOString();
    if (sender.kind === 'printer') {
      const reportedSerial = report.printers[0]!.device.serialNumber;
      if (reportedSerial !== sender.printerSerial) {
        const data: PersistAlertsJobData = {
          type: 'identity-mismatch',
          sender: senderOf(sender),
          receivedAt,
          expectedSerial: sender.printerSerial ?? '',
          reportedSerial,
        };
        await withDeadline(queues.alerts.add('persist-alerts', data, { priority: 1 })).catch((err) =>
          request.log.error({ err }, 'could not queue identity-mismatch alert'),
        );
        return reject(
          reply,
          403,
          'Forbidden',
          `report is for serial ${reportedSerial} but this credential belongs to ${sender.printerSerial}`,
          'identity_mismatch',
          {
            errors: [
              {
                path: 'printers.0.device.serialNumber',
                message: 'does not match the serial this credential was issued for',
              },
            ],
          },
        );
      }
    }
    const collectorHealth = sender.kind === 'collector' ? collectorHealthOf(json) : null;
    const trace = traceCarrier(request.trace?.context);
    const data = encodeQueuedReport(
      {
        receiptId: randomUUID(),
        sender: senderOf(sender),
        receivedAt,
        bodyBytes: body.length,
        reportId: report.reportId,
        collectorHealth,
        ...(trace ? { trace } : {}),
      },
      body,
      isGzip(request.headers['content-encoding']),
    );
    try {
      const result = await withDeadline(
        enqueueOnce({
          queue: queues.reports,
          name: 'persist-report',
          idempotencyKey: reportJobId(sender.keyId, report.reportId),
          data,
          legacyReceiptKey: keys.receipt(sender.keyId, report.reportId),
          redis,
        }),
      );
      ingestAccepted.inc({ kind: 'report', duplicate: String(result.duplicate) });
      return reply.code(202).send(result);
    } catch (error) {
      return redisDown(reply, request, error);
    }
  });
}
