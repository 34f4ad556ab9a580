// One collector cycle: refresh the configuration from the portal, discover and poll the printers,
// build batches, spool them durably, commit the adapter cursors, then try to upload everything in
// the spool. A cycle that spooled no report sends its health on its own (an empty scan is exactly
// when the portal needs to see the collector's errors), and a credential rotation the portal asked
// for happens last. `run --once` is exactly one cycle; the daemon (scheduler.ts) repeats it.
import type { CollectorConfig } from '@plotmeter/protocol';
import type { Adapter, AdapterContext } from './adapters/adapter';
import { buildBatches } from './batcher';
import { collectPrinters } from './collect';
import { MAX_REMEMBERED_ERRORS, loadState, saveState, type CollectorState, type Credential } from './config';
import { DEFAULT_DISCOVERY, discover, type DiscoveryOptions } from './discovery';
import type { CollectorHealthV1 } from '@plotmeter/protocol';
import { rotateIfDue, rotationUrgent, type RotationOutcome } from './credential-rotation';
import { errorMessage } from './errors';
import { HealthTracker, type CollectorHealth } from './health';
import { PortalError, type PortalClient, type RotationRequest } from './portal-client';
import type { PrinterTlsOptions } from './printer-http';
import { SpoolFullError, isDiskFull, type Spool } from './spool';
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
  /** Health sent on its own because no report of this cycle carried it (null: not needed). */
  healthSent: boolean | null;
  rotation: RotationOutcome | null;
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
): Promise<{ source: 'server' | 'cached'; error: PortalError | null; rotation: RotationRequest | null }> {
  try {
    const { config, rotation } = await client.getConfigAndRotation(credential);
    state.config = config;
    return { source: 'server', error: null, rotation };
  } catch (err) {
    if (!(err instanceof PortalError)) throw err;
    return { source: 'cached', error: err, rotation: null };
  }
}

function healthBody(health: CollectorHealth): CollectorHealthV1 {
  const { lastPollAt, ...rest } = health;
  return lastPollAt === null ? rest : { ...rest, lastPollAt };
}

/** Rotates the credential when the portal asked and it is due; failures go to the health errors. */
async function rotateAsAsked(
  deps: CycleDeps,
  rotation: RotationRequest | null,
  state: CollectorState,
  now: () => Date,
): Promise<RotationOutcome | null> {
  if (rotation === null) return null;
  const log = deps.log ?? (() => undefined);
  const outcome = await rotateIfDue(deps, rotation, now());
  if (outcome.kind === 'rotated')
    log(`credential rotated as the portal asked; now signing with ${outcome.keyId}`);
  else log(`credential rotation ${outcome.kind}: ${outcome.reason}`);
  if (outcome.kind === 'failed') {
    state.lastErrors = [...state.lastErrors, { at: now().toISOString(), message: outcome.reason }].slice(
      -MAX_REMEMBERED_ERRORS,
    );
    await saveState(deps.stateDir, state);
  }
  return outcome;
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
  // An old key about to stop working is exchanged before anything is uploaded with it.
  let rotation =
    cfg.rotation && rotationUrgent(cfg.rotation, now())
      ? await rotateAsAsked(deps, cfg.rotation, state, now)
      : null;
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
      if (!(err instanceof SpoolFullError) && !isDiskFull(err)) throw err;
      // A full disk is like a full spool: the data stays on the printers (cursors not committed), and
      // the drain below still runs, which is what frees space again.
      const why =
        err instanceof SpoolFullError
          ? err.message
          : `no space left on the spool's disk (${deps.spool.dir}: ${(err as NodeJS.ErrnoException).code})`;
      heldBack = `${why}: data of ${batch.report.printers.length}+ printer(s) left on the printers until the spool drains`;
      log(`error: ${heldBack}`);
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
  const drain = await drainSpool(deps.spool, deps.client, deps.credential, state, drainHealth, { now });
  state.lastErrors = [...state.lastErrors, ...drainHealth.recentErrors].slice(-MAX_REMEMBERED_ERRORS);
  await saveState(deps.stateDir, state);

  let healthSent: boolean | null = null;
  if (batchesSpooled === 0) {
    const snapshot = health.snapshot(COLLECTOR_VERSION, deps.hostname, pollAt);
    snapshot.errors = [...snapshot.errors, ...drainHealth.recentErrors].slice(-MAX_REMEMBERED_ERRORS);
    try {
      await deps.client.postHealth(deps.credential, healthBody(snapshot));
      healthSent = true;
    } catch (err) {
      healthSent = false;
      const message = `health not delivered: ${errorMessage(err)}`;
      log(message);
      state.lastErrors = [...state.lastErrors, { at: now().toISOString(), message }].slice(
        -MAX_REMEMBERED_ERRORS,
      );
      await saveState(deps.stateDir, state);
    }
  }
  if (rotation?.kind !== 'rotated')
    rotation = (await rotateAsAsked(deps, cfg.rotation, state, now)) ?? rotation;
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
    healthSent,
    rotation,
  };
}

/** Upload attempt between polls (daemon): re-read the configuration first, then drain the spool. */
export async function uploadPending(deps: CycleDeps): Promise<DrainResult> {
  const now = deps.now ?? (() => new Date());
  const state = await loadState(deps.stateDir);
  const cfg = await refreshConfig(deps.client, deps.credential, state);
  const urgent = cfg.rotation !== null && rotationUrgent(cfg.rotation, now());
  if (urgent) await rotateAsAsked(deps, cfg.rotation, state, now);
  const health = new HealthTracker(now);
  const drain = await drainSpool(deps.spool, deps.client, deps.credential, state, health, { now });
  state.lastErrors = [...state.lastErrors, ...health.recentErrors].slice(-MAX_REMEMBERED_ERRORS);
  await saveState(deps.stateDir, state);
  if (!urgent) await rotateAsAsked(deps, cfg.rotation, state, now);
  return drain;
}
