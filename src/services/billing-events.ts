// Billing events for integrators' webhooks: statement.drafted, .approved, .voided and .exported, so an
// ERP can react instead of polling. Deliveries are logged in the transaction that made the change (an
// outbox: a rolled-back approval announces nothing) and queued once it has committed; signing, retries
// and disabling are those of alert webhooks (src/jobs/deliver-webhook.job.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';
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

interface StatementRow {
  id: string;
  contract_id: string;
  customer_id: string;
  customer_external_ref: string | null;
  period_key: string;
  period_start: Date;
  period_end: Date;
  version: number;
  status: string;
  currency: string;
  subtotal_minor: string;
  total_minor: string;
  complete: boolean;
  generated_at: Date;
  approved_at: Date | null;
  approved_by: string | null;
  exported_at: Date | null;
  export_reference: string | null;
  voided_at: Date | null;
  void_reason: string | null;
  replaces_id: string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** The JSON body a receiver gets for a statement event (stable; documented in docs/notifications.md). */
export function statementEventBody(
  deliveryId: string,
  type: StatementEventType,
  row: StatementRow,
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
  const hooks = await em.execute<{ id: string }[]>(
    `select id from webhook where reseller_id = ? and enabled and event_types @> ?::jsonb`,
    [resellerId, JSON.stringify([type])],
  );
  if (hooks.length === 0) return [];
  const statements = await em.execute<StatementRow[]>(
    `select s.id, s.contract_id, s.customer_id, c.external_ref as customer_external_ref, s.period_key, s.period_start,
       s.period_end, s.version, s.status, s.currency, s.subtotal_minor, s.total_minor, s.complete, s.generated_at,
       s.approved_at, s.approved_by, s.exported_at, s.export_reference, s.voided_at, s.void_reason, s.replaces_id
     from billing_statement s join customer c on c.id = s.customer_id
     where s.reseller_id = ? and s.id in (select value::uuid from jsonb_array_elements_text(?::jsonb)) order by s.id`,
    [resellerId, JSON.stringify([...new Set(statementIds)])],
  );
  const now = new Date();
  const deliveries = statements.flatMap((statement) =>
    hooks.map((hook) => {
      const id = uuidv7();
      return { id, webhook_id: hook.id, payload: statementEventBody(id, type, statement, now) };
    }),
  );
  if (deliveries.length === 0) return [];
  await em.execute(
    `insert into webhook_delivery (id, reseller_id, webhook_id, event_type, payload, status, attempts, created_at)
     select x.id, ?, x.webhook_id, ?, x.payload, 'PENDING', 0, now() from jsonb_to_recordset(?::jsonb) as x(id uuid, webhook_id uuid, payload jsonb)`,
    [resellerId, type, JSON.stringify(deliveries)],
  );
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
