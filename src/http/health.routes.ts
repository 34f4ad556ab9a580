// Operator endpoints: liveness, readiness (PostgreSQL and Redis answer) and, where allowed, Prometheus
// metrics (src/http/metrics.routes.ts decides where they are served).
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../services/app-services';
import { metricsOnMainPort, registerMetricsRoute } from './metrics.routes';
import { withTimeout } from '../lib/timeout';

const CHECK_TIMEOUT_MS = 1_000;

export function registerHealthRoutes(
  app: FastifyInstance,
  services: AppServices,
  isShuttingDown: () => boolean,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, 'ok' | string> = {};
    const [pg, redis] = await Promise.allSettled([
      withTimeout(services.orm.em.getConnection().execute('select 1'), CHECK_TIMEOUT_MS),
      withTimeout(services.redis.ping(), CHECK_TIMEOUT_MS),
    ]);
    checks.postgres = pg.status === 'fulfilled' ? 'ok' : `down: ${(pg.reason as Error).message}`;
    checks.redis = redis.status === 'fulfilled' ? 'ok' : `down: ${(redis.reason as Error).message}`;
    const down = Object.entries(checks)
      .filter(([, v]) => v !== 'ok')
      .map(([k]) => k);
    if (isShuttingDown()) down.push('shutting down');
    if (down.length > 0) {
      return reply.code(503).send({ status: 'unavailable', down, checks });
    }
    return { status: 'ready', checks };
  });

  if (metricsOnMainPort(services.config)) registerMetricsRoute(app, services.config);
}
