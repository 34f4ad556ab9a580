// HP LEDM (XML from the embedded web server over HTTP): identity, status, alert table, consumables
// and lifetime usage for printers whose PIWS is missing or unreachable. Starts at the discovery tree
// because resource paths differ between firmware families.
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
  LEDM_DOCUMENTS,
  parseConsumableConfig,
  parseDiscoveryTree,
  parseProductConfig,
  parseProductStatus,
  parseProductUsage,
} from './ledm/ledm.parse';

const DISCOVERY = '/DevMgmt/DiscoveryTree.xml';

async function get(host: string, ctx: AdapterContext, path: string): Promise<Buffer> {
  const port = ctx.ports.http === 80 ? '' : `:${ctx.ports.http}`;
  const res = await printerRequest({
    url: `http://${host}${port}${path}`,
    headers: { accept: 'text/xml, application/xml' },
    timeoutMs: ctx.timeoutMs,
    tls: ctx.tls,
  });
  if (res.status !== 200) throw new Error(`LEDM ${path}: HTTP ${res.status}`);
  return res.body;
}

async function resources(host: string, ctx: AdapterContext): Promise<Map<string, string>> {
  const tree = parseDiscoveryTree(await get(host, ctx, DISCOVERY));
  const uri = (name: string) => tree.get(name) ?? `/DevMgmt/${name}.xml`;
  return new Map(Object.values(LEDM_DOCUMENTS).map((name) => [name, uri(name)]));
}

export const ledmAdapter: Adapter = {
  name: 'ledm',

  async probe(host: string, ctx: AdapterContext): Promise<PrinterIdentity | null> {
    try {
      const uris = await resources(host, ctx);
      const config = parseProductConfig(await get(host, ctx, uris.get(LEDM_DOCUMENTS.productConfig)!));
      if (config.makeAndModel === '') return null;
      return {
        adapter: 'ledm',
        makeAndModel: config.makeAndModel,
        serialNumber: config.serialNumber,
        productNumber: config.productNumber,
        firmwareVersion: config.firmwareVersion,
        uuid: null,
      };
    } catch {
      return null;
    }
  },

  async poll(host: string, ctx: AdapterContext, _cursor: AdapterCursor): Promise<PollResult> {
    const now = ctx.now();
    const uris = await resources(host, ctx);
    const config = parseProductConfig(await get(host, ctx, uris.get(LEDM_DOCUMENTS.productConfig)!));
    const partial: PrinterPartial = {
      device: {
        productName: config.productName,
        productNumber: config.productNumber,
        serialNumber: config.serialNumber,
        firmwareVersion: config.firmwareVersion,
      },
      warnings: [],
    };
    const read = async <T>(name: string, parse: (b: Buffer) => T): Promise<T | undefined> => {
      try {
        return parse(await get(host, ctx, uris.get(name)!));
      } catch (err) {
        partial.warnings.push(`LEDM ${name}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const status = await read(LEDM_DOCUMENTS.productStatus, (b) => parseProductStatus(b, now));
    if (status) {
      partial.status = { engineState: status.engineState, message: status.message, reasons: status.reasons };
      partial.alerts = status.alerts;
    }
    const consumables = await read(LEDM_DOCUMENTS.consumableConfig, parseConsumableConfig);
    if (consumables) {
      partial.cartridges = consumables.cartridges;
      partial.printheads = consumables.printheads;
      for (const c of consumables.clamped)
        partial.warnings.push(`LEDM negative consumable level clamped to 0 (${c})`);
    }
    partial.usage = await read(LEDM_DOCUMENTS.productUsage, parseProductUsage);
    return { partial, cursor: null };
  },
};
