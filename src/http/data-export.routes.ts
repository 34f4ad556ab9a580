// Data exports for integrators:
//   GET /export/v1/jobs   and   GET /export/v1/usage
//   ?period=YYYY-MM | from=<ISO 8601>&to=<ISO 8601>   (required; UTC month, or [from, to) at most 366 days)
//   [&format=csv|json] [&customerId=] [&siteId=] [&printerId=] [&bom=true]
// Authorised exactly like /export/v1/statements (exportPrincipal: admin or billing of a reseller) and run
// in a tenant transaction, so row-level security applies. Rows are streamed from a PostgreSQL cursor
// with backpressure: a month of a large fleet goes out in one response without the server holding it.
// A failure after the first byte aborts the response (the chunked body never ends cleanly), so a client
// can never take a cut-off export for a complete one.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { withTenantTransaction } from '../db/tenant';
import { isUuid } from '../lib/ids';
import type { AppServices } from '../services/app-services';
import { ClientGoneError } from '../services/cursor-stream';
import { type DataExportFilter, type ExportKind, writeDataExport } from '../services/data-export';
import { exportPrincipal } from './export.routes';
import { type FieldError, sendProblem } from './problem';

export const EXPORT_JOBS_PATH = '/export/v1/jobs';
export const EXPORT_USAGE_PATH = '/export/v1/usage';
export const MAX_EXPORT_DAYS = 366;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
// A full timestamp with an explicit offset: a bare date or local time would be read in the server's zone.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

interface DataExportQuery {
  period?: string;
  from?: string;
  to?: string;
  format?: string;
  customerId?: string;
  siteId?: string;
  printerId?: string;
  bom?: string;
}

/** Checks the query; returns the filter (without reseller) or the field errors. */
export function parseDataExportQuery(
  query: DataExportQuery,
):
  | { ok: true; value: Omit<DataExportFilter, 'resellerId'> & { format: 'csv' | 'json'; bom: boolean } }
  | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const { period, format = 'csv', bom } = query;
  let from: Date | null = null;
  let to: Date | null = null;
  if (period !== undefined) {
    const month = MONTH.exec(period);
    if (!month) errors.push({ path: 'period', message: 'must be a month YYYY-MM (UTC)' });
    else {
      from = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1));
      to = new Date(Date.UTC(Number(month[1]), Number(month[2]), 1));
    }
    if (query.from !== undefined || query.to !== undefined)
      errors.push({ path: 'period', message: 'give either period or from and to, not both' });
  } else {
    for (const key of ['from', 'to'] as const) {
      const value = query[key];
      if (value === undefined) {
        errors.push({ path: key, message: 'required (or give period=YYYY-MM instead of from and to)' });
        continue;
      }
      const parsed = new Date(value);
      if (!TIMESTAMP.test(value) || Number.isNaN(parsed.getTime()))
        errors.push({
          path: key,
          message: `"${value}" is not an ISO 8601 timestamp with offset (e.g. 2026-11-01T00:00:00Z)`,
        });
      else if (key === 'from') from = parsed;
      else to = parsed;
    }
    if (from && to) {
      if (!(from < to)) errors.push({ path: 'to', message: 'must be after from' });
      else if (to.getTime() - from.getTime() > MAX_EXPORT_DAYS * 86_400_000)
        errors.push({
          path: 'to',
          message: `the range may span at most ${MAX_EXPORT_DAYS} days; export longer spans in parts`,
        });
    }
  }
  if (format !== 'csv' && format !== 'json') errors.push({ path: 'format', message: 'must be csv or json' });
  if (bom !== undefined && bom !== 'true' && bom !== 'false')
    errors.push({ path: 'bom', message: 'must be true or false' });
  for (const key of ['customerId', 'siteId', 'printerId'] as const) {
    const value = query[key];
    if (value !== undefined && !isUuid(value))
      errors.push({
        path: key,
        message: `expected an id (a UUID), got ${JSON.stringify(value.slice(0, 64))}`,
      });
  }
  if (errors.length > 0 || !from || !to) return { ok: false, errors };
  return {
    ok: true,
    value: {
      from,
      to,
      format: format as 'csv' | 'json',
      bom: bom === 'true',
      customerId: query.customerId ?? null,
      siteId: query.siteId ?? null,
      printerId: query.printerId ?? null,
    },
  };
}

const FILTER_TABLES = { customerId: 'customer', siteId: 'site', printerId: 'printer' } as const;

export function registerDataExportRoutes(http: FastifyInstance, services: AppServices): void {
  const route = (path: string, kind: ExportKind, what: string) =>
    http.get<{ Querystring: DataExportQuery }>(path, async (request, reply) => {
      const principal = await exportPrincipal(services, request, reply, what);
      if (!principal) return reply;
      const parsed = parseDataExportQuery(request.query);
      if (!parsed.ok)
        return sendProblem(reply, 400, 'Bad Request', 'Invalid query parameters', { errors: parsed.errors });
      const { format, bom, ...rest } = parsed.value;
      const filter: DataExportFilter = { resellerId: principal.resellerId, ...rest };

      const body = new PassThrough();
      let streaming = false;
      try {
        await withTenantTransaction(services.orm.em, principal, async (tx) => {
          // Unknown (or another tenant's, which row-level security hides) filter ids are a 404, not an
          // empty export that looks like a quiet month.
          for (const [key, table] of Object.entries(FILTER_TABLES) as [
            keyof typeof FILTER_TABLES,
            string,
          ][]) {
            const id = filter[key];
            if (!id) continue;
            const found = await tx.execute(`select 1 from ${table} where id = ? and reseller_id = ?`, [
              id,
              principal.resellerId,
            ]);
            if (found.length === 0) {
              sendProblem(reply, 404, 'Not Found', `${key}: no ${table} ${id}`, {
                errors: [{ path: key, message: `no ${table} with this id` }],
              });
              return;
            }
          }
          const stamp = format === 'csv' ? 'csv' : 'json';
          reply
            .header('cache-control', 'no-store')
            .header(
              'content-disposition',
              `attachment; filename="${kind}-${filter.from.toISOString().slice(0, 10)}-${filter.to.toISOString().slice(0, 10)}.${stamp}"`,
            )
            .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
            .send(body);
          streaming = true;
          const rows = await writeDataExport(tx, kind, format, filter, body, { bom });
          request.log.info({ kind, rows, resellerId: principal.resellerId }, 'data export streamed');
        });
        if (streaming) body.end();
      } catch (error) {
        if (!streaming) throw error;
        if (!(error instanceof ClientGoneError))
          request.log.error({ err: error, kind }, 'data export failed midway');
        body.destroy(error as Error);
      }
      return reply;
    });
  route(EXPORT_JOBS_PATH, 'jobs', 'Job export');
  route(EXPORT_USAGE_PATH, 'usage', 'Usage export');
}
