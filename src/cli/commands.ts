// The `node dist/main.js <command>` implementations. Each returns an exit code; main.ts maps errors.
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { printSchema } from 'graphql';
import { ROLES, parseRoles, startApp } from '../app';
import type { Config } from '../config';
import { initOrm } from '../db/orm';
import { migrateDatabase } from '../db/migrate-database';
import { buildGraphQLSchema } from '../graphql/build-schema';
import { listFailedReports, replayReports } from '../services/replay';
import {
  applyRetention,
  planRetention,
  retentionSettings,
  type RetentionOutcome,
} from '../services/data-retention';
import { createResellerWithAdminKey } from '../services/resellers';
import { issueApiKey } from '../services/api-keys';
import { AuditEvent } from '../entities/audit-event.entity';
import { DomainError } from '../errors/domain-error';
import { withResellerTransaction } from '../db/tenant';
import { erasePersonalNames } from '../services/erasure';
import { createLogger } from '../services/app-services';
import { SHUTDOWN_MESSAGE, runIngestCluster } from './ingest-cluster';

export const USAGE = `Plotmeter — pay-per-use portal for large-format printer fleets

Usage: node dist/main.js <command> [options]

Commands:
  serve [--roles ${ROLES.join(',')}]        run the server (all roles by default)
  serve --roles ingest --processes N       N ingest processes sharing one port (default
                                           INGEST_PROCESSES, 1)
  migrate                                  apply database migrations (idempotent)
  admin create-reseller --name NAME [--json]
                                           create a reseller and print its first admin API key
  admin create-operator --name NAME [--json]
                                           create a platform operator API key (reads across resellers,
                                           every read audited)
  admin failed-reports [--json]            list reports that exhausted their retries
  admin replay-reports --since ISO         re-run archived reports received since ISO (idempotent)
  admin erase-names --reseller ID --name NAME [--name NAME ...] [--customer ID] [--json]
                                           replace a person's user and host names in that reseller's
                                           jobs, collectors and archived reports by one pseudonym
                                           (billing unchanged; audited without the names)
  admin retention [--dry-run] [--json]     remove jobs, readings and raw reports older than the
                                           RETENTION_*_DAYS settings now (the worker does it daily);
                                           --dry-run only says what would go and what holds it back
  emit-schema [--out FILE]                 print the GraphQL schema (SDL)
  demo                                     migrate, seed a demo reseller and serve (npm run demo)

Configuration comes from the environment; see README.md.`;

export class UsageError extends Error {}

export async function runMigrate(config: Config, log: (line: string) => void = console.log): Promise<void> {
  const { applied, partitions } = await migrateDatabase(config.DATABASE_URL);
  log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
  if (partitions.length) log(`created partitions: ${partitions.join(', ')}`);
}

/** Resolves with the exit code once the server has stopped (after SIGTERM/SIGINT). */
export async function runServe(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { roles: { type: 'string' }, processes: { type: 'string' } },
    strict: true,
  });
  const roles = parseRoles(values.roles);
  // INGEST_PROCESSES applies to `--roles ingest` only, so one environment can serve every role.
  const ingestOnly = roles.length === 1 && roles[0] === 'ingest';
  const processes = parseProcesses(values.processes, ingestOnly ? config.INGEST_PROCESSES : 1);
  if (processes > 1 && !ingestOnly)
    throw new UsageError(`--processes ${processes} is only for --roles ingest; other roles run one process`);
  if (processes > 1 && cluster.isPrimary) {
    return runIngestCluster({
      processes,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      scheme: config.TLS_CERT_FILE ? 'https' : 'http',
      log: createLogger(config),
    });
  }
  // A cluster child listens for the primary's shutdown request before starting: the request may come
  // while it is still starting (the group is stopped right after a replacement was forked).
  const shutdownRequested = cluster.isWorker ? ipcShutdownRequest() : undefined;
  const app = await startApp(config, roles);
  await waitForSignal(app.stop, config.SHUTDOWN_TIMEOUT_MS, shutdownRequested);
  return 0;
}

function ipcShutdownRequest(): Promise<void> {
  return new Promise((resolve) => {
    process.on('message', (message) => message === SHUTDOWN_MESSAGE && resolve());
  });
}

function parseProcesses(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64)
    throw new UsageError(`--processes must be a whole number from 1 to 64; got "${value}"`);
  return n;
}

/**
 * Resolves after SIGTERM/SIGINT once `stop` finished; a second signal or the timeout exits hard. An
 * ingest cluster child is asked by its primary instead (`requested`, over IPC), which is idempotent.
 */
export function waitForSignal(
  stop: () => Promise<void>,
  timeoutMs: number,
  requested?: Promise<void>,
): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const begin = () => {
      if (stopping) return;
      stopping = true;
      const timer = setTimeout(() => {
        console.error(`graceful shutdown took longer than ${timeoutMs} ms; exiting`);
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      stop().then(
        () => resolve(),
        (error) => {
          console.error('shutdown failed:', error);
          process.exit(1);
        },
      );
    };
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        console.error(`received ${signal} again; exiting now`);
        process.exit(1);
      }
      signalled = true;
      begin();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    void requested?.then(begin);
  });
}

export async function runAdmin(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'erase-names') return runEraseNames(config, rest);
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
      since: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const orm = await initOrm(config.DATABASE_URL);
  try {
    const em = orm.em.fork();
    switch (sub) {
      case 'create-reseller': {
        if (!values.name) throw new UsageError('admin create-reseller needs --name NAME');
        const { reseller, apiKey } = await createResellerWithAdminKey(em, values.name);
        if (values.json) console.log(JSON.stringify({ resellerId: reseller.id, apiKey }));
        else console.log(`Reseller ${reseller.name} (${reseller.id})\nAdmin API key (shown once): ${apiKey}`);
        return;
      }
      case 'create-operator': {
        if (!values.name) throw new UsageError('admin create-operator needs --name NAME');
        const { apiKey, key } = issueApiKey(em, { resellerId: null, name: values.name, role: 'operator' });
        em.create(AuditEvent, {
          actor: 'system:cli',
          action: 'operator.create',
          targetType: 'ApiKey',
          targetId: apiKey.id,
          details: { name: values.name },
        });
        await em.flush();
        if (values.json) console.log(JSON.stringify({ apiKeyId: apiKey.id, apiKey: key }));
        else console.log(`Operator key "${values.name}" (${apiKey.id}), shown once: ${key}`);
        return;
      }
      case 'failed-reports': {
        const rows = await listFailedReports(em);
        if (values.json) console.log(JSON.stringify(rows));
        else if (rows.length === 0) console.log('no failed reports');
        else
          for (const r of rows)
            console.log(
              `${r.failedAt.toISOString()}  ${r.kind}  key=${r.keyId} report=${r.reportId} attempts=${r.attempts}  ${r.error}`,
            );
        return;
      }
      case 'replay-reports': {
        if (!values.since || Number.isNaN(Date.parse(values.since)))
          throw new UsageError('admin replay-reports needs --since ISO-8601 timestamp');
        const summary = await replayReports(em, new Date(values.since), config.supportedModels);
        console.log(
          values.json
            ? JSON.stringify(summary)
            : `replayed ${summary.reports} reports (${summary.jobsInserted} jobs newly stored, ${summary.failedReplayed} failed reports re-run)`,
        );
        return;
      }
      case 'retention': {
        const settings = retentionSettings(config);
        if (Object.values(settings).every((days) => days === undefined))
          throw new UsageError(
            'admin retention: no retention configured; set RETENTION_JOBS_DAYS, RETENTION_READINGS_DAYS or RETENTION_RAW_REPORTS_DAYS',
          );
        const outcomes = values['dry-run']
          ? await planRetention(em, settings)
          : await applyRetention(em, settings);
        if (values.json) console.log(JSON.stringify(outcomes));
        else for (const o of outcomes) console.log(describeRetention(o, values['dry-run']));
        return;
      }
      default:
        throw new UsageError(
          `unknown admin command "${sub ?? ''}"; try create-reseller, create-operator, failed-reports, replay-reports, retention or erase-names`,
        );
    }
  } finally {
    await orm.close(true);
  }
}

export async function runEmitSchema(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  const sdl = printSchema(await buildGraphQLSchema()) + '\n';
  if (values.out) await writeFile(values.out, sdl);
  else process.stdout.write(sdl);
}

function describeRetention(
  o: Pick<RetentionOutcome, 'target' | 'removeBefore' | 'heldBy'> & Partial<RetentionOutcome>,
  dryRun: boolean,
): string {
  const before = o.removeBefore.toISOString();
  const held = o.heldBy
    ? ` (held back by contract ${o.heldBy.contractId}, period ${o.heldBy.periodKey}, which has no approved statement)`
    : '';
  if (dryRun) return `${o.target}: would remove what is older than ${before}${held}`;
  const partitions = o.droppedPartitions?.length ? `dropped ${o.droppedPartitions.join(', ')}; ` : '';
  return `${o.target}: removed what is older than ${before}: ${partitions}${o.deletedRows ?? 0} rows deleted${held}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `admin erase-names`: as the reseller's tenant (row-level security), so it cannot reach other data. */
async function runEraseNames(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      reseller: { type: 'string' },
      customer: { type: 'string' },
      name: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.reseller || !UUID.test(values.reseller))
    throw new UsageError('admin erase-names needs --reseller ID (a UUID)');
  if (values.customer !== undefined && !UUID.test(values.customer))
    throw new UsageError('admin erase-names: --customer must be a customer id (a UUID)');
  if (!values.name?.length) throw new UsageError('admin erase-names needs at least one --name NAME');
  const resellerId = values.reseller;
  const orm = await initOrm(config.DATABASE_URL);
  try {
    const result = await withResellerTransaction(orm.em, resellerId, async (tx) => {
      const [reseller] = await tx.execute<{ id: string }[]>(`select id from reseller where id = ?`, [
        resellerId,
      ]);
      if (!reseller) throw new UsageError(`admin erase-names: no reseller ${resellerId}`);
      return erasePersonalNames(tx, {
        resellerId,
        names: values.name!,
        customerId: values.customer ?? null,
        actor: 'system:cli',
      });
    });
    console.log(
      values.json
        ? JSON.stringify(result)
        : `names replaced by ${result.pseudonym}: ${result.jobs} jobs, ${result.collectors} collectors, ${result.rawReports} archived reports`,
    );
  } catch (error) {
    if (error instanceof DomainError)
      throw new UsageError(`admin erase-names: ${error.field ?? ''} ${error.message}`.trim());
    throw error;
  } finally {
    await orm.close(true);
  }
}
