// Jobs for billing: the job rows JOBS-basis price lines are summed from (with their ids, for the
// "explain this bill" trace), and per-printer job totals for reconciliation against counters.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Fixed, type JobUsage, parseDecimal } from '../../domain/billing';
import type { PrinterWindow } from './meter-readings';

interface JobRow {
  id: string;
  printer_id: string;
  completed_at: Date | string;
  kind: 'print' | 'scan' | 'copy';
  media_type: string | null;
  media_area_m2: number | null;
  media_length_m: number | null;
  pages: number;
  categories: Array<{ category: string; mediaAreaM2?: number | null; mediaLengthM?: number | null }> | null;
}

const WINDOWS = `p as (select * from jsonb_to_recordset(?::jsonb) as p(printer_id uuid, w_start timestamptz, w_end timestamptz))`;

const windowsJson = (windows: readonly PrinterWindow[]) =>
  JSON.stringify(
    windows.map((w) => ({
      printer_id: w.printerId,
      w_start: w.start.toISOString(),
      w_end: w.end.toISOString(),
    })),
  );

/** Every job each printer completed inside its window, mapped for the billing rules. */
export async function loadJobs(
  em: EntityManager,
  resellerId: string,
  windows: readonly PrinterWindow[],
): Promise<Map<string, JobUsage[]>> {
  const result = new Map<string, JobUsage[]>(windows.map((w) => [w.printerId, []]));
  if (windows.length === 0) return result;
  const rows = await em.execute<JobRow[]>(
    `with ${WINDOWS}
     select j.id, j.printer_id, j.completed_at, j.kind, j.media_type, j.media_area_m2, j.media_length_m, j.pages, j.categories
     from p join printer_job j on j.reseller_id = ? and j.printer_id = p.printer_id and j.completed_at >= p.w_start and j.completed_at < p.w_end
     order by j.printer_id, j.completed_at, j.id`,
    [windowsJson(windows), resellerId],
  );
  for (const row of rows) {
    result.get(row.printer_id)?.push({
      id: row.id,
      completedAt: new Date(row.completed_at),
      kind: row.kind,
      mediaType: row.media_type,
      mediaAreaM2: row.media_area_m2,
      mediaLengthM: row.media_length_m,
      pages: row.pages,
      categories: (row.categories ?? []).map((c) => ({
        category: c.category,
        mediaAreaM2: c.mediaAreaM2 ?? null,
        mediaLengthM: c.mediaLengthM ?? null,
      })),
    });
  }
  return result;
}

export interface PrinterJobAreaTotal {
  /** Non-scan jobs completed in the window. */
  jobCount: number;
  /** Sum of media area, each job rounded to six decimals as the billing rules do; null if a job lacks it. */
  mediaAreaM2: Fixed | null;
}

/**
 * Media-area totals of each printer's jobs, aggregated in SQL (no job rows travel), for reconciling
 * against the media-area counter. Printers without jobs in the window are absent from the map.
 */
export async function jobAreaTotals(
  em: EntityManager,
  resellerId: string,
  windows: readonly PrinterWindow[],
): Promise<Map<string, PrinterJobAreaTotal>> {
  const result = new Map<string, PrinterJobAreaTotal>();
  if (windows.length === 0) return result;
  const rows = await em.execute<
    { printer_id: string; job_count: string; unknown_area: string; area: string | null }[]
  >(
    `with ${WINDOWS}
     select j.printer_id, count(*)::text as job_count, count(*) filter (where j.media_area_m2 is null)::text as unknown_area,
       sum(round(j.media_area_m2::numeric, 6))::text as area
     from p join printer_job j on j.reseller_id = ? and j.printer_id = p.printer_id and j.completed_at >= p.w_start and j.completed_at < p.w_end
     where j.kind <> 'scan'
     group by j.printer_id`,
    [windowsJson(windows), resellerId],
  );
  for (const row of rows) {
    result.set(row.printer_id, {
      jobCount: Number(row.job_count),
      mediaAreaM2:
        Number(row.unknown_area) > 0 || row.area === null ? null : parseDecimal(row.area, 'job area total'),
    });
  }
  return result;
}
