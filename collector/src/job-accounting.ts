// Lifetime counters the collector keeps itself, from the per-job accounting it reports, for the
// figures a printer exposes no lifetime counter for. Over PIWS a DesignJet gives ink per slot but no
// media-area, media-by-type, category or scan-area totals; LEDM counts impressions and scanned images,
// not square metres (../docs/collector.md "Job accounting"). Billing measures usage as the difference
// of two readings, so the collector sums every reported job into counters that only grow, and sends
// them in `usage` marked `source: "job-accounting"` with the instant summing began.
//
// The counters live in state.json with the adapter cursors and are committed together with them,
// only after the batch carrying the same jobs is spooled: a crash in between re-reads those jobs and
// re-adds them to the counters as they were before, so a job is counted once.
//
// A job that lacks a figure (an IPP job has no media area) cannot be summed: that figure restarts
// from zero with a new `since`. The portal sees the drop as a counter reset and leaves the interval
// around it unbilled and flagged, instead of billing a sum that silently misses a job.
import type { JobV1, UsageSourceV1, UsageV1 } from '@plotmeter/protocol';
import { roundTo } from './units';

/** Key of the counters among a printer's cursors in state.json. */
export const JOB_ACCOUNTING_CURSOR = 'jobAccounting';

/** Job UUIDs remembered to never sum the same job twice (a poll returns at most a few hundred). */
const REMEMBERED = 500;

export interface Tally<T> {
  value: T;
  /** ISO instant the figure started from zero. */
  since: string;
}

export interface JobAccountingState {
  jobs: Tally<number>;
  pages: Tally<number>;
  mediaAreaM2: Tally<number>;
  mediaByType: Tally<Record<string, number>>;
  categories: Tally<Record<string, { areaM2: number; lengthM: number }>>;
  scan: Tally<{ scanAreaM2: number; copyAreaM2: number }>;
  counted: string[];
}

export function emptyAccounting(at: string): JobAccountingState {
  const t = <T>(value: T): Tally<T> => ({ value, since: at });
  return {
    jobs: t(0),
    pages: t(0),
    mediaAreaM2: t(0),
    mediaByType: t({}),
    categories: t({}),
    scan: t({ scanAreaM2: 0, copyAreaM2: 0 }),
    counted: [],
  };
}

/** Reads what state.json holds; anything unrecognised starts afresh (a counter reset for the portal). */
export function readAccounting(raw: unknown, at: string): JobAccountingState {
  const fresh = emptyAccounting(at);
  if (raw === null || typeof raw !== 'object') return fresh;
  const r = raw as Partial<JobAccountingState>;
  const ok = <T>(tally: Tally<T> | undefined, check: (v: unknown) => boolean): Tally<T> | null =>
    tally && typeof tally.since === 'string' && check(tally.value) ? tally : null;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const obj = (v: unknown) => v !== null && typeof v === 'object';
  return {
    jobs: ok(r.jobs, num) ?? fresh.jobs,
    pages: ok(r.pages, num) ?? fresh.pages,
    mediaAreaM2: ok(r.mediaAreaM2, num) ?? fresh.mediaAreaM2,
    mediaByType: ok(r.mediaByType, obj) ?? fresh.mediaByType,
    categories: ok(r.categories, obj) ?? fresh.categories,
    scan: ok(r.scan, obj) ?? fresh.scan,
    counted: Array.isArray(r.counted) ? r.counted.filter((u) => typeof u === 'string') : [],
  };
}

/**
 * Adds the jobs to a copy of the counters (the caller commits it with the cursors). `at` is the
 * poll's instant, the zero point of a figure that has to restart.
 */
export function addJobs(
  previous: JobAccountingState,
  jobs: readonly JobV1[],
  at: string,
): JobAccountingState {
  const s: JobAccountingState = structuredClone(previous);
  const counted = new Set(s.counted);
  // A figure restarts at most once per poll and then stays at zero for the rest of it, so the drop
  // is always visible in this poll's reading (a restart that re-grew past the old value would not be).
  const restarted = new Set<string>();
  const restart = <T>(name: string, tally: Tally<T>, zero: T) => {
    restarted.add(name);
    tally.value = zero;
    tally.since = at;
  };
  for (const job of jobs) {
    if (counted.has(job.uuid)) continue;
    counted.add(job.uuid);
    s.counted.push(job.uuid);
    if (!restarted.has('jobs')) s.jobs.value += 1;
    const printing = job.kind !== 'scan';
    if (printing) {
      if (!restarted.has('pages')) s.pages.value += job.pages * Math.max(1, job.copies);
      const area = job.mediaAreaM2;
      if (area === null || area === undefined) {
        restart('mediaAreaM2', s.mediaAreaM2, 0);
        restart('mediaByType', s.mediaByType, {});
        restart('categories', s.categories, {});
      } else {
        if (!restarted.has('mediaAreaM2')) s.mediaAreaM2.value = roundTo(s.mediaAreaM2.value + area, 6);
        if (!restarted.has('mediaByType')) {
          if (job.mediaType) {
            const byType = s.mediaByType.value;
            byType[job.mediaType] = roundTo((byType[job.mediaType] ?? 0) + area, 6);
          } else if (area > 0) restart('mediaByType', s.mediaByType, {});
        }
        if (!restarted.has('categories')) {
          if (job.categories.length > 0) {
            for (const c of job.categories) {
              const cat = (s.categories.value[c.category] ??= { areaM2: 0, lengthM: 0 });
              cat.areaM2 = roundTo(cat.areaM2 + c.mediaAreaM2, 6);
              cat.lengthM = roundTo(cat.lengthM + c.mediaLengthM, 6);
            }
          } else if (area > 0) restart('categories', s.categories, {});
        }
      }
    }
    if (job.kind !== 'print' && !restarted.has('scan')) {
      const scanned = job.scannedAreaM2;
      if (scanned === null || scanned === undefined)
        restart('scan', s.scan, { scanAreaM2: 0, copyAreaM2: 0 });
      else if (job.kind === 'scan') s.scan.value.scanAreaM2 = roundTo(s.scan.value.scanAreaM2 + scanned, 6);
      else s.scan.value.copyAreaM2 = roundTo(s.scan.value.copyAreaM2 + scanned, 6);
    }
  }
  s.counted = s.counted.slice(-REMEMBERED);
  return s;
}

/**
 * Fills every figure of `usage` no printer protocol knew from the counters, and lists each figure's
 * source. `protocols` names the protocol each printer-sourced figure came from.
 */
export function completeUsage(
  usage: UsageV1,
  accounting: JobAccountingState,
  protocols: Partial<Record<UsageSourceV1['counter'], string>>,
): UsageV1 {
  const out: UsageV1 = { ...usage, scan: { ...usage.scan } };
  const sources: UsageSourceV1[] = [];
  const fromPrinter = (counter: UsageSourceV1['counter']) =>
    sources.push({ counter, source: 'printer', protocol: protocols[counter] ?? null, since: null });
  const fromJobs = (counter: UsageSourceV1['counter'], since: string) =>
    sources.push({ counter, source: 'job-accounting', protocol: null, since });

  if (usage.inkByCartridgeType.length > 0) fromPrinter('inkByCartridgeType');
  if (usage.totalInkMl !== null) fromPrinter('totalInkMl');
  if (usage.pages !== null) fromPrinter('pages');
  else {
    out.pages = accounting.pages.value;
    fromJobs('pages', accounting.pages.since);
  }
  if (usage.jobs !== null) fromPrinter('jobs');
  else {
    out.jobs = accounting.jobs.value;
    fromJobs('jobs', accounting.jobs.since);
  }
  if (usage.totalMediaAreaM2 !== null) fromPrinter('totalMediaAreaM2');
  else {
    out.totalMediaAreaM2 = accounting.mediaAreaM2.value;
    fromJobs('totalMediaAreaM2', accounting.mediaAreaM2.since);
  }
  if (usage.mediaByType.length > 0) fromPrinter('mediaByType');
  else {
    out.mediaByType = Object.entries(accounting.mediaByType.value).map(([mediaType, areaM2]) => ({
      mediaType,
      areaM2,
    }));
    fromJobs('mediaByType', accounting.mediaByType.since);
  }
  if (usage.applicationCategories.length > 0) fromPrinter('applicationCategories');
  else {
    out.applicationCategories = Object.entries(accounting.categories.value).map(([category, c]) => ({
      category,
      areaM2: c.areaM2,
      lengthM: c.lengthM,
    }));
    fromJobs('applicationCategories', accounting.categories.since);
  }
  const scan = usage.scan;
  if (scan.scanAreaM2 !== null || scan.copyAreaM2 !== null || scan.totalAreaM2 !== null) fromPrinter('scan');
  else {
    const { scanAreaM2, copyAreaM2 } = accounting.scan.value;
    out.scan = { scanAreaM2, copyAreaM2, totalAreaM2: roundTo(scanAreaM2 + copyAreaM2, 6) };
    fromJobs('scan', accounting.scan.since);
  }
  out.sources = sources;
  return out;
}
