// Reconciliation of each printer's job log against its counters for a statement: which meters are
// compared, which printers, and what becomes a statement flag. The comparison itself is the billing
// rules' `reconcile` (exact, threshold in percent of the counter delta).
//
// Compared meters: media area always (every printer with job accounting reports it), plus every meter
// a JOBS-basis price line of the contract bills, because those lines rest on the job log.
// Compared printers: those that reported at least one non-scan job in the window, and, when the
// contract has JOBS-basis lines, every covered printer (a printer whose job log is missing entirely
// is then exactly what must be caught). Printers without job accounting would otherwise raise a gap
// every month.
import {
  type Fixed,
  type JobUsage,
  type MeterReconciliation,
  formatDecimal,
  jobTotals,
  quantityOf,
  reconcile,
} from '../../domain/billing';
import type { MeterReconciliationRecord } from '../../entities/billing-statement.entity';
import type { PrinterJobAreaTotal } from './job-usage';
import type { MeasuredPrinter, PrinterWindow } from './meter-readings';

export const RECONCILIATION_GAP_FLAG = 'RECONCILIATION_GAP';

export interface ReconciliationFlag {
  code: typeof RECONCILIATION_GAP_FLAG;
  printerId: string;
  message: string;
}

export interface ReconciliationInput {
  windows: readonly PrinterWindow[];
  measured: ReadonlyMap<string, MeasuredPrinter>;
  /** Meter keys of the contract's JOBS-basis lines (empty when it has none). */
  jobLineKeys: readonly string[];
  /** Loaded jobs per printer (present when the contract has JOBS-basis lines). */
  jobs: ReadonlyMap<string, JobUsage[]> | null;
  /** SQL media-area totals per printer (used when jobs were not loaded). */
  areaTotals: ReadonlyMap<string, PrinterJobAreaTotal> | null;
  thresholdPercent: string;
}

export interface ReconciliationResult {
  records: MeterReconciliationRecord[];
  flags: ReconciliationFlag[];
  /** Printers with at least one meter over the threshold, for the warning alert. */
  gaps: Array<{ printerId: string; rows: MeterReconciliation[] }>;
}

const text = (value: Fixed | null): string | null => (value === null ? null : formatDecimal(value));

export function reconcilePrinters(input: ReconciliationInput): ReconciliationResult {
  const keys = [...new Set(['mediaAreaM2', ...input.jobLineKeys])];
  const result: ReconciliationResult = { records: [], flags: [], gaps: [] };
  for (const window of input.windows) {
    const measured = input.measured.get(window.printerId);
    if (!measured) continue;
    let totals: Record<string, ReturnType<typeof quantityOf>>;
    if (input.jobs) {
      totals = { ...jobTotals(input.jobs.get(window.printerId) ?? [], keys, window) };
    } else {
      const area = input.areaTotals?.get(window.printerId);
      if (!area) continue;
      totals = { mediaAreaM2: area.mediaAreaM2 };
    }
    const counterDeltas = Object.fromEntries(
      Object.keys(totals).map((key) => [key, quantityOf(measured.usage, key)]),
    );
    const rows = reconcile({ counterDeltas, jobTotals: totals, thresholdPercent: input.thresholdPercent });
    for (const row of rows) {
      result.records.push({
        printerId: window.printerId,
        meterKey: row.meterKey,
        counterDelta: text(row.counterDelta),
        jobTotal: text(row.jobTotal),
        gap: text(row.gap),
        gapPercent: text(row.gapPercent),
        status: row.status,
        flagged: row.flagged,
      });
    }
    const over = rows.filter((row) => row.status === 'GAP');
    if (over.length > 0) {
      result.gaps.push({ printerId: window.printerId, rows: over });
      result.flags.push({
        code: RECONCILIATION_GAP_FLAG,
        printerId: window.printerId,
        message: `printer ${measured.serialNumber ?? window.printerId}: ${over.map(describeGap).join('; ')} (threshold ${input.thresholdPercent} %)`,
      });
    }
  }
  return result;
}

export function describeGap(row: MeterReconciliation): string {
  const percent = row.gapPercent === null ? 'n/a' : `${formatDecimal(row.gapPercent)} %`;
  return `${row.meterKey}: counters ${text(row.counterDelta)}, jobs ${text(row.jobTotal)}, gap ${percent}`;
}
