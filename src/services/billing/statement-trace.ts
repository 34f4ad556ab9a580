// "Explain this bill": for each line of a statement and each printer, the readings its quantity was
// measured between (with their counters as billing read them) and, for job-based lines, the jobs
// summed. Readings and jobs are looked up by the ids stored on the line, inside the statement's window
// (plus the boundary tolerance) so only the relevant monthly partitions are searched.
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_BOUNDARY_TOLERANCE_MS, type Counters } from '../../domain/billing';
import { BillingStatementLine } from '../../entities/billing-statement-line.entity';
import { BillingStatement } from '../../entities/billing-statement.entity';
import type { CounterSource } from '../../entities/usage-reading.entity';
import { DomainError } from '../../errors/domain-error';
import { type ReadingRow, countersOf } from './reading-counters';

export interface TraceReading {
  id: string;
  printerId: string;
  collectedAt: Date;
  serialNumber: string;
  counters: Counters;
  /** Where each figure came from, as its sender stated (null: not stated, the printer's counters). */
  counterSources: CounterSource[] | null;
}

export interface TraceJob {
  id: string;
  printerId: string;
  completedAt: Date;
  name: string;
  kind: string;
  mediaType: string | null;
  mediaAreaM2: number | null;
  mediaLengthM: number | null;
  pages: number;
}

export interface StatementTrace {
  statement: BillingStatement;
  lines: BillingStatementLine[];
  readings: Map<string, TraceReading>;
  jobs: Map<string, TraceJob>;
}

export async function statementTrace(
  em: EntityManager,
  resellerId: string,
  statementId: string,
): Promise<StatementTrace> {
  const statement = await em.findOne(BillingStatement, { id: statementId, reseller: resellerId });
  if (!statement) throw new DomainError('NOT_FOUND', `statement ${statementId} not found`, 'id');
  const lines = await em.find(
    BillingStatementLine,
    { statement: statement.id, reseller: resellerId },
    { orderBy: { position: 'asc' } },
  );
  const readingIds = [...new Set(lines.flatMap((l) => l.sources.flatMap((s) => s.readingIds)))];
  const jobIds = [...new Set(lines.flatMap((l) => l.sources.flatMap((s) => s.jobIds)))];
  const tolerance = DEFAULT_BOUNDARY_TOLERANCE_MS;
  const readings = new Map<string, TraceReading>();
  if (readingIds.length > 0) {
    const rows = await em.execute<ReadingRow[]>(
      `select id, printer_id, collected_at, serial_number, pages, total_media_area_m2, scan_area_m2, copy_area_m2, total_ink_ml,
         ink_by_cartridge_type, media_by_type, application_categories, counter_sources
       from usage_reading
       where reseller_id = ? and id = any(?::uuid[]) and collected_at >= ? and collected_at <= ?`,
      [
        resellerId,
        `{${readingIds.join(',')}}`,
        new Date(statement.billedFrom.getTime() - tolerance),
        new Date(statement.billedTo.getTime() + tolerance),
      ],
    );
    for (const row of rows) {
      readings.set(row.id, {
        id: row.id,
        printerId: row.printer_id,
        collectedAt: new Date(row.collected_at),
        serialNumber: row.serial_number,
        counters: countersOf(row),
        counterSources: row.counter_sources ?? null,
      });
    }
  }
  const jobs = new Map<string, TraceJob>();
  if (jobIds.length > 0) {
    const rows = await em.execute<
      {
        id: string;
        printer_id: string;
        completed_at: Date;
        name: string;
        kind: string;
        media_type: string | null;
        media_area_m2: number | null;
        media_length_m: number | null;
        pages: number;
      }[]
    >(
      `select id, printer_id, completed_at, name, kind, media_type, media_area_m2, media_length_m, pages from printer_job
       where reseller_id = ? and id = any(?::uuid[]) and completed_at >= ? and completed_at < ?`,
      [resellerId, `{${jobIds.join(',')}}`, statement.billedFrom, statement.billedTo],
    );
    for (const row of rows) {
      jobs.set(row.id, {
        id: row.id,
        printerId: row.printer_id,
        completedAt: new Date(row.completed_at),
        name: row.name,
        kind: row.kind,
        mediaType: row.media_type,
        mediaAreaM2: row.media_area_m2,
        mediaLengthM: row.media_length_m,
        pages: row.pages,
      });
    }
  }
  return { statement, lines, readings, jobs };
}
