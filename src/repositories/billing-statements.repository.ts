// Billing statements read with hand-written SQL: the fields a statement event's webhook body carries
// (src/services/billing-events.ts), with the customer's external reference joined in.
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql';

/** A statement as a statement event describes it (money in minor units, as pg returns bigint: text). */
export interface StatementEventRow {
  id: string;
  contract_id: string;
  customer_id: string;
  customer_external_ref: string | null;
  period_key: string;
  period_start: Date | string;
  period_end: Date | string;
  version: number;
  status: string;
  currency: string;
  subtotal_minor: string;
  total_minor: string;
  complete: boolean;
  generated_at: Date | string;
  approved_at: Date | string | null;
  approved_by: string | null;
  exported_at: Date | string | null;
  export_reference: string | null;
  voided_at: Date | string | null;
  void_reason: string | null;
  replaces_id: string | null;
}

/** The reseller's statements among `statementIds` (repeats read once), ordered by id. */
export async function findStatementsForEvents(
  em: EntityManager,
  resellerId: string,
  statementIds: readonly string[],
): Promise<StatementEventRow[]> {
  return query<StatementEventRow[]>(
    em,
    `select s.id, s.contract_id, s.customer_id, c.external_ref as customer_external_ref, s.period_key, s.period_start,
       s.period_end, s.version, s.status, s.currency, s.subtotal_minor, s.total_minor, s.complete, s.generated_at,
       s.approved_at, s.approved_by, s.exported_at, s.export_reference, s.voided_at, s.void_reason, s.replaces_id
     from billing_statement s join customer c on c.id = s.customer_id
     where s.reseller_id = ? and s.id in (select value::uuid from jsonb_array_elements_text(?::jsonb)) order by s.id`,
    [resellerId, JSON.stringify([...new Set(statementIds)])],
  );
}
