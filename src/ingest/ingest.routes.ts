// The ingest role's HTTP routes: signed reports and alerts from printers and collectors, collector
// enrollment, configuration, credential rotation and health. Accepting means "durably queued in Redis":
// a 202 is only sent after BullMQ has the job; persistence happens in the worker
// (src/jobs/persist-report.job.ts). One file per concept: report.routes.ts, alerts.routes.ts,
// collector.routes.ts, and what they share in ingest-context.ts.
import { LIMITS } from '@plotmeter/protocol';
import type { FastifyInstance } from 'fastify';
import { startupWaitMs, waitForRedis } from '../services/redis';
import type { AppServices } from '../services/app-services';
import { registerAlertsRoute } from './alerts.routes';
import { registerCollectorRoutes } from './collector.routes';
import { createIngestContext } from './ingest-context';
import { registerReportRoute } from './report.routes';

export interface IngestRole {
  close(): Promise<void>;
}

export function registerIngestRoutes(app: FastifyInstance, services: AppServices): IngestRole {
  const ctx = createIngestContext(services);
  // Revocations announced by other processes drop keys here at once; while this subscription is up,
  // known senders stay verifiable through a PostgreSQL outage (src/auth/device-credentials.ts).
  ctx.credentials.watch(services.log);
  // Start serving with it connected, as with the shared connection; if Redis is down, start anyway:
  // requests get 503 and /readyz says so until it is back.
  app.addHook('onReady', () =>
    waitForRedis(ctx.redis, startupWaitMs(services.config)).catch(() => undefined),
  );

  app.register(async (scope) => {
    // Ingest bodies are taken as raw bytes: the signature covers them exactly as sent (compressed).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: LIMITS.maxCompressedBytes },
      (_request, body, done) => done(null, body),
    );
    registerReportRoute(scope, ctx);
    registerAlertsRoute(scope, ctx);
    registerCollectorRoutes(scope, ctx);
  });

  return {
    async close() {
      ctx.durability.close();
      ctx.credentials.unwatch();
      await Promise.all(Object.values(ctx.queues).map((q) => q.close()));
      await ctx.redis.quit().catch(() => ctx.redis.disconnect());
    },
  };
}
