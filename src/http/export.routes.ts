// ERP export: GET /export/v1/statements?period=YYYY-MM|YYYY-Qn&format=csv|json[&status=APPROVED|EXPORTED][&bom=true]
// Authenticated like GraphQL (API key or access token) and limited to the admin and billing roles; the
// query runs in a tenant transaction so row-level security applies. Returns the period's approved and
// exported statements as stored (CSV per RFC 4180 or JSON); the ERP acknowledges what it booked with
// the markStatementsExported mutation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { authenticate, bearerCredential } from '../auth/authenticate';
import { withTenantTransaction } from '../db/tenant';
import type { StatementStatus } from '../entities/billing-statement.entity';
import type { AppServices } from '../services/app-services';
import {
  EXPORTABLE_STATUSES,
  exportCsv,
  exportJson,
  statementsForExport,
} from '../services/billing/statement-export';
import { sendProblem } from './problem';

export const EXPORT_STATEMENTS_PATH = '/export/v1/statements';
const PERIOD_KEY = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;
const EXPORT_ROLES = new Set(['admin', 'billing']);

interface ExportQuery {
  period?: string;
  format?: string;
  status?: string;
  bom?: string;
}

/**
 * Authenticates an export request and allows the admin and billing roles of a reseller; otherwise sends
 * the 401/403 problem and returns null. Every /export/v1 route authorises through this one function.
 */
export async function exportPrincipal(
  services: AppServices,
  request: FastifyRequest,
  reply: FastifyReply,
  what: string,
): Promise<(Principal & { resellerId: string }) | null> {
  const principal = await authenticate(
    services.orm.em.fork(),
    services.secrets,
    bearerCredential(request.headers.authorization),
    { apiKeys: services.apiKeys },
  );
  if (!principal) {
    reply.header('www-authenticate', 'Bearer');
    sendProblem(reply, 401, 'Unauthorized', 'Send Authorization: Bearer <API key or access token>');
    return null;
  }
  if (!EXPORT_ROLES.has(principal.role) || !principal.resellerId) {
    sendProblem(reply, 403, 'Forbidden', `${what} needs a reseller key or user with role billing or admin`);
    return null;
  }
  return principal as Principal & { resellerId: string };
}

export function registerExportRoutes(http: FastifyInstance, services: AppServices): void {
  http.get<{ Querystring: ExportQuery }>(EXPORT_STATEMENTS_PATH, async (request, reply) => {
    const principal = await exportPrincipal(services, request, reply, 'Statement export');
    if (!principal) return reply;
    const { period, format = 'csv', status, bom } = request.query;
    const errors: { path: string; message: string }[] = [];
    if (!period || !PERIOD_KEY.test(period)) {
      errors.push({
        path: 'period',
        message: 'required: a period key YYYY-MM (monthly) or YYYY-Qn (quarterly)',
      });
    }
    if (format !== 'csv' && format !== 'json')
      errors.push({ path: 'format', message: 'must be csv or json' });
    if (status !== undefined && !(EXPORTABLE_STATUSES as readonly string[]).includes(status)) {
      errors.push({ path: 'status', message: `must be one of ${EXPORTABLE_STATUSES.join(', ')}` });
    }
    if (bom !== undefined && bom !== 'true' && bom !== 'false')
      errors.push({ path: 'bom', message: 'must be true or false' });
    if (errors.length > 0)
      return sendProblem(reply, 400, 'Bad Request', 'Invalid query parameters', { errors });

    const resellerId = principal.resellerId;
    const statuses = status ? [status as StatementStatus] : EXPORTABLE_STATUSES;
    const statements = await withTenantTransaction(services.orm.em, principal, (tx) =>
      statementsForExport(tx, resellerId, period!, statuses),
    );
    reply.header('cache-control', 'no-store');
    if (format === 'json') return reply.type('application/json; charset=utf-8').send(exportJson(statements));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="statements-${period}.csv"`)
      .send(exportCsv(statements, { bom: bom === 'true' }));
  });
}
