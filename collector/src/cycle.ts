// One collector cycle: refresh the configuration from the portal, discover and poll the printers,
// build batches, spool them durably, commit the adapter cursors, then try to upload everything in
// the spool. `run --once` is exactly one cycle; the daemon (scheduler.ts) repeats it.
import type { CollectorConfig } from '@plotmeter/protocol';
import type { Adapter, AdapterContext } from './adapters/adapter';
import { buildBatches } from './batcher';
import { collectPrinters } from './collect';
import { MAX_REMEMBERED_ERRORS, loadState, saveState, type CollectorState, type Credential } from './config';
import { DEFAULT_DISCOVERY, discover, type DiscoveryOptions } from './discovery';
import { HealthTracker } from './health';
import { PortalError, type PortalClient } from './portal-client';
import type { PrinterTlsOptions } from './printer-http';
import { SpoolFullError, type Spool } from './spool';
import { drainSpool, type DrainResult } from './uploader';
import { COLLECTOR_VERSION } from './version';

export interface CycleDeps {
  stateDir: string;
  credential: Credential;
  client: PortalClient;
  spool: Spool;
  hostname: string;
  /** PEM CA for printers' HTTPS certificates; null = pin on first contact. */
  printerCa: string | null;
  now?: () => Date;
  pollTimeoutMs?: number;
  probeTimeoutMs?: number;
  discovery?: Partial<DiscoveryOptions>;
  adapters?: readonly Adapter[];
  log?: (line: string) => void;
}

export interface CycleResult {
  configSource: 'server' | 'cached';
  configError: PortalError | null;
  addressesScanned: number;
  printersFound: number;
  printersReported: number;
  batchesSpooled: number;
  heldBack: string | null;
  drain: DrainResult;
}

export function adapterContext(
  config: CollectorConfig,
  state: CollectorState,
  printerCa: string | null,
  timeoutMs: number,
  now: () => Date,
): AdapterContext {
  const tls: PrinterTlsOptions = {
    ca: printerCa,
    legacyTlsHosts: config.legacyTlsHosts,
    pins: new Map(Object.entries(state.tlsPins)),
  };
  return { timeoutMs, ports: config.ports, snmpCommunity: config.snmpCommunity, tls, now };
}

/** Reads the configuration from the portal, keeping the last known one when the portal is unreachable. */
export async function refreshConfig(
  client: PortalClient,
  credential: Credential,
  state: CollectorState,
): Promise<{ source: 'server' | 'cached'; error: PortalError | null }> {
  try {
    state.config = await client.getConfig(credential);
    return { source: 'server', error: null };
  } catch (err) {
    if (!(err instanceof PortalError)) throw err;
    return { source: 'cached', error: err };
  }
}

export async function runCycle(deps: CycleDeps): Promise<CycleResult> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => undefined);
  const state = await loadState(deps.stateDir);
  const health = new HealthTracker(now);
  // Upload failures recorded since the last poll belong to this cycle's health report.
  for (const e of state.lastErrors.filter((e) => state.lastPollAt === null || e.at > state.lastPollAt)) {
    health.error(e.message, e.address);
  }

  const cfg = await refreshConfig(deps.client, deps.credential, state);
  if (cfg.error) {
    health.error(`configuration not refreshed, using the last known one: ${cfg.error.message}`);
    log(`warning: ${cfg.error.message}; using the last known configuration`);
  }
  const config = state.config;
  const probeCtx = adapterContext(config, state, deps.printerCa, deps.probeTimeoutMs ?? 3000, now);
  const { printers, addressesScanned } = await discover(config, probeCtx, {
    ...DEFAULT_DISCOVERY,
    ...deps.discovery,
    ...(deps.adapters ? { adapters: deps.adapters } : {}),
  });
  health.addressesScanned = addressesScanned;
  health.printersFound = printers.length;
  log(`scanned ${addressesScanned} addresses, found ${printers.length} supported printer(s)`);

  const pollCtx = { ...probeCtx, timeoutMs: deps.pollTimeoutMs ?? 15_000 };
  const collected = await collectPrinters(printers, pollCtx, state.printers, health, {
    concurrency: 8,
    ...(deps.adapters ? { adapters: deps.adapters } : {}),
  });
  const pollAt = now().toISOString();

  const batches = buildBatches(
    collected.map((c) => c.report),
    {
      softwareVersion: COLLECTOR_VERSION,
      hostname: deps.hostname,
      health: health.snapshot(COLLECTOR_VERSION, deps.hostname, pollAt),
      now,
    },
  );
  let batchesSpooled = 0;
  let heldBack: string | null = null;
  const unspooledSerials = new Set<string>();
  for (const batch of batches) {
    if (heldBack !== null) {
      for (const p of batch.report.printers) unspooledSerials.add(p.device.serialNumber);
      continue;
    }
    try {
      await deps.spool.put(batch.reportId, batch.gzip);
      batchesSpooled++;
    } catch (err) {
      if (!(err instanceof SpoolFullError)) throw err;
      heldBack = `${err.message}: data of ${batch.report.printers.length}+ printer(s) left on the printers until the spool drains`;
      for (const p of batch.report.printers) unspooledSerials.add(p.device.serialNumber);
      health.error(heldBack);
    }
  }

  // Commit cursors only for printers whose data is now durable in the spool.
  for (const c of collected) {
    if (unspooledSerials.has(c.serialNumber)) continue;
    state.printers[c.serialNumber] = {
      address: c.address,
      cursors: { ...state.printers[c.serialNumber]?.cursors, ...c.cursors },
    };
  }
  state.tlsPins = Object.fromEntries(probeCtx.tls.pins);
  state.lastPollAt = pollAt;
  state.addressesScanned = addressesScanned;
  state.printersFound = printers.length;
  state.heldBack =
    heldBack === null ? null : { at: pollAt, printers: unspooledSerials.size, reason: heldBack };
  state.lastErrors = health.recentErrors.slice(-MAX_REMEMBERED_ERRORS);
  await saveState(deps.stateDir, state);

  const drainHealth = new HealthTracker(now);
  const drain = await drainSpool(deps.spool, deps.client, deps.credential, state, drainHealth);
  state.lastErrors = [...state.lastErrors, ...drainHealth.recentErrors].slice(-MAX_REMEMBERED_ERRORS);
  await saveState(deps.stateDir, state);
  log(
    `reported ${collected.length} printer(s) in ${batches.length} batch(es); uploaded ${drain.uploaded}, ` +
      `pending ${drain.pending}, dead-lettered ${drain.deadLettered}`,
  );
  return {
    configSource: cfg.source,
    configError: cfg.error,
    addressesScanned,
    printersFound: printers.length,
    printersReported: collected.length,
    batchesSpooled,
    heldBack,
    drain,
  };
}

/** Upload attempt between polls (daemon): re-read the configuration first, then drain the spool. */
export async function uploadPending(deps: CycleDeps): Promise<DrainResult> {
  const now = deps.now ?? (() => new Date());
  const state = await loadState(deps.stateDir);
  await refreshConfig(deps.client, deps.credential, state);
  const health = new HealthTracker(now);
  const drain = await drainSpool(deps.spool, deps.client, deps.credential, state, health);
  state.lastErrors = [...state.lastErrors, ...health.recentErrors].slice(-MAX_REMEMBERED_ERRORS);
  await saveState(deps.stateDir, state);
  return drain;
}
