// Starts the requested roles in one process and stops them gracefully: stop accepting, drain HTTP and
// WebSockets, let workers finish their active jobs, close pools.
import type { FastifyInstance } from 'fastify';
import { ConfigError, type Config } from './config';
import { listMigrationNames } from './db/orm';
import { buildGraphQLSchema } from './graphql/build-schema';
import { registerGraphQL, type GraphQLServer } from './graphql/graphql-server';
import { registerConsole } from './http/console.routes';
import { registerDataExportRoutes } from './http/data-export.routes';
import { registerUnsubscribeRoutes } from './http/unsubscribe.routes';
import { registerExportRoutes } from './http/export.routes';
import { registerExplorer } from './http/explorer.routes';
import { registerHealthRoutes } from './http/health.routes';
import { startMetricsServer } from './http/metrics.routes';
import { createHttpServer } from './http/server';
import { registerIngestRoutes, type IngestRole } from './ingest/ingest.routes';
import { startWorkers, type WorkerRole } from './jobs/worker';
import { watchQueues } from './observability/queue-metrics';
import { startTracing } from './observability/tracing';
import { type AppServices, closeServices, createLogger, initServices } from './services/app-services';
import { startupWaitMs, waitForRedis } from './services/redis';

export const ROLES = ['api', 'ingest', 'worker'] as const;
export type ServerRole = (typeof ROLES)[number];

export interface RunningApp {
  services: AppServices;
  http: FastifyInstance | null;
  /** The bound address, e.g. "http://127.0.0.1:4000". */
  url: string | null;
  /** The separate metrics listener's address when METRICS_PORT is set (any role, workers too). */
  metricsUrl: string | null;
  stop(): Promise<void>;
}

/**
 * A server must not run against a database its migrations have not reached (queries would fail in odd
 * places). When PostgreSQL cannot be reached yet, start anyway: /readyz reports it until it is back.
 */
async function refuseOutdatedSchema(services: AppServices): Promise<void> {
  let pending: string[];
  try {
    pending = await pendingMigrations(services);
  } catch (error) {
    services.log.warn({ err: error }, 'could not check database migrations (is PostgreSQL up?); continuing');
    return;
  }
  if (pending.length > 0) {
    throw new ConfigError(
      `Database schema is behind: ${pending.length} pending migration(s) (${pending.join(', ')}); run: node dist/main.js migrate`,
    );
  }
}

/** The server's role may not create the migration history table, which the migrator would do when it is
 * missing (a database never migrated): then every migration is pending. */
async function pendingMigrations(services: AppServices): Promise<string[]> {
  const [history] = await services.orm.em
    .fork()
    .execute<{ present: boolean }[]>(`select to_regclass('mikro_orm_migrations') is not null as present`);
  if (!history?.present) return listMigrationNames();
  return (await services.orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}

/**
 * A superuser login still works (every pooled connection switches to plotmeter_system), but such a
 * session could switch back; production logs in as plotmeter_server (docs/security.md).
 */
async function warnPrivilegedLogin(services: AppServices): Promise<void> {
  const rows = await services.orm.em
    .fork()
    .execute<{ rolsuper: boolean; rolbypassrls: boolean }[]>(
      `select rolsuper, rolbypassrls from pg_roles where rolname = session_user`,
    )
    .catch(() => []);
  if (rows[0]?.rolsuper || rows[0]?.rolbypassrls)
    services.log.warn(
      'DATABASE_URL logs in as a superuser; connections run as plotmeter_system, but in production log in as plotmeter_server (docs/security.md, "Database roles")',
    );
}

export function parseRoles(value: string | undefined): ServerRole[] {
  if (!value) return [...ROLES];
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || roles.length === 0) {
    throw new RangeError(`--roles must be a comma-separated subset of ${ROLES.join(',')}; got "${value}"`);
  }
  return [...new Set(roles)] as ServerRole[];
}

export async function startApp(config: Config, roles: ServerRole[] = [...ROLES]): Promise<RunningApp> {
  const log = createLogger(config);
  const services = await initServices(config, log);
  await refuseOutdatedSchema(services).catch(async (error) => {
    await closeServices(services);
    throw error;
  });
  await warnPrivilegedLogin(services);
  // A cluster client answers "not ready" to everything until it has the slot map and its masters; a
  // plain connection is ready within milliseconds (and fails fast while Redis is down, as intended).
  if (config.REDIS_CLUSTER) await waitForRedis(services.redis, startupWaitMs(config)).catch(() => undefined);
  let shuttingDown = false;
  let http: FastifyInstance | null = null;
  let graphql: GraphQLServer | null = null;
  let ingest: IngestRole | null = null;
  let worker: WorkerRole | null = null;
  let metrics: Awaited<ReturnType<typeof startMetricsServer>> = null;
  // Every role reports the queues' depth (read on scrape), so a worker-only node shows its backlog too.
  const unwatchQueues = watchQueues(services.redis, config.REDIS_PREFIX);
  let stopTracing = async (): Promise<void> => undefined;

  try {
    // Before the HTTP server is built: its span hooks exist only while tracing is on.
    stopTracing = await startTracing(config, roles);
    if (roles.includes('api') || roles.includes('ingest')) {
      http = createHttpServer(services);
      registerHealthRoutes(http, services, () => shuttingDown);
      if (roles.includes('api')) {
        registerExplorer(http);
        registerConsole(http);
        graphql = await registerGraphQL(http, services, await buildGraphQLSchema());
      }
      if (roles.includes('api')) {
        registerExportRoutes(http, services);
        registerDataExportRoutes(http, services);
        registerUnsubscribeRoutes(http, services);
      }
      if (roles.includes('ingest')) ingest = registerIngestRoutes(http, services);
    }
    if (roles.includes('worker')) worker = await startWorkers(services);
    if (http) await http.listen({ port: config.PORT, host: config.HOST });
    metrics = await startMetricsServer(services);
  } catch (error) {
    await http?.close().catch(() => undefined);
    await metrics?.server.close().catch(() => undefined);
    await worker?.close().catch(() => undefined);
    unwatchQueues();
    await stopTracing();
    await closeServices(services);
    throw error;
  }

  let url: string | null = null;
  if (http) {
    const address = http.server.address();
    const scheme = config.TLS_CERT_FILE ? 'https' : 'http';
    if (address && typeof address === 'object') {
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `${scheme}://${host}:${address.port}`;
    }
  }
  log.info({ roles, url }, 'plotmeter started');

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      shuttingDown = true;
      log.info('shutting down');
      // WebSockets first: Fastify's close waits for every connection, and sockets never end on their own.
      await graphql?.closeWebSockets();
      await http?.close();
      await ingest?.close();
      await worker?.close();
      await metrics?.server.close();
      unwatchQueues();
      await stopTracing().catch((err: unknown) => log.warn({ err }, 'could not flush traces'));
      await closeServices(services);
      log.info('stopped');
    })();
    return stopping;
  };
  return { services, http, url, metricsUrl: metrics?.url ?? null, stop };
}
