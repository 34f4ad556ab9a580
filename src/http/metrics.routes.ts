// Where Prometheus scrapes: /metrics tells an attacker about the fleet's traffic, errors and queues, so it
// is not public. Either a separate listener (METRICS_PORT, loopback by default, as exporters run beside
// the service), or a bearer token on the main port (METRICS_TOKEN, Prometheus' `authorization`
// setting), or both. With neither, the main port serves it only outside production (development, tests).
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config';
import type { AppServices } from '../services/app-services';
import { registry } from '../observability/metrics';
import { sendProblem } from './problem';

/** Whether the main port serves /metrics (otherwise it answers 404 there, like any unknown route). */
export function metricsOnMainPort(config: Config): boolean {
  if (config.METRICS_TOKEN) return true;
  return config.METRICS_PORT === undefined && config.NODE_ENV !== 'production';
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function registerMetricsRoute(app: FastifyInstance, config: Config): void {
  app.get('/metrics', async (request: FastifyRequest, reply: FastifyReply) => {
    if (config.METRICS_TOKEN && !tokenMatches(request.headers.authorization, config.METRICS_TOKEN)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendProblem(reply, 401, 'Unauthorized', 'metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

/** The separate metrics listener (plain HTTP, /metrics only), or null when METRICS_PORT is unset. */
export async function startMetricsServer(
  services: AppServices,
): Promise<{ server: FastifyInstance; url: string } | null> {
  const { config } = services;
  if (config.METRICS_PORT === undefined) return null;
  const server = Fastify({ logger: false, forceCloseConnections: true });
  registerMetricsRoute(server, config);
  server.setNotFoundHandler((_request, reply) =>
    sendProblem(reply, 404, 'Not Found', 'only GET /metrics is served on this port'),
  );
  try {
    await server.listen({ port: config.METRICS_PORT, host: config.METRICS_HOST });
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
  const address = server.server.address();
  const host =
    address && typeof address === 'object'
      ? address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address
      : config.METRICS_HOST;
  const port = address && typeof address === 'object' ? address.port : config.METRICS_PORT;
  services.log.info({ url: `http://${host}:${port}/metrics` }, 'metrics listener started');
  return { server, url: `http://${host}:${port}` };
}
