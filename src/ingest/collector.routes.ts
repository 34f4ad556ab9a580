// The collector's own endpoints: its configuration, credential rotation, health between reports and
// enrollment with a one-time token (the one unauthenticated ingest route, so its body is capped first).
import {
  COLLECTOR_PATHS,
  CREDENTIAL_EXPIRES_HEADER,
  CREDENTIAL_ROTATE_HEADER,
  collectorHealthBodySchema,
  enrollRequestSchema,
  validationProblem,
} from '@plotmeter/protocol';
import type { FastifyInstance } from 'fastify';
import { Collector } from '../entities/collector.entity';
import { ingestRejected } from '../observability/metrics';
import { saveCollectorHealth } from '../repositories/collectors.repository';
import { rotateCollectorKey } from '../services/collector-lifecycle';
import { EnrollmentRejected, enrollCollector } from '../services/devices';
import { FAILED, type IngestContext } from './ingest-context';

/** Largest enrollment body, compressed or not ({token ≤ 512, hostname ≤ 255, version ≤ 64} is < 1 KB). */
export const ENROLL_MAX_BYTES = 4096;

export function registerCollectorRoutes(app: FastifyInstance, ctx: IngestContext): void {
  const { services, credentials, reject, authenticated, decodeJson } = ctx;
  app.get('/ingest/v1/config', async (request, reply) => {
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

  app.post(COLLECTOR_PATHS.rotateCredential, async (request, reply) => {
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
    credentials.forget(...rotated.keyIds);
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

  app.post(COLLECTOR_PATHS.health, async (request, reply) => {
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
  app.post(
    '/ingest/v1/enroll',
    {
      bodyLimit: ENROLL_MAX_BYTES,
      errorHandler: (error: Error & { code?: string }, _request, reply) => {
        if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
        // A route error handler returns nothing: the reply is sent here (a FastifyReply is thenable,
        // so returning it would hand Fastify a promise where it expects none).
        reject(
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
        credentials.forget(...revokedKeyIds);
        request.log.info({ collectorId: enrolled.collectorId, keyId: enrolled.keyId }, 'collector enrolled');
        return reply.code(200).send(enrolled);
      } catch (error) {
        if (error instanceof EnrollmentRejected)
          return reject(reply, 401, 'Unauthorized', error.message, 'enrollment_rejected');
        throw error;
      }
    },
  );
}
