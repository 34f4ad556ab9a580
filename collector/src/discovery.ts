// Finds supported printers in the configured IP ranges. For each address: a cheap TCP liveness
// check on the printer ports (IPP, HTTPS, HTTP), then — only on live hosts — every adapter's probe
// in parallel. A host is kept when the make and model it reports is a supported model. All work is
// concurrency-limited and every network step has a timeout.
import { connect } from 'node:net';
import { expandIpRange, isSupportedModel, parseIpRange, type CollectorConfig } from '@plotmeter/protocol';
import type { Adapter, AdapterContext, AdapterName, PrinterIdentity } from './adapters/adapter';
import { ADAPTERS } from './adapters/registry';
import { mapLimit } from './concurrency';

export interface DiscoveredPrinter {
  address: string;
  /** Identity from the highest-precedence adapter that answered. */
  identity: PrinterIdentity;
  /** Every adapter that answered, in precedence order: the sources polled and merged. */
  adapters: AdapterName[];
}

export interface DiscoveryOptions {
  concurrency: number;
  /** Liveness check timeout per port. */
  connectTimeoutMs: number;
  adapters?: readonly Adapter[];
  onProgress?: (done: number, total: number) => void;
  /** Devices that answered but are not supported models (reported by `scan`). */
  onUnsupported?: (address: string, identity: PrinterIdentity) => void;
}

export const DEFAULT_DISCOVERY: DiscoveryOptions = { concurrency: 128, connectTimeoutMs: 1500 };

function portOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function isAlive(host: string, ctx: AdapterContext, timeoutMs: number): Promise<boolean> {
  const ports = [ctx.ports.ipp, ctx.ports.https, ctx.ports.http];
  const results = await Promise.all(ports.map((p) => portOpen(host, p, timeoutMs)));
  return results.some(Boolean);
}

export function countAddresses(ranges: readonly string[]): number {
  return ranges.reduce((sum, r) => sum + parseIpRange(r).count, 0);
}

function* addresses(ranges: readonly string[]): Generator<string> {
  const seen = new Set<string>();
  for (const range of ranges) {
    for (const address of expandIpRange(range)) {
      if (seen.has(address)) continue;
      seen.add(address);
      yield address;
    }
  }
}

export async function probeHost(
  address: string,
  ctx: AdapterContext,
  adapters: readonly Adapter[],
): Promise<{ identity: PrinterIdentity; adapters: AdapterName[] } | null> {
  const identities = await Promise.all(adapters.map((a) => a.probe(address, ctx).catch(() => null)));
  const answered = identities.filter((i): i is PrinterIdentity => i !== null);
  if (answered.length === 0) return null;
  // Fill identity gaps (a serial only SNMP knows) from lower-precedence answers.
  const [best, ...rest] = answered;
  const identity: PrinterIdentity = {
    ...best!,
    serialNumber: best!.serialNumber ?? rest.find((i) => i.serialNumber)?.serialNumber ?? null,
    productNumber: best!.productNumber ?? rest.find((i) => i.productNumber)?.productNumber ?? null,
  };
  return { identity, adapters: answered.map((i) => i.adapter) };
}

export async function discover(
  config: Pick<CollectorConfig, 'ipRanges' | 'supportedModels'>,
  ctx: AdapterContext,
  options: DiscoveryOptions = DEFAULT_DISCOVERY,
): Promise<{ printers: DiscoveredPrinter[]; addressesScanned: number }> {
  const adapters = options.adapters ?? ADAPTERS;
  const total = countAddresses(config.ipRanges);
  let done = 0;
  const found = await mapLimit(addresses(config.ipRanges), options.concurrency, async (address) => {
    try {
      if (!(await isAlive(address, ctx, options.connectTimeoutMs))) return null;
      const result = await probeHost(address, ctx, adapters);
      if (result === null) return null;
      if (!isSupportedModel(result.identity.makeAndModel, config.supportedModels)) {
        options.onUnsupported?.(address, result.identity);
        return null;
      }
      return { address, ...result };
    } finally {
      done++;
      options.onProgress?.(done, total);
    }
  });
  return { printers: found.filter((p): p is DiscoveredPrinter => p !== null), addressesScanned: done };
}
