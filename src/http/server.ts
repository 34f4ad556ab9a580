// The Fastify HTTP(S) server shared by the api and ingest roles: logging with request ids, TLS when
// configured, metrics, a problem+json error handler that never leaks internals.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AppServices } from '../services/app-services';
import { httpDuration } from '../observability/metrics';
import { endRequestSpan, startRequestSpan, tracingOn, type RequestTrace } from '../observability/tracing';
import { sendProblem } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's span while tracing is on; absent (undefined) otherwise. */
    trace?: RequestTrace | null;
  }
}

/** Modern TLS only: 1.2 with forward-secret AEAD suites, and 1.3 (whose suites Node always offers). */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Nothing read or written on a connection for this long: it is destroyed. */
export const IDLE_CONNECTION_TIMEOUT_MS = 120_000;
/** Longer than the 60 s idle timeout of common load balancers, so they close first (Fastify's default). */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * Node's own limits (http.createServer / https.createServer options): headers within
 * HTTP_HEADERS_TIMEOUT_MS against slowloris, checked every second instead of Node's 30 s, so a trickling
 * connection does not outlive its deadline by half a minute.
 */
function nodeServerLimits(config: AppServices['config']) {
  return {
    headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1_000, config.HTTP_HEADERS_TIMEOUT_MS),
  };
}

export function createHttpServer(services: AppServices): FastifyInstance {
  const { config } = services;
  const options: FastifyServerOptions & { https?: Record<string, unknown>; http?: Record<string, unknown> } =
    {
      loggerInstance: services.log,
      // Fastify takes a hop count, true/false, or addresses; the config parser produced one of those.
      trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
      requestIdHeader: 'x-request-id',
      // Accept a caller's request id only when it looks like one; otherwise mint our own.
      genReqId: (request) => {
        const given = request.headers['x-request-id'];
        return typeof given === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(given) ? given : randomUUID();
      },
      bodyLimit: 1024 * 1024,
      return503OnClosing: true,
      forceCloseConnections: 'idle',
      // Slow or hostile peers (docs/reliability.md): the whole request within HTTP_REQUEST_TIMEOUT_MS
      // (Fastify's default is none), a connection on which nothing moves at all for two minutes is
      // destroyed (a client that stopped reading a streamed export), an idle keep-alive connection after 72 s.
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      connectionTimeout: IDLE_CONNECTION_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      http: nodeServerLimits(config),
    };
  if (config.TLS_CERT_FILE && config.TLS_KEY_FILE) {
    options.https = {
      ...nodeServerLimits(config),
      cert: readFileSync(config.TLS_CERT_FILE),
      key: readFileSync(config.TLS_KEY_FILE),
      minVersion: 'TLSv1.2',
      ciphers: TLS_CIPHERS,
      honorCipherOrder: true,
    };
  }
  const app = Fastify(options as FastifyServerOptions) as unknown as FastifyInstance;

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // A span per request only while tracing is on (src/observability/tracing.ts); otherwise no hook runs.
  if (tracingOn()) {
    app.decorateRequest('trace', null);
    app.addHook('onRequest', (request, _reply, done) => {
      request.trace = startRequestSpan(request.method, request.headers);
      if (!request.trace) return done();
      // The rest of the request runs in the span's context, so work it starts nests under it.
      request.trace.run(done);
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    if (request.trace)
      endRequestSpan(
        request.trace.span,
        request.routeOptions.url ?? 'unmatched',
        request.method,
        reply.statusCode,
      );
    httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, 'Not Found', `No route ${request.method} ${request.url.split('?')[0]}`),
  );
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(
        reply,
        500,
        'Internal Server Error',
        `Request ${request.id} failed; the error was logged.`,
      );
    }
    // Fastify's own 4xx (body too large, bad JSON, unsupported media type) carry safe messages.
    return sendProblem(reply, status, error.code ?? 'Bad Request', error.message);
  });
  return app;
}
