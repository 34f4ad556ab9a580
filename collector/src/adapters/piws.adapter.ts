// HP PIWS over HTTPS (/LFPWebServices/PI/): the primary source for DesignJet and PageWide XL. It is
// the only protocol that carries per-job accounting (media area, ink per colour) and the cumulative
// HP / non-HP ink counters, so billing depends on it. Jobs are read incrementally with
// `fromModificationNumber`, remembered per printer in the cursor.
import { printerRequest } from '../printer-http';
import type {
  Adapter,
  AdapterContext,
  AdapterCursor,
  PollResult,
  PrinterIdentity,
  PrinterPartial,
} from './adapter';
import {
  parseDeviceStatus,
  parseIdentification,
  parseInkSystem,
  parseJobQueueCollection,
  parseJobSnapshot,
  parseMediaSystem,
  parsePaperList,
  parseAccessories,
  parsePrintheads,
  xmlSettingsToJson,
} from './piws/piws.parse';

const BASE = '/LFPWebServices/PI';
/** How many reported job UUIDs are remembered to drop repeats from the incremental listing. */
const REMEMBERED_JOBS = 10_000;

interface PiwsCursor {
  queueUuid: string | null;
  modificationNumber: number | null;
  reportedJobUuids: string[];
}

function readCursor(cursor: AdapterCursor): PiwsCursor {
  const c = cursor ?? {};
  return {
    queueUuid: typeof c.queueUuid === 'string' ? c.queueUuid : null,
    modificationNumber: typeof c.modificationNumber === 'number' ? c.modificationNumber : null,
    reportedJobUuids: Array.isArray(c.reportedJobUuids)
      ? c.reportedJobUuids.filter((u): u is string => typeof u === 'string')
      : [],
  };
}

function hostPort(host: string, port: number): string {
  return port === 443 ? host : `${host}:${port}`;
}

async function getDocument(host: string, ctx: AdapterContext, path: string): Promise<Buffer> {
  const res = await printerRequest({
    url: `https://${hostPort(host, ctx.ports.https)}${BASE}/${path}`,
    headers: { accept: 'application/xml, text/xml' },
    timeoutMs: ctx.timeoutMs,
    tls: ctx.tls,
  });
  if (res.status !== 200) throw new Error(`PIWS ${path}: HTTP ${res.status}`);
  return res.body;
}

export const piwsAdapter: Adapter = {
  name: 'piws',

  async probe(host: string, ctx: AdapterContext): Promise<PrinterIdentity | null> {
    let body: Buffer;
    try {
      body = await getDocument(host, ctx, 'Identification');
    } catch {
      return null;
    }
    try {
      const id = parseIdentification(body);
      return {
        adapter: 'piws',
        makeAndModel: id.makeAndModel,
        serialNumber: id.serialNumber,
        productNumber: id.productNumber,
        firmwareVersion: id.firmwareVersion,
        uuid: id.uuid,
      };
    } catch {
      return null; // something answers HTTPS on that path but it is not PIWS
    }
  },

  async poll(host: string, ctx: AdapterContext, cursor: AdapterCursor): Promise<PollResult> {
    const now = ctx.now();
    const previous = readCursor(cursor);
    const identification = parseIdentification(await getDocument(host, ctx, 'Identification'));
    const partial: PrinterPartial = {
      device: {
        productNumber: identification.productNumber,
        productName: identification.productName,
        serialNumber: identification.serialNumber,
        firmwareVersion: identification.firmwareVersion,
      },
      warnings: [],
    };
    // Each document is optional: a printer that fails one still reports the rest.
    const read = async <T>(path: string, parse: (b: Buffer) => T): Promise<T | undefined> => {
      try {
        return parse(await getDocument(host, ctx, path));
      } catch (err) {
        partial.warnings.push(`PIWS ${path}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const status = await read('DeviceStatus', (b) => parseDeviceStatus(b, now));
    if (status) {
      partial.status = { engineState: status.engineState, message: status.message, reasons: status.reasons };
      partial.alerts = status.alerts;
    }
    const ink = await read('InkSystem', parseInkSystem);
    if (ink) {
      partial.cartridges = ink.cartridges;
      partial.usage = { inkByCartridgeType: ink.usage.inkByCartridgeType, totalInkMl: ink.usage.totalInkMl };
    }
    partial.printheads = await read('PrintheadsStatus', parsePrintheads);
    partial.mediaSources = await read('MediaSystem', parseMediaSystem);
    partial.supportedMediaTypes = await read('Paper/List', parsePaperList);
    // Not every firmware serves these three: a missing document (404) is not a problem worth reporting.
    const optional = async <T>(path: string, parse: (b: Buffer) => T): Promise<T | undefined> => {
      try {
        return parse(await getDocument(host, ctx, path));
      } catch (err) {
        if (!/HTTP 404$/.test((err as Error).message))
          partial.warnings.push(`PIWS ${path}: ${(err as Error).message}`);
        return undefined;
      }
    };
    partial.accessories = await optional('Accessories', parseAccessories);
    partial.jobCategoryThresholds = await optional('JobCategoryThresholds', (b) =>
      xmlSettingsToJson(b, 'JobCategoryThresholds'),
    );
    partial.printCategories = await optional('PrintCategories', (b) =>
      xmlSettingsToJson(b, 'PrintCategories'),
    );

    const next: PiwsCursor = { ...previous };
    const queueUuid = await read('JQ/JobQueueCollection', parseJobQueueCollection);
    if (queueUuid) {
      // The queue UUID changes when the printer restarts, and modification numbers restart with it.
      const sameQueue = queueUuid === previous.queueUuid;
      const from = sameQueue ? previous.modificationNumber : null;
      const query = from === null ? '' : `?fromModificationNumber=${from}`;
      const snapshot = await read(`JQ/JobQueue/${encodeURIComponent(queueUuid)}/jobs/all${query}`, (b) =>
        parseJobSnapshot(b, now),
      );
      if (snapshot) {
        const seen = new Set(previous.reportedJobUuids);
        const fresh = snapshot.jobs.filter((j) => !seen.has(j.uuid));
        partial.jobs = fresh;
        next.queueUuid = queueUuid;
        next.modificationNumber = snapshot.modificationNumber ?? from;
        next.reportedJobUuids = [...previous.reportedJobUuids, ...fresh.map((j) => j.uuid)].slice(
          -REMEMBERED_JOBS,
        );
      }
    }
    return { partial, cursor: { ...next } };
  },
};
