// POST /ingest/v1/alerts: an immediate alert batch from a direct-connect printer, queued on the
// priority queue so a report backlog never delays it (src/jobs/persist-alerts.job.ts).
import { randomUUID } from 'node:crypto';
import { alertBatchV1Schema, validationProblem } from '@plotmeter/protocol';
import type { FastifyInstance } from 'fastify';
import { ingestAccepted, ingestRejected } from '../observability/metrics';
import { traceCarrier } from '../observability/tracing';
import { type PersistAlertsJobData, alertJobId } from '../reports/job-data';
import { enqueueOnce } from './enqueue-once';
import { FAILED, type IngestContext, senderOf, withDeadline } from './ingest-context';

export function registerAlertsRoute(app: FastifyInstance, ctx: IngestContext): void {
  const { redis, queues, keys, reject, redisDown, notDurable, authenticated, decodeJson } = ctx;
  app.post('/ingest/v1/alerts', async (request, reply) => {
    if (notDurable(reply, request)) return reply;
    const auth = await authenticated(request, reply);
    if (!auth) return reply;
    const { sender, body } = auth;
    if (sender.kind !== 'printer')
      return reject(
        reply,
        403,
        'Forbidden',
        'only direct-connect printers send alert batches; collectors include alerts in reports',
        'wrong_sender',
      );
    const json = await decodeJson(request, reply, body);
    if (json === FAILED) return reply;
    const parsed = alertBatchV1Schema.safeParse(json);
    if (!parsed.success) {
      ingestRejected.inc({ status: '400', reason: 'invalid_alerts' });
      return reply
        .code(400)
        .type('application/problem+json')
        .send(validationProblem(parsed.error, 'the body does not match the alert batch v1 format'));
    }
    const batch = parsed.data;
    if (batch.serialNumber !== sender.printerSerial) {
      return reject(
        reply,
        403,
        'Forbidden',
        `alerts are for serial ${batch.serialNumber} but this credential belongs to ${sender.printerSerial}`,
        'identity_mismatch',
        {
          errors: [
            { path: 'serialNumber', message: 'does not match the serial this credential was issued for' },
          ],
        },
      );
    }
    const trace = traceCarrier(request.trace?.context);
    const data: PersistAlertsJobData & { receiptId: string } = {
      type: 'device-alerts',
      receiptId: randomUUID(),
      sender: senderOf(sender),
      receivedAt: new Date().toISOString(),
      bodyBytes: body.length,
      batch,
      ...(trace ? { trace } : {}),
    };
    try {
      const result = await withDeadline(
        enqueueOnce({
          queue: queues.alerts,
          name: 'persist-alerts',
          idempotencyKey: alertJobId(sender.keyId, batch.alertId),
          data,
          priority: 1,
          legacyReceiptKey: keys.receipt(sender.keyId, batch.alertId),
          redis,
        }),
      );
      ingestAccepted.inc({ kind: 'alerts', duplicate: String(result.duplicate) });
      return reply.code(202).send(result);
    } catch (error) {
      return redisDown(reply, request, error);
    }
  });
}
