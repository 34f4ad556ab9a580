// Chargeback: a customer's job usage in a period grouped by account id, project id or user name, so
// the customer can pass print costs on to its departments. Jobs carry these ids; counters do not, so
// this is job-based by nature. Aggregated in SQL on the (reseller, customer, completed_at) index.
//
// Quantities are exact: each job's float is rounded to six decimals before summing, as in billing.
// A group's media area or ink is null when none of its jobs reported it; `jobsWithoutMediaArea`
// says how many did not, so a partial sum is never mistaken for a complete one.
import type { EntityManager } from '@mikro-orm/postgresql';

export const CHARGEBACK_GROUPS = { ACCOUNT: 'account_id', PROJECT: 'project_id', USER: 'user_name' } as const;
export type ChargebackGroup = keyof typeof CHARGEBACK_GROUPS;

export interface ChargebackRow {
  /** Account id, project id or user name; null for jobs that carry none. */
  key: string | null;
  jobCount: number;
  printCount: number;
  copyCount: number;
  pages: string;
  /** Decimal strings with up to six decimals. */
  mediaAreaM2: string | null;
  mediaLengthM: string | null;
  inkMl: string | null;
  jobsWithoutMediaArea: number;
}

export async function chargeback(
  em: EntityManager,
  resellerId: string,
  customerId: string,
  window: { start: Date; end: Date },
  groupBy: ChargebackGroup,
): Promise<ChargebackRow[]> {
  const column = CHARGEBACK_GROUPS[groupBy];
  const rows = await em.execute<
    {
      key: string | null;
      job_count: string;
      print_count: string;
      copy_count: string;
      pages: string;
      media_area_m2: string | null;
      media_length_m: string | null;
      ink_ml: string | null;
      without_area: string;
    }[]
  >(
    `select j.${column} as key, count(*)::text as job_count,
       count(*) filter (where j.kind = 'print')::text as print_count, count(*) filter (where j.kind = 'copy')::text as copy_count,
       coalesce(sum(j.pages), 0)::text as pages,
       sum(round(j.media_area_m2::numeric, 6))::text as media_area_m2,
       sum(round(j.media_length_m::numeric, 6))::text as media_length_m,
       sum(round(j.ink_total_ml::numeric, 6))::text as ink_ml,
       count(*) filter (where j.media_area_m2 is null)::text as without_area
     from printer_job j
     where j.reseller_id = ? and j.customer_id = ? and j.completed_at >= ? and j.completed_at < ? and j.kind <> 'scan'
     group by 1
     order by 1 nulls last`,
    [resellerId, customerId, window.start, window.end],
  );
  return rows.map((row) => ({
    key: row.key,
    jobCount: Number(row.job_count),
    printCount: Number(row.print_count),
    copyCount: Number(row.copy_count),
    pages: row.pages,
    mediaAreaM2: trimDecimal(row.media_area_m2),
    mediaLengthM: trimDecimal(row.media_length_m),
    inkMl: trimDecimal(row.ink_ml),
    jobsWithoutMediaArea: Number(row.without_area),
  }));
}

/** "12.500000" -> "12.5", "3.000000" -> "3". */
function trimDecimal(value: string | null): string | null {
  if (value === null) return null;
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
