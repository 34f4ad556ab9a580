// Billing events for integrators' webhooks: statement.drafted, .approved, .voided and .exported, so an
// ERP can react instead of polling. Deliveries are logged in the transaction that made the change (an
// outbox: a rolled-back approval announces nothing) and queued once it has committed; signing, retries
// and disabling are those of alert webhooks (src/jobs/deliver-webhook.job.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';
import {
  findStatementsForEvents,
  type StatementEventRow,
} from '../repositories/billing-statements.repository';
import {
  findSubscribedWebhooks,
  insertPendingDeliveries,
  type PendingDelivery,
} from '../repositories/webhook-deliveries.repository';
import { statementEvents } from '../observability/metrics';
import type { AppServices } from './app-services';
import { queueDeliveries, type WebhookEventType } from './webhooks';

export const STATEMENT_EVENT_TYPES = [
  'statement.drafted',
  'statement.approved',
  'statement.voided',
  'statement.exported',
] as const satisfies readonly WebhookEventType[];
export type StatementEventType = (typeof STATEMENT_EVENT_TYPES)[number];

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** The JSON body a receiver gets for a statement event (stable; documented in docs/notifications.md). */
export function statementEventBody(
  deliveryId: string,
  type: StatementEventType,
  row: StatementEventRow,
  createdAt: Date,
): Record<string, unknown> {
  return {
    id: deliveryId,
    type,
    createdAt: createdAt.toISOString(),
    data: {
      statement: {
        id: row.id,
        contractId: row.contract_id,
        customerId: row.customer_id,
        customerExternalRef: row.customer_external_ref,
        periodKey: row.period_key,
        periodStart: iso(row.period_start),
        periodEnd: iso(row.period_end),
        version: row.version,
        status: row.status,
        currency: row.currency.trim(),
        // Money as strings of minor units, as in the statement export: never a float.
        subtotalMinor: String(row.subtotal_minor),
        totalMinor: String(row.total_minor),
        complete: row.complete,
        generatedAt: iso(row.generated_at),
        approvedAt: iso(row.approved_at),
        approvedBy: row.approved_by,
        exportedAt: iso(row.exported_at),
        exportReference: row.export_reference,
        voidedAt: iso(row.voided_at),
        voidReason: row.void_reason,
        replacesId: row.replaces_id,
      },
    },
  };
}

/**
 * Inside the caller's transaction: logs a PENDING delivery of `type` for each statement and each enabled
 * webhook of the reseller that asked for it. Returns the delivery ids, to queue after the commit
 * (queueDeliveries); none when nobody subscribed.
 */
export async function recordStatementEvents(
  em: EntityManager,
  resellerId: string,
  type: StatementEventType,
  statementIds: readonly string[],
): Promise<string[]> {
  if (statementIds.length === 0) return [];
  const hooks = await findSubscribedWebhooks(em, resellerId, type);
  if (hooks.length === 0) return [];
  const statements = await findStatementsForEvents(em, resellerId, statementIds);
  const now = new Date();
  const deliveries = statements.flatMap((statement) =>
    hooks.map((hook): PendingDelivery => {
      const id = uuidv7();
      return { id, webhook_id: hook.id, payload: statementEventBody(id, type, statement, now) };
    }),
  );
  await insertPendingDeliveries(em, resellerId, type, deliveries);
  return deliveries.map((d) => d.id);
}

/** Counts committed statement changes for /metrics (plotmeter_statements_total{event}). */
export function countStatementEvents(type: StatementEventType, statementIds: readonly string[]): void {
  if (statementIds.length > 0)
    statementEvents.inc({ event: type.slice('statement.'.length) }, statementIds.length);
}

/** Records the events in a transaction of their own and queues them (for callers outside one, after
 * the statements' own commit). */
export async function announceStatementEvents(
  services: AppServices,
  resellerId: string,
  type: StatementEventType,
  statementIds: readonly string[],
): Promise<string[]> {
  countStatementEvents(type, statementIds);
  const ids = await recordStatementEvents(services.orm.em.fork(), resellerId, type, statementIds);
  if (ids.length > 0) await queueDeliveries(services, resellerId, ids);
  return ids;
}
