// IPP (Get-Printer-Attributes, Get-Jobs): status, supplies and alerts for any IPP printer, and the
// completed-job history where PIWS is not available. Printers keep only a short job history, so
// every completed job's uuid is remembered (bounded) and reported once across polls.
import type {
  Adapter,
  AdapterContext,
  AdapterCursor,
  PollResult,
  PrinterIdentity,
  PrinterPartial,
} from './adapter';
import { GroupTag, Operation, ValueTag, groupsOf } from './ipp/codec';
import { ippRequest, keywords, type IppTarget } from './ipp/ipp.client';
import { ippAlerts, ippCartridges, ippDevice, ippJob, ippStatus } from './ipp/ipp.map';
import { firstNumber } from './ipp/codec';

const PRINTER_ATTRIBUTES = [
  'printer-make-and-model',
  'printer-uuid',
  'printer-device-id',
  'printer-serial-number',
  'printer-firmware-string-version',
  'printer-state',
  'printer-state-reasons',
  'printer-state-message',
  'printer-supply',
  'printer-supply-description',
  'marker-names',
  'marker-levels',
  'marker-colors',
  'marker-types',
  'printer-alert',
  'printer-alert-description',
  'printer-impressions-completed',
];
const JOB_ATTRIBUTES = [
  'job-id',
  'job-uuid',
  'job-name',
  'job-originating-user-name',
  'job-account-id',
  'job-accounting-user-id',
  'job-state',
  'job-impressions-completed',
  'job-media-sheets-completed',
  'copies',
  'date-time-at-creation',
  'date-time-at-processing',
  'date-time-at-completed',
];
const PATHS = ['/ipp/print', '/ipp/printer', '/ipp'];
const REMEMBERED_JOBS = 10_000;
/** Upper bound on jobs asked for per poll (the printer's history is usually far shorter). */
const JOB_LIMIT = 1000;

function target(host: string, ctx: AdapterContext, path: string): IppTarget {
  return { host, port: ctx.ports.ipp, path, timeoutMs: ctx.timeoutMs, tls: ctx.tls };
}

async function getPrinterAttributes(host: string, ctx: AdapterContext, path: string) {
  const msg = await ippRequest(target(host, ctx, path), Operation.GetPrinterAttributes, [
    keywords('requested-attributes', PRINTER_ATTRIBUTES),
  ]);
  return groupsOf(msg, GroupTag.printer)[0];
}

export const ippAdapter: Adapter = {
  name: 'ipp',

  async probe(host: string, ctx: AdapterContext): Promise<PrinterIdentity | null> {
    for (const path of PATHS) {
      try {
        const printer = await getPrinterAttributes(host, ctx, path);
        const dev = ippDevice(printer);
        if (dev.makeAndModel === '') continue;
        return {
          adapter: 'ipp',
          makeAndModel: dev.makeAndModel,
          serialNumber: dev.serialNumber,
          productNumber: dev.productNumber,
          firmwareVersion: dev.firmwareVersion,
          uuid: dev.uuid,
        };
      } catch (err) {
        // Connection refused or timed out: no IPP here at all, do not try the other paths.
        if ((err as { code?: string }).code !== undefined) return null;
      }
    }
    return null;
  },

  async poll(host: string, ctx: AdapterContext, cursor: AdapterCursor): Promise<PollResult> {
    const now = ctx.now();
    const pathFromCursor = typeof cursor?.path === 'string' ? cursor.path : null;
    const seenList = Array.isArray(cursor?.seenJobUuids)
      ? (cursor.seenJobUuids as unknown[]).filter((u): u is string => typeof u === 'string')
      : [];
    let path = pathFromCursor ?? PATHS[0]!;
    let printer;
    try {
      printer = await getPrinterAttributes(host, ctx, path);
    } catch (err) {
      if (pathFromCursor !== null) throw err;
      let found = false;
      for (const p of PATHS.slice(1)) {
        try {
          printer = await getPrinterAttributes(host, ctx, p);
          path = p;
          found = true;
          break;
        } catch {
          /* try the next path */
        }
      }
      if (!found) throw err;
    }
    const dev = ippDevice(printer);
    const partial: PrinterPartial = {
      device: {
        productName: dev.productName,
        productNumber: dev.productNumber,
        serialNumber: dev.serialNumber,
        firmwareVersion: dev.firmwareVersion,
      },
      status: ippStatus(printer),
      cartridges: ippCartridges(printer),
      alerts: ippAlerts(printer, now),
      usage: { pages: firstNumber(printer, 'printer-impressions-completed') },
      warnings: [],
    };
    let seen = seenList;
    try {
      const msg = await ippRequest(target(host, ctx, path), Operation.GetJobs, [
        keywords('which-jobs', ['completed']),
        { tag: ValueTag.boolean, name: 'my-jobs', values: [false] },
        { tag: ValueTag.integer, name: 'limit', values: [JOB_LIMIT] },
        keywords('requested-attributes', JOB_ATTRIBUTES),
      ]);
      const seenSet = new Set(seenList);
      const jobs = groupsOf(msg, GroupTag.job)
        .map((g) => ippJob(g, dev.uuid, now))
        .filter((j): j is NonNullable<typeof j> => j !== null && !seenSet.has(j.uuid))
        .sort((a, b) => a.sequenceNumber - b.sequenceNumber);
      partial.jobs = jobs;
      seen = [...seenList, ...jobs.map((j) => j.uuid)].slice(-REMEMBERED_JOBS);
    } catch (err) {
      partial.warnings.push(`IPP Get-Jobs: ${(err as Error).message}`);
    }
    return { partial, cursor: { path, seenJobUuids: seen } };
  },
};
