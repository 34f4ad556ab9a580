// Realistic direct-connect reports for the benchmarks: the protocol's example T1700dr report, widened
// to a configurable number of jobs (20 by default — a busy printer reporting every 15 minutes). Every
// (serial, seed) pair yields distinct job UUIDs and a distinct reportId, so each report is new work.
import { deterministicUuid, exampleDirectReport, type JobV1, type ReportV1 } from '@plotmeter/protocol';

export const BENCH_JOBS_PER_REPORT = 20;

export interface BenchReportOptions {
  serialNumber: string;
  seed: number;
  /** ISO-8601; defaults to now, so job rows land in the current month's partition. */
  sentAt?: string;
  jobsPerReport?: number;
}

/** Seconds between two consecutive jobs of one report. */
const JOB_SPACING_SECONDS = 40;

export function benchDirectReport(options: BenchReportOptions): ReportV1 {
  const jobCount = options.jobsPerReport ?? BENCH_JOBS_PER_REPORT;
  if (!Number.isInteger(jobCount) || jobCount < 1)
    throw new RangeError('jobsPerReport must be a positive integer');
  const sentAt = options.sentAt ?? new Date().toISOString();
  const { serialNumber, seed } = options;
  const report = exampleDirectReport({ serialNumber, seed, sentAt });
  const printer = report.printers[0]!;
  const templates = printer.jobs;
  const sentAtMs = Date.parse(sentAt);

  const jobs: JobV1[] = [];
  for (let i = 0; i < jobCount; i++) {
    const template = templates[i % templates.length]!;
    const completedAtMs = sentAtMs - JOB_SPACING_SECONDS * 1000 * (jobCount - i);
    const durationSeconds = template.durationSeconds ?? 60;
    jobs.push({
      ...template,
      uuid: deterministicUuid(`${serialNumber}/${seed}/bench-job/${i}`),
      // Sequence numbers keep increasing across seeds, as a printer's job counter does.
      sequenceNumber: 100_000 + seed * jobCount + i,
      name: `${i}_${template.name}`,
      completedAt: new Date(completedAtMs).toISOString(),
      submittedAt: new Date(completedAtMs - (durationSeconds + 30) * 1000).toISOString(),
    });
  }
  const usage = printer.usage;
  return {
    ...report,
    printers: [
      {
        ...printer,
        usage: {
          ...usage,
          jobs: 100_000 + (seed + 1) * jobCount,
          pages: 120_000 + (seed + 1) * jobCount,
        },
        jobs,
      },
    ],
  };
}
