// Turns collected printer entries into Report v1 upload batches that respect the wire limits:
// at most maxPrintersPerReport printers and maxJobsPerPrinter jobs per printer entry, and at most
// maxCompressedBytes of gzip per request. Oversized batches are halved until they fit; a printer
// with more jobs than fit is sent as several entries, each with its status and a slice of the jobs.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { LIMITS, SCHEMA_VERSION, type PrinterReportV1, type ReportV1 } from '@plotmeter/protocol';
import type { CollectorHealth } from './health';

/** Report v1 plus the collector-health extension (unknown top-level fields are accepted). */
export type CollectorReport = ReportV1 & { collector: CollectorHealth };

export interface Batch {
  reportId: string;
  report: CollectorReport;
  gzip: Buffer;
  printers: number;
}

export interface BatchOptions {
  softwareVersion: string;
  hostname: string;
  health: CollectorHealth;
  now?: () => Date;
  /** Defaults to the protocol's LIMITS; tests pass smaller ones. */
  limits?: { maxPrintersPerReport: number; maxJobsPerPrinter: number; maxCompressedBytes: number };
}

function splitJobs(entry: PrinterReportV1, maxJobs: number): PrinterReportV1[] {
  if (entry.jobs.length <= maxJobs) return [entry];
  const parts: PrinterReportV1[] = [];
  for (let i = 0; i < entry.jobs.length; i += maxJobs)
    parts.push({ ...entry, jobs: entry.jobs.slice(i, i + maxJobs) });
  return parts;
}

export function buildBatches(entries: PrinterReportV1[], options: BatchOptions): Batch[] {
  const limits = options.limits ?? LIMITS;
  const now = options.now ?? (() => new Date());
  const make = (printers: PrinterReportV1[]): Batch => {
    const reportId = randomUUID();
    const report: CollectorReport = {
      schemaVersion: SCHEMA_VERSION,
      reportId,
      sentAt: now().toISOString(),
      source: { kind: 'collector', softwareVersion: options.softwareVersion, hostname: options.hostname },
      printers,
      collector: options.health,
    };
    return { reportId, report, gzip: gzipSync(JSON.stringify(report)), printers: printers.length };
  };
  const fit = (printers: PrinterReportV1[]): Batch[] => {
    const batch = make(printers);
    if (batch.gzip.length <= limits.maxCompressedBytes) return [batch];
    if (printers.length > 1) {
      const half = Math.ceil(printers.length / 2);
      return [...fit(printers.slice(0, half)), ...fit(printers.slice(half))];
    }
    const only = printers[0]!;
    if (only.jobs.length > 1) {
      const half = Math.ceil(only.jobs.length / 2);
      return [
        ...fit([{ ...only, jobs: only.jobs.slice(0, half) }]),
        ...fit([{ ...only, jobs: only.jobs.slice(half) }]),
      ];
    }
    throw new Error(
      `one printer entry (${only.device.serialNumber}) compresses to ${batch.gzip.length} bytes, over the upload limit`,
    );
  };
  // A printer split into several entries must not appear twice in one report: round r carries the
  // r-th slice of every printer, and rounds are uploaded in order, so each printer's jobs stay ordered.
  const rounds: PrinterReportV1[][] = [];
  for (const entry of entries) {
    splitJobs(entry, limits.maxJobsPerPrinter).forEach((part, r) => (rounds[r] ??= []).push(part));
  }
  const batches: Batch[] = [];
  for (const round of rounds) {
    for (let i = 0; i < round.length; i += limits.maxPrintersPerReport) {
      batches.push(...fit(round.slice(i, i + limits.maxPrintersPerReport)));
    }
  }
  return batches;
}
