// Per-meter totals from job records (Report v1 `jobs`, mapped), for job-based price lines and for
// reconciling job logs against counter deltas.
//
// Jobs can measure the media meters only: total media area and length, pages, and their split by
// media type and application category. A job counts in a window when completedAt is in
// [start, end). A job without a media type never matches a media-type key (it cannot be billed at a
// media-type price); a matching job whose quantity is missing makes the total unknown (null).

import { type Fixed, ZERO, add, toQuantity } from './decimal';
import { BillingInputError, assertArray } from './errors';
import { CATEGORY_AREA_KEY_PREFIX, CATEGORY_LENGTH_KEY_PREFIX, MEDIA_TYPE_KEY_PREFIX } from './meters';
import type { CounterDeltas, Measured, UsageWindow } from './meter-usage';

export interface JobCategoryUsage {
  category: string;
  mediaAreaM2?: Measured | null;
  mediaLengthM?: Measured | null;
}

export interface JobUsage {
  id: string;
  completedAt: Date;
  /** Scan jobs consume no media and never count towards these meters. */
  kind?: 'print' | 'scan' | 'copy' | null;
  mediaType?: string | null;
  mediaAreaM2?: Measured | null;
  mediaLengthM?: Measured | null;
  /** Billable pages of the job (the mapper decides whether copies are multiplied in). */
  pages?: Measured | null;
  categories?: readonly JobCategoryUsage[] | null;
}

/** Meter keys that jobs can measure; other meters (ink, scan, copy) must be priced from counters. */
export function isJobMeasurableKey(key: string): boolean {
  return (
    key === 'mediaAreaM2' ||
    key === 'mediaLengthM' ||
    key === 'pages' ||
    key.startsWith(MEDIA_TYPE_KEY_PREFIX) ||
    key.startsWith(CATEGORY_AREA_KEY_PREFIX) ||
    key.startsWith(CATEGORY_LENGTH_KEY_PREFIX)
  );
}

export interface JobKeyTotal {
  quantity: Fixed | null;
  /** Jobs that matched the key (contributed to the quantity or left it unknown). */
  jobIds: string[];
}

/** Total of one meter key over the jobs completed inside the window. */
export function jobTotalFor(
  jobs: readonly JobUsage[],
  key: string,
  window: UsageWindow,
  field = 'jobs',
): JobKeyTotal {
  if (!isJobMeasurableKey(key)) throw new BillingInputError(field, `jobs cannot measure meter ${key}`);
  assertArray(jobs, field);
  const startMs = window.start.getTime();
  const endMs = window.end.getTime();
  let quantity: Fixed | null = ZERO;
  const jobIds: string[] = [];
  jobs.forEach((job, index) => {
    const path = `${field}[${index}]`;
    if (job === null || typeof job !== 'object') throw new BillingInputError(path, 'expected a job object');
    if (typeof job.id !== 'string' || job.id === '') throw new BillingInputError(`${path}.id`, 'is required');
    if (!(job.completedAt instanceof Date) || Number.isNaN(job.completedAt.getTime())) {
      throw new BillingInputError(`${path}.completedAt`, 'expected a valid Date');
    }
    const completedMs = job.completedAt.getTime();
    if (completedMs < startMs || completedMs >= endMs) return;
    const contribution = jobQuantity(job, key, path);
    if (contribution === 'NOT_MATCHED') return;
    jobIds.push(job.id);
    quantity = quantity === null || contribution === null ? null : add(quantity, contribution);
  });
  return { quantity, jobIds };
}

/** Totals for several keys at once, as `CounterDeltas`, for reconciliation. */
export function jobTotals(
  jobs: readonly JobUsage[],
  keys: readonly string[],
  window: UsageWindow,
): CounterDeltas {
  const totals: Record<string, Fixed | null> = {};
  for (const key of keys) totals[key] = jobTotalFor(jobs, key, window).quantity;
  return totals;
}

function jobQuantity(job: JobUsage, key: string, path: string): Fixed | null | 'NOT_MATCHED' {
  const measured = (value: Measured | null | undefined, field: string): Fixed | null => {
    if (value === null || value === undefined) return null;
    const parsed = toQuantity(value, field);
    if (parsed < 0n) throw new BillingInputError(field, 'must not be negative');
    return parsed;
  };
  if (job.kind === 'scan') return 'NOT_MATCHED';
  if (key === 'mediaAreaM2') return measured(job.mediaAreaM2, `${path}.mediaAreaM2`);
  if (key === 'mediaLengthM') return measured(job.mediaLengthM, `${path}.mediaLengthM`);
  if (key === 'pages') return measured(job.pages, `${path}.pages`);
  if (key.startsWith(MEDIA_TYPE_KEY_PREFIX)) {
    if (job.mediaType !== key.slice(MEDIA_TYPE_KEY_PREFIX.length)) return 'NOT_MATCHED';
    return measured(job.mediaAreaM2, `${path}.mediaAreaM2`);
  }
  const byArea = key.startsWith(CATEGORY_AREA_KEY_PREFIX);
  const category = key.slice((byArea ? CATEGORY_AREA_KEY_PREFIX : CATEGORY_LENGTH_KEY_PREFIX).length);
  const entries = (job.categories ?? []).filter((entry) => entry?.category === category);
  if (entries.length === 0) return 'NOT_MATCHED';
  let total: Fixed | null = ZERO;
  for (const entry of entries) {
    const value = byArea
      ? measured(entry.mediaAreaM2, `${path}.categories.${category}.mediaAreaM2`)
      : measured(entry.mediaLengthM, `${path}.categories.${category}.mediaLengthM`);
    total = total === null || value === null ? null : add(total, value);
  }
  return total;
}
