// One collection pass over discovered printers: poll every adapter that answered the probe, merge
// their answers (merge.ts) and return the printer entries plus the adapter cursors to commit once
// the entries are safely spooled. Cursors are not committed here: if the batch cannot be stored,
// the same jobs are read again next time instead of being lost.
import type { PrinterReportV1 } from '@plotmeter/protocol';
import type { Adapter, AdapterContext, AdapterCursor, CursorKey } from './adapters/adapter';
import { ADAPTERS } from './adapters/registry';
import { mapLimit } from './concurrency';
import type { PrinterState } from './config';
import type { DiscoveredPrinter } from './discovery';
import type { HealthTracker } from './health';
import { JOB_ACCOUNTING_CURSOR, addJobs, completeUsage, readAccounting } from './job-accounting';
import { mergePartials, type SourcedPartial } from './merge';

export interface CollectedPrinter {
  serialNumber: string;
  address: string;
  report: PrinterReportV1;
  /** Adapter cursors and the job-accounting counters, committed once the report is spooled. */
  cursors: Partial<Record<CursorKey, AdapterCursor>>;
}

export async function collectPrinters(
  printers: DiscoveredPrinter[],
  ctx: AdapterContext,
  previous: Record<string, PrinterState>,
  health: HealthTracker,
  options: { concurrency: number; adapters?: readonly Adapter[] } = { concurrency: 8 },
): Promise<CollectedPrinter[]> {
  const adapters = options.adapters ?? ADAPTERS;
  const results = await mapLimit(printers, options.concurrency, async (printer) => {
    const serial = printer.identity.serialNumber;
    const known = serial !== null ? previous[serial] : undefined;
    const sources: SourcedPartial[] = [];
    const cursors: Partial<Record<CursorKey, AdapterCursor>> = {};
    const polls = printer.adapters.map(async (name) => {
      const adapter = adapters.find((a) => a.name === name);
      if (!adapter) return;
      try {
        const result = await adapter.poll(printer.address, ctx, known?.cursors[name] ?? null);
        sources.push({ adapter: name, partial: result.partial });
        cursors[name] = result.cursor;
      } catch (err) {
        health.error(`${name} poll failed: ${(err as Error).message}`, printer.address);
        // Keep the previous cursor: nothing was read, so nothing may be skipped next time.
        if (known?.cursors[name] !== undefined) cursors[name] = known.cursors[name];
      }
    });
    await Promise.all(polls);
    if (sources.length === 0) return null;
    const merged = mergePartials(sources, ctx.now(), printer.identity.makeAndModel);
    for (const w of merged.warnings) health.error(w, printer.address);
    if (!merged.ok) {
      health.error(`not reported: ${merged.reason} (${printer.identity.makeAndModel})`, printer.address);
      return null;
    }
    // Figures no protocol exposes as a lifetime counter come from the jobs summed so far. The counters
    // are kept under the printer's serial, so an address change does not restart them.
    const report = merged.printer;
    const at = ctx.now().toISOString();
    const stored = previous[report.device.serialNumber]?.cursors[JOB_ACCOUNTING_CURSOR];
    const accounting = addJobs(readAccounting(stored ?? null, at), report.jobs, at);
    report.usage = completeUsage(report.usage, accounting, merged.usageProtocols);
    cursors[JOB_ACCOUNTING_CURSOR] = accounting as unknown as AdapterCursor;
    return {
      serialNumber: report.device.serialNumber,
      address: printer.address,
      report,
      cursors,
    } satisfies CollectedPrinter;
  });
  return results.filter((r): r is CollectedPrinter => r !== null);
}
