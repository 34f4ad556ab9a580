// A simulated fleet: LAN printers (served on loopback addresses for a real collector to poll) and
// direct-connect printers (posting signed reports and alerts themselves), all advanced together on one
// simulated clock. Used by `npm run demo`, the demo test and `npm run load`.
import { DEFAULT_LAN_PORTS, LanPrinter, type LanPorts } from './lan/lan-printer';
import type { PrinterTls } from './lan/tls';
import { consecutiveAddresses } from './address';
import { MODELS, type ModelSpec } from './catalog';
import { httpDeviceLink, type DeviceCredential, type DeviceLink } from './device-link';
import { DirectPrinter, FIRMWARE_POLICY, type ReportPolicy } from './direct-printer';
import { Rng } from './random';
import { HOUR_MS, type SimClock } from './sim-clock';
import { SimPrinter } from './sim-printer';

export interface DirectFleetOptions {
  count: number;
  /** Portal origin the printers post to, e.g. http://127.0.0.1:4000. */
  serverUrl: string;
  /** Registers the printer in the portal (or looks up a stored credential) and returns its credential. */
  credentialFor: (printer: SimPrinter) => Promise<DeviceCredential>;
  /** Replaces the HTTP link (tests). */
  linkFor?: (printer: SimPrinter, credential: DeviceCredential) => DeviceLink;
  policy?: ReportPolicy;
  /** Registrations in flight at once (default 8). */
  registerConcurrency?: number;
}

export interface LanFleetOptions {
  count: number;
  /** First address; the printers take consecutive ones (default 127.0.1.1). */
  baseAddress?: string;
  ports?: LanPorts;
  /** Certificate for PIWS; null = no PIWS. */
  tls: PrinterTls | null;
}

export interface FleetOptions {
  clock: SimClock;
  seed?: number;
  lan?: LanFleetOptions;
  direct?: DirectFleetOptions;
  /** Simulated hours the printers have already been printing when the fleet starts (default 2). */
  historyHours?: number;
  /** Multiplies jam and printhead-failure probabilities (default 1). */
  faultRate?: number;
  /** Every this many simulated hours one random printer has a fault (0 = only by chance). */
  faultEveryHours?: number;
  /** The first direct printer gets a new main board (lifetime counters reset) after these simulated hours. */
  boardSwapAfterHours?: number | null;
  /** Real milliseconds between advances (default 250). */
  tickMs?: number;
  /** Most direct-printer uploads in flight at once (default 32). */
  maxInFlight?: number;
  /** Restricts the models (keys or product numbers); default every model. */
  models?: readonly ModelSpec[];
  log?: (line: string) => void;
}

export interface FleetStats {
  printers: number;
  jobs: number;
  alerts: number;
  reportsSent: number;
  alertBatchesSent: number;
  jobsSent: number;
  rejected: number;
  retries: number;
  queued: number;
}

/** Runs `fn` over `items` with at most `limit` calls pending; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const COUNTRY_PREFIXES = ['SG', 'CN', 'MY', 'ES', 'TH'] as const;

export class Fleet {
  readonly lanPrinters: LanPrinter[] = [];
  readonly directPrinters: DirectPrinter[] = [];
  private readonly rng: Rng;
  private readonly printers: SimPrinter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private flushing = new Set<DirectPrinter>();
  private nextFaultAtMs: number | null = null;
  private counts = { jobs: 0, alerts: 0 };
  private started = false;

  constructor(readonly options: FleetOptions) {
    this.rng = new Rng(options.seed ?? 1);
  }

  /** The collector ip range covering the LAN printers ("127.0.1.1-127.0.1.20"), or null. */
  get lanIpRange(): string | null {
    if (this.lanPrinters.length === 0) return null;
    return `${this.lanPrinters[0]!.host}-${this.lanPrinters[this.lanPrinters.length - 1]!.host}`;
  }

  get lanPorts(): LanPorts {
    return this.options.lan?.ports ?? DEFAULT_LAN_PORTS;
  }

  private newPrinter(index: number, startAt: Date, boardSwapAt: Date | null): SimPrinter {
    const models = this.options.models ?? MODELS;
    const model = models[index % models.length]!;
    const serialNumber = `${this.rng.pick(COUNTRY_PREFIXES)}${this.rng.code(8)}`;
    const printer = new SimPrinter({
      serialNumber,
      model,
      seed: this.rng.int(1, 2 ** 31),
      startAt,
      faultRate: this.options.faultRate,
      boardSwapAt,
    });
    printer.onEvent((e) => {
      if (e.type === 'job') this.counts.jobs++;
      if (e.type === 'alert') this.counts.alerts++;
    });
    this.printers.push(printer);
    return printer;
  }

  /** Builds the printers, starts the LAN servers, registers and boots the direct printers, starts ticking. */
  async start(): Promise<void> {
    if (this.started) throw new Error('fleet already started');
    this.started = true;
    const { clock } = this.options;
    const log = this.options.log ?? (() => undefined);
    const now = clock.now();
    const startAt = new Date(now.getTime() - (this.options.historyHours ?? 2) * HOUR_MS);
    let index = 0;

    const lan = this.options.lan;
    if (lan && lan.count > 0) {
      const addresses = consecutiveAddresses(lan.baseAddress ?? '127.0.1.1', lan.count);
      for (const host of addresses) {
        const printer = this.newPrinter(index++, startAt, null);
        this.lanPrinters.push(new LanPrinter(printer, { host, ports: this.lanPorts, tls: lan.tls }));
      }
      try {
        await Promise.all(this.lanPrinters.map((p) => p.start()));
      } catch (err) {
        await this.stop();
        throw err;
      }
      log(
        `${lan.count} LAN printer(s) listening on ${this.lanIpRange} (PIWS ${lan.tls ? `https :${this.lanPorts.https}` : 'off: no openssl'}, LEDM :${this.lanPorts.http}, IPP :${this.lanPorts.ipp}, SNMP udp :${this.lanPorts.snmp})`,
      );
    }

    const direct = this.options.direct;
    if (direct && direct.count > 0) {
      const swapAfter = this.options.boardSwapAfterHours ?? null;
      const printers = Array.from({ length: direct.count }, (_v, i) =>
        this.newPrinter(
          index++,
          startAt,
          i === 0 && swapAfter !== null ? new Date(now.getTime() + swapAfter * HOUR_MS) : null,
        ),
      );
      // Registration goes through the portal's API: a few at a time keeps 10,000 printers quick
      // without flooding it. Order is kept so the same seed gives the same fleet.
      const credentials = await mapLimit(printers, direct.registerConcurrency ?? 8, (p) =>
        direct.credentialFor(p),
      );
      printers.forEach((printer, i) => {
        const link =
          direct.linkFor?.(printer, credentials[i]!) ?? httpDeviceLink(direct.serverUrl, credentials[i]!);
        this.directPrinters.push(new DirectPrinter(printer, link, direct.policy ?? FIRMWARE_POLICY, log));
      });
      log(`${direct.count} direct-connect printer(s) reporting to ${direct.serverUrl}`);
    }

    // The history before "now", then power-on: direct printers send their boot report.
    for (const p of this.printers) p.advance(now);
    for (const d of this.directPrinters) d.boot();
    for (const l of this.lanPrinters) l.refresh();
    const every = this.options.faultEveryHours ?? 0;
    this.nextFaultAtMs = every > 0 ? now.getTime() + every * HOUR_MS : null;
    this.flushAll();
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 250);
    this.timer.unref();
  }

  /** One step: advance every printer to the clock's now, fire timers, start uploads. */
  tick(): void {
    const now = this.options.clock.now();
    if (this.nextFaultAtMs !== null && now.getTime() >= this.nextFaultAtMs && this.printers.length > 0) {
      this.nextFaultAtMs += (this.options.faultEveryHours ?? 1) * HOUR_MS;
      const victim = this.rng.pick(this.printers);
      victim.advance(new Date(this.nextFaultAtMs - (this.options.faultEveryHours ?? 1) * HOUR_MS));
      try {
        victim.injectFault(this.rng.pick(['jam', 'printhead', 'ink-out'] as const));
      } catch {
        // That printer already has this fault open: skip this round.
      }
    }
    for (const p of this.printers) p.advance(now);
    for (const d of this.directPrinters) d.tick();
    for (const l of this.lanPrinters) l.refresh();
    this.flushAll();
  }

  private flushAll(): void {
    const max = this.options.maxInFlight ?? 32;
    for (const d of this.directPrinters) {
      if (this.inFlight >= max) return;
      if (d.queued === 0 || this.flushing.has(d)) continue;
      this.inFlight++;
      this.flushing.add(d);
      void d.flush().finally(() => {
        this.inFlight--;
        this.flushing.delete(d);
      });
    }
  }

  /** Forces a fault on a printer (by serial, or a random one); returns the printer and alert code. */
  injectFault(
    kind: 'jam' | 'printhead' | 'ink-out',
    serialNumber?: string,
  ): { serialNumber: string; code: string } {
    const printer = serialNumber
      ? this.printers.find((p) => p.serialNumber === serialNumber)
      : this.rng.pick(this.printers);
    if (!printer) throw new RangeError(`no simulated printer with serial ${serialNumber}`);
    printer.advance(this.options.clock.now());
    const alert = printer.injectFault(kind);
    this.flushAll();
    return { serialNumber: printer.serialNumber, code: alert.code };
  }

  allPrinters(): readonly SimPrinter[] {
    return this.printers;
  }

  stats(): FleetStats {
    const s: FleetStats = {
      printers: this.printers.length,
      jobs: this.counts.jobs,
      alerts: this.counts.alerts,
      reportsSent: 0,
      alertBatchesSent: 0,
      jobsSent: 0,
      rejected: 0,
      retries: 0,
      queued: 0,
    };
    for (const d of this.directPrinters) {
      s.reportsSent += d.stats.reportsSent;
      s.alertBatchesSent += d.stats.alertBatchesSent;
      s.jobsSent += d.stats.jobsSent;
      s.rejected += d.stats.rejected;
      s.retries += d.stats.retries;
      s.queued += d.queued;
    }
    return s;
  }

  /** Stops ticking, waits for uploads in flight (up to `graceMs`), closes every listener. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(this.lanPrinters.map((l) => l.stop()));
  }
}
