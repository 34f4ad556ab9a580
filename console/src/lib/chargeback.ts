// The chargeback table (jobs of a customer's period by account, project or user) as a CSV file with
// the API's exact figures; rows without the id (key null) are written with an empty key.
import { toCsv } from './csv';

export interface ChargebackCsvRow {
  key?: string | null;
  jobCount: number;
  printCount: number;
  copyCount: number;
  pages: string;
  mediaAreaM2?: string | null;
  jobsWithoutMediaArea: number;
  mediaLengthM?: string | null;
  inkMl?: string | null;
}

export function chargebackCsv(
  groupBy: 'ACCOUNT' | 'PROJECT' | 'USER',
  rows: readonly ChargebackCsvRow[],
): string {
  return toCsv(
    [
      groupBy.toLowerCase(),
      'jobs',
      'prints',
      'copies',
      'pages',
      'media_area_m2',
      'jobs_without_media_area',
      'media_length_m',
      'ink_ml',
    ],
    rows.map((r) => [
      r.key,
      r.jobCount,
      r.printCount,
      r.copyCount,
      r.pages,
      r.mediaAreaM2,
      r.jobsWithoutMediaArea,
      r.mediaLengthM,
      r.inkMl,
    ]),
  );
}
