// What every ingest route shares: the request path's own Redis connection and queues, the credential
// cache, and the steps each route starts with (authenticate the signed request, decode its body) or ends
// with (a problem+json refusal, counted by reason). Built once per ingest role (registerIngestRoutes).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { reportV1Schema } from '@plotmeter/protocol';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  CredentialsUnavailable,
  type CredentialStore,
  type ResolvedCredential,
} from '../auth/device-credentials';
import { sendProblem } from '../http/problem';
import { withTimeout } from '../lib/timeout';
import { ingestRejected } from '../observability/metrics';
import { createQueues, type QueueName } from '../queue/queues';
import { BodyError, decodeBody, parseJson } from '../reports/body';
import { compileAcceptor, type Acceptor } from '../reports/schema-acceptor';
import type { AppServices } from '../services/app-services';
import { createRedis } from '../services/redis';
import { durabilityGate, type DurabilityGate } from './durability';
import { redisKeys } from './redis-keys';
import { RedisUnavailable, authenticateSender } from './sender-auth';

/** A Redis call on the request path may take this long before we answer 503 instead of hanging. */
const REDIS_DEADLINE_MS = 800;

export function withDeadline<T>(promise: Promise<T>): Promise<T> {
  return withTimeout(promise, REDIS_DEADLINE_MS, (ms) => new RedisUnavailable(`no answer within ${ms} ms`));
}

/** decodeJson's answer when it has already refused the request. */
export const FAILED = Symbol('failed');

export interface IngestContext {
  services: AppServices;
  config: AppServices['config'];
  /** The request path's own connection (auto-pipelined, fails fast; src/services/redis.ts). */
  redis: Redis;
  queues: Record<QueueName, Queue>;
  credentials: CredentialStore;
  keys: ReturnType<typeof redisKeys>;
  acceptReport: Acceptor;
  /** What a 202 promises: stored in Redis (default), or fsynced by Redis too (src/ingest/durability.ts). */
  durability: DurabilityGate;
  /** Answers 503 and returns true while a 202 could not keep INGEST_DURABILITY's promise. */
  notDurable(reply: FastifyReply, request: FastifyRequest): boolean;
  reject(
    reply: FastifyReply,
    status: number,
    title: string,
    detail: string,
    reason: string,
    extra?: Record<string, unknown>,
  ): FastifyReply;
  redisDown(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply;
  authenticated(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ sender: ResolvedCredential; body: Buffer } | null>;
  decodeJson(
    request: FastifyRequest,
    reply: FastifyReply,
    body: Buffer,
    maxBytes?: number,
  ): Promise<unknown | typeof FAILED>;
}

export function createIngestContext(services: AppServices): IngestContext {
  const { config } = services;
  const redis = createRedis(config, 'ingest');
  const queues = createQueues(redis, config.REDIS_PREFIX);
  const credentials = services.deviceCredentials;
  const keys = redisKeys(config.REDIS_PREFIX);
  const acceptReport = reportAcceptor(services.log);
  const durability = durabilityGate(config.INGEST_DURABILITY, redis, services.log);

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

  const notDurable = (reply: FastifyReply, request: FastifyRequest): boolean => {
    const refusal = durability.refusal();
    if (refusal === null) return false;
    request.log.warn({ refusal }, 'ingest refused: Redis does not store reports durably enough');
    reject(
      reply,
      503,
      'Service Unavailable',
      'the report queue cannot store reports durably right now; retry later',
      'redis_not_durable',
      { reason: 'redis_not_durable', retryAfterSeconds: 5 },
    );
    return true;
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
      if (error instanceof CredentialsUnavailable) {
        request.log.warn({ err: error }, 'credential lookup failed: PostgreSQL unreachable');
        reject(
          reply,
          503,
          'Service Unavailable',
          'this key cannot be verified right now (the portal database is unavailable); retry later',
          'database_unavailable',
          { reason: 'database_unavailable', retryAfterSeconds: 5 },
        );
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

  return {
    services,
    config,
    redis,
    queues,
    credentials,
    keys,
    acceptReport,
    durability,
    notDurable,
    reject,
    redisDown,
    authenticated,
    decodeJson,
  };
}

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
export function senderOf(credential: ResolvedCredential) {
  const { keyId, kind, resellerId, printerId, printerSerial, collectorId } = credential;
  return { keyId, kind, resellerId, printerId, printerSerial, collectorId };
}
