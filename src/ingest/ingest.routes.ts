// The ingest role's HTTP routes: signed reports and alerts from printers and collectors, collector
// enrollment, configuration, credential rotation and health. Accepting means "durably queued in Redis" — a 202 is only sent after
// BullMQ has the job; persistence happens in the worker (src/jobs/persist-report.job.ts).
import { randomUUID } from 'node:crypto';
import {
  COLLECTOR_PATHS,
  CREDENTIAL_EXPIRES_HEADER,
  CREDENTIAL_ROTATE_HEADER,
  LIMITS,
  alertBatchV1Schema,
  collectorHealthBodySchema,
  enrollRequestSchema,
  reportV1Schema,
  validationProblem,
  type ReportV1,
} from '@plotmeter/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Collector } from '../entities/collector.entity';
import { ingestAccepted, ingestRejected } from '../observability/metrics';
import { sendProblem } from '../http/problem';
import { type PersistAlertsJobData, alertJobId, reportJobId } from '../reports/job-data';
import { createQueues } from '../queue/queues';
import { createRedis, waitForRedis } from '../services/redis';
import { encodeQueuedReport } from '../reports/queued-report';
import type { AppServices } from '../services/app-services';
import { rotateCollectorKey } from '../services/collector-lifecycle';
import { EnrollmentRejected, enrollCollector } from '../services/devices';
import { BodyError, decodeBody, isGzip, parseJson } from '../reports/body';
import { collectorHealthOf } from '../reports/collector-health';
import { saveCollectorHealth } from '../repositories/collectors.repository';
import type { ResolvedCredential } from '../auth/device-credentials';
import { enqueueOnce } from './enqueue-once';
import { compileAcceptor, type Acceptor } from '../reports/schema-acceptor';
import { redisKeys } from './redis-keys';
import { RedisUnavailable, authenticateSender } from './sender-auth';
import { withTimeout } from '../lib/timeout';

export interface IngestRole {
  close(): Promise<void>;
}

/** A Redis call on the request path may take this long before we answer 503 instead of hanging. */
const REDIS_DEADLINE_MS = 800;

function withDeadline<T>(promise: Promise<T>): Promise<T> {
  return withTimeout(promise, REDIS_DEADLINE_MS, (ms) => new RedisUnavailable(`no answer within ${ms} ms`));
}

export function registerIngestRoutes(app: FastifyInstance, services: AppServices): IngestRole {
  const { config } = services;
  // The request path's own connection (auto-pipelined, fails fast; src/services/redis.ts).
  const redis = createRedis(config, 'ingest');
  // Start serving with it connected, as with the shared connection; if Redis is down, start anyway:
  // requests get 503 and /readyz says so until it is back.
  app.addHook('onReady', () => waitForRedis(redis, 2_000).catch(() => undefined));
  const queues = createQueues(redis, config.REDIS_PREFIX);
  const credentials = services.deviceCredentials;
  const keys = redisKeys(config.REDIS_PREFIX);
  const acceptReport = reportAcceptor(services.log);

  const reject = (
    reply: FastifyReply,
    status: number,
    title: string,
    detail: string,
    reason: string,
    extra: Record<string, unknown> = {},
  ) => {
    ingestRejected.inc({ status: String(status), reason });
    return sendProblem(reply, status, title, detail, extra);
  };
  const redisDown = (reply: FastifyReply, request: FastifyRequest, error: unknown) => {
    request.log.warn({ err: error }, 'redis unavailable on ingest');
    return reject(
      reply,
      503,
      'Service Unavailable',
      'the report queue is unavailable; retry later',
      'redis_unavailable',
      { retryAfterSeconds: 5 },
    );
  };

  async function authenticated(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ sender: ResolvedCredential; body: Buffer } | null> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    try {
      const result = await withDeadline(
        authenticateSender(
          {
            credentials,
            redis,
            prefix: config.REDIS_PREFIX,
            ratePerMinute: config.INGEST_RATE_LIMIT_PER_MINUTE,
          },
          { method: request.method, url: request.url, headers: request.headers, body },
        ),
      );
      if (!result.ok) {
        const { status, title, detail, reason, retryAfterSeconds } = result.rejection;
        reject(reply, status, title, detail, reason, {
          reason,
          ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
        });
        return null;
      }
      return { sender: result.sender, body };
    } catch (error) {
      if (error instanceof RedisUnavailable) {
        redisDown(reply, request, error);
        return null;
      }
      throw error;
    }
  }

  async function decodeJson(
    request: FastifyRequest,
    reply: FastifyReply,
    body: Buffer,
    maxBytes?: number,
  ): Promise<unknown | typeof FAILED> {
    try {
      const encoding = request.headers['content-encoding'] as string | undefined;
      return parseJson(await decodeBody(body, encoding, maxBytes));
    } catch (error) {
      if (error instanceof BodyError) {
        reject(reply, error.status, error.title, error.message, 'bad_body');
        return FAILED;
      }
      throw error;
    }
  }

  app.register(async (scope) => {
    // Ingest bodies are taken as raw bytes: the signature covers them exactly as sent (compressed).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: LIMITS.maxCompressedBytes },
      (_request, body, done) => done(null, body),
    );

    scope.post('/ingest/v1/reports', async (request, reply) => {
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
      const data = encodeQueuedReport(
        {
          receiptId: randomUUID(),
          sender: senderOf(sender),
          receivedAt,
          bodyBytes: body.length,
          reportId: report.reportId,
          collectorHealth,
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

    scope.post('/ingest/v1/alerts', async (request, reply) => {
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
      const data: PersistAlertsJobData & { receiptId: string } = {
        type: 'device-alerts',
        receiptId: randomUUID(),
        sender: senderOf(sender),
        receivedAt: new Date().toISOString(),
        bodyBytes: body.length,
        batch,
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

    scope.get('/ingest/v1/config', async (request, reply) => {
      const auth = await authenticated(request, reply);
      if (!auth) return reply;
      if (auth.sender.kind !== 'collector')
        return reject(reply, 403, 'Forbidden', 'only collectors have a configuration', 'wrong_sender');
      const em = services.orm.em.fork();
      const collector = await em.findOne(Collector, {
        id: auth.sender.collectorId!,
        reseller: auth.sender.resellerId,
      });
      if (!collector || collector.archivedAt)
        return reject(
          reply,
          403,
          'Forbidden',
          'this collector was removed from the portal',
          'collector_archived',
        );
      collector.lastSeenAt = new Date();
      await em.flush();
      // The portal asked for a new secret (rotateCollectorCredential): this key ends at validUntil.
      // The collector answers with POST /ingest/v1/credential/rotate (docs/wire-protocol.md).
      const { validUntil } = auth.sender;
      if (validUntil) {
        reply.header(CREDENTIAL_ROTATE_HEADER, 'required');
        reply.header(CREDENTIAL_EXPIRES_HEADER, validUntil.toISOString());
      }
      return reply.send(collector.config);
    });

    scope.post(COLLECTOR_PATHS.rotateCredential, async (request, reply) => {
      const auth = await authenticated(request, reply);
      if (!auth) return reply;
      const { sender } = auth;
      if (sender.kind !== 'collector')
        return reject(
          reply,
          403,
          'Forbidden',
          'only collectors rotate their own credential; printers get theirs from the portal',
          'wrong_sender',
        );
      const rotated = await rotateCollectorKey(services.orm.em.fork(), services.secrets, {
        keyId: sender.keyId,
        resellerId: sender.resellerId,
        collectorId: sender.collectorId!,
      });
      if (!rotated)
        return reject(
          reply,
          403,
          'Forbidden',
          'this collector was revoked or removed from the portal',
          'collector_archived',
        );
      for (const keyId of rotated.keyIds) credentials.forget(keyId);
      request.log.info(
        { collectorId: sender.collectorId, keyId: rotated.credential.keyId, previousKeyId: sender.keyId },
        'collector credential rotated',
      );
      return reply.code(200).send({
        keyId: rotated.credential.keyId,
        secret: rotated.credential.secret,
        previousValidUntil: rotated.previousValidUntil.toISOString(),
      });
    });

    scope.post(COLLECTOR_PATHS.health, async (request, reply) => {
      const auth = await authenticated(request, reply);
      if (!auth) return reply;
      const { sender, body } = auth;
      if (sender.kind !== 'collector')
        return reject(reply, 403, 'Forbidden', 'only collectors report collector health', 'wrong_sender');
      const json = await decodeJson(request, reply, body);
      if (json === FAILED) return reply;
      const parsed = collectorHealthBodySchema.safeParse(json);
      if (!parsed.success) {
        ingestRejected.inc({ status: '400', reason: 'invalid_health' });
        return reply
          .code(400)
          .type('application/problem+json')
          .send(validationProblem(parsed.error, 'the body must be {schemaVersion: 1, collector: {...}}'));
      }
      const saved = await saveCollectorHealth(services.orm.em.fork(), sender, parsed.data.collector);
      if (!saved)
        return reject(
          reply,
          403,
          'Forbidden',
          'this collector was removed from the portal',
          'collector_archived',
        );
      return reply.code(204).send();
    });

    // Unauthenticated, so the body is capped before anything is decompressed or parsed: an enrollment
    // request is well under 1 KB, and without the cap anyone could make the server inflate and parse
    // megabytes per request. Fastify refuses a larger body while reading it (or from Content-Length).
    scope.post(
      '/ingest/v1/enroll',
      {
        bodyLimit: ENROLL_MAX_BYTES,
        errorHandler: (error: Error & { code?: string }, _request, reply) => {
          if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
          return reject(
            reply,
            413,
            'Payload Too Large',
            `an enrollment body may be at most ${ENROLL_MAX_BYTES} bytes`,
            'body_too_large',
            { reason: 'body_too_large' },
          );
        },
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const json = await decodeJson(request, reply, body, ENROLL_MAX_BYTES);
        if (json === FAILED) return reply;
        const parsed = enrollRequestSchema.safeParse(json);
        if (!parsed.success) {
          return reply
            .code(400)
            .type('application/problem+json')
            .send(validationProblem(parsed.error, 'the body must be {token, hostname, version}'));
        }
        try {
          const { revokedKeyIds, ...enrolled } = await enrollCollector(
            services.orm.em.fork(),
            services.secrets,
            parsed.data,
          );
          // A re-enrollment revoked the collector's previous credentials: refused from now on here.
          for (const keyId of revokedKeyIds) credentials.forget(keyId);
          request.log.info(
            { collectorId: enrolled.collectorId, keyId: enrolled.keyId },
            'collector enrolled',
          );
          return reply.code(200).send(enrolled);
        } catch (error) {
          if (error instanceof EnrollmentRejected)
            return reject(reply, 401, 'Unauthorized', error.message, 'enrollment_rejected');
          throw error;
        }
      },
    );
  });

  return {
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

const FAILED = Symbol('failed');

/** Largest enrollment body, compressed or not ({token ≤ 512, hostname ≤ 255, version ≤ 64} is < 1 KB). */
export const ENROLL_MAX_BYTES = 4096;

/** The compiled Report v1 acceptor, or "always ask zod" should the schema grow a kind it cannot mirror. */
function reportAcceptor(log: AppServices['log']): Acceptor {
  try {
    return compileAcceptor(reportV1Schema);
  } catch (error) {
    log.warn({ err: error }, 'Report v1 fast validation unavailable; validating with zod only');
    return () => false;
  }
}

/** The sender as stored in job data: never the secret. */
function senderOf(credential: ResolvedCredential) {
  const { keyId, kind, resellerId, printerId, printerSerial, collectorId } = credential;
  return { keyId, kind, resellerId, printerId, printerSerial, collectorId };
}
