// The ERP export of statements for one period, as CSV (RFC 4180, UTF-8, dot decimals, ISO 8601 UTC,
// units in the headers) or JSON. Statements are exported exactly as stored, never re-priced. Each row
// starts with the statement's id, version and status (the id is what markStatementsExported takes) and
// the customer's external reference (its ERP account), followed by the billing rules' statement columns.
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type CsvColumn,
  type Statement,
  type StatementCsvRow,
  type StatementJson,
  statementCsvColumns,
  statementCsvRows,
  statementToJson,
  toCsv,
} from '../../domain/billing';
import { BillingStatementLine } from '../../entities/billing-statement-line.entity';
import { BillingStatement, type StatementStatus } from '../../entities/billing-statement.entity';
import { statementFromRecords } from './statement-record';

/** Statuses an ERP may pull: approved (not yet acknowledged) and exported (acknowledged). */
export const EXPORTABLE_STATUSES: readonly StatementStatus[] = ['APPROVED', 'EXPORTED'];

export interface ExportedStatement {
  record: BillingStatement;
  statement: Statement;
  customerExternalRef: string | null;
}

interface ExportCsvRow extends StatementCsvRow {
  record: BillingStatement;
  customerExternalRef: string | null;
}

const exportColumns: readonly CsvColumn<ExportCsvRow>[] = [
  { header: 'statement_id', kind: 'text', value: (r) => r.record.id },
  { header: 'statement_version', kind: 'number', value: (r) => BigInt(r.record.version) },
  { header: 'statement_status', kind: 'text', value: (r) => r.record.status },
  { header: 'approved_at_utc', kind: 'datetime', value: (r) => r.record.approvedAt ?? null },
  { header: 'customer_external_ref', kind: 'text', value: (r) => r.customerExternalRef },
  ...statementCsvColumns,
];

export async function statementsForExport(
  em: EntityManager,
  resellerId: string,
  periodKey: string,
  statuses: readonly StatementStatus[] = EXPORTABLE_STATUSES,
): Promise<ExportedStatement[]> {
  const records = await em.find(
    BillingStatement,
    { reseller: resellerId, periodKey, status: { $in: [...statuses] } },
    { populate: ['customer'], orderBy: { customer: { name: 'asc' }, contract: 'asc', version: 'asc' } },
  );
  if (records.length === 0) return [];
  const lines = await em.find(BillingStatementLine, {
    reseller: resellerId,
    statement: { $in: records.map((r) => r.id) },
  });
  const byStatement = new Map<string, BillingStatementLine[]>();
  for (const line of lines) {
    const list = byStatement.get(line.statement.id) ?? [];
    list.push(line);
    byStatement.set(line.statement.id, list);
  }
  return records.map((record) => ({
    record,
    statement: statementFromRecords(record, byStatement.get(record.id) ?? []),
    customerExternalRef: record.customer.externalRef ?? null,
  }));
}

export function exportCsv(statements: readonly ExportedStatement[], options: { bom?: boolean } = {}): string {
  const rows: ExportCsvRow[] = statements.flatMap((entry) =>
    statementCsvRows([entry.statement]).map((row) => ({
      ...row,
      record: entry.record,
      customerExternalRef: entry.customerExternalRef,
    })),
  );
  return toCsv(rows, exportColumns, options);
}

export function exportJson(statements: readonly ExportedStatement[]): { statements: StatementJson[] } {
  return {
    statements: statements.map((entry) =>
      statementToJson(entry.statement, {
        statementId: entry.record.id,
        version: entry.record.version,
        status: entry.record.status,
        approvedAt: entry.record.approvedAt?.toISOString() ?? null,
        exportedAt: entry.record.exportedAt?.toISOString() ?? null,
        customerExternalRef: entry.customerExternalRef,
      }),
    ),
  };
}
