// HP LEDM (XML from the embedded web server, HTTPS before HTTP): identity, status, alert table, consumables
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
  ledmUsagePartial,
} from './ledm/ledm.parse';

const DISCOVERY = '/DevMgmt/DiscoveryTree.xml';

type Scheme = 'https' | 'http';

async function get(host: string, ctx: AdapterContext, path: string, scheme: Scheme): Promise<Buffer> {
  const port = scheme === 'https' ? ctx.ports.https : ctx.ports.http;
  const hostPort = port === (scheme === 'https' ? 443 : 80) ? host : `${host}:${port}`;
  const res = await printerRequest({
    url: `${scheme}://${hostPort}${path}`,
    headers: { accept: 'text/xml, application/xml' },
    timeoutMs: ctx.timeoutMs,
    tls: ctx.tls,
  });
  if (res.status !== 200) throw new Error(`LEDM ${path}: HTTP ${res.status}`);
  return res.body;
}

interface Endpoint {
  scheme: Scheme;
  uris: Map<string, string>;
}

/**
 * The discovery tree over HTTPS first (the embedded web server's encrypted side, the same TLS pinning
 * as PIWS), else over plain HTTP for firmware that serves LEDM only there.
 */
async function resources(host: string, ctx: AdapterContext): Promise<Endpoint> {
  let tree: Map<string, string> | null = null;
  let scheme: Scheme = 'https';
  try {
    tree = parseDiscoveryTree(await get(host, ctx, DISCOVERY, 'https'));
  } catch {
    scheme = 'http';
    tree = parseDiscoveryTree(await get(host, ctx, DISCOVERY, 'http'));
  }
  const uri = (name: string) => tree.get(name) ?? `/DevMgmt/${name}.xml`;
  return { scheme, uris: new Map(Object.values(LEDM_DOCUMENTS).map((name) => [name, uri(name)])) };
}

export const ledmAdapter: Adapter = {
  name: 'ledm',

  async probe(host: string, ctx: AdapterContext): Promise<PrinterIdentity | null> {
    try {
      const { scheme, uris } = await resources(host, ctx);
      const config = parseProductConfig(
        await get(host, ctx, uris.get(LEDM_DOCUMENTS.productConfig)!, scheme),
      );
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
    const { scheme, uris } = await resources(host, ctx);
    const config = parseProductConfig(await get(host, ctx, uris.get(LEDM_DOCUMENTS.productConfig)!, scheme));
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
        return parse(await get(host, ctx, uris.get(name)!, scheme));
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
    const usage = await read(LEDM_DOCUMENTS.productUsage, parseProductUsage);
    if (usage) partial.usage = ledmUsagePartial(usage, consumables?.cartridges ?? []);
    return { partial, cursor: null };
  },
};
