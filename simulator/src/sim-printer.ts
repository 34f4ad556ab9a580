// One simulated large-format printer: its parts (cartridges whose ink drains, printheads that wear,
// rolls that run out), lifetime counters, completed jobs and open alerts, advanced through simulated
// time. It knows nothing about protocols: the LAN servers render its state as PIWS/LEDM/IPP/SNMP and
// the direct-connect firmware turns its events into reports. Everything random comes from a seeded
// Rng, so the same seed gives the same printer history.
import type { DeviceAlertV1, JobV1, Severity } from '@plotmeter/protocol';
import {
  ACCOUNTS,
  APPLICATIONS,
  JOB_NAMES,
  MEDIA_TYPES,
  NON_OEM_BRANDS,
  PROJECTS,
  ROLL_WIDTHS_MM,
  SCAN_NAMES,
  USERS,
  type InkSpec,
  type MediaTypeSpec,
  type ModelSpec,
  type PrintheadSpec,
} from './catalog';
import { Rng } from './random';
import { HOUR_MS } from './sim-clock';

export interface CartridgeState {
  slot: number;
  spec: InkSpec;
  serialNumber: string;
  manufacturer: string;
  oem: boolean;
  levelMl: number;
  installedAt: Date;
  expiresAt: Date;
}

/** Lifetime counters of one ink slot (PIWS SlotInfo), across every cartridge ever inserted. */
export interface SlotCounters {
  inkUsedMl: number;
  hpInkUsedMl: number;
  insertions: number;
}

export interface PrintheadState {
  slot: number;
  spec: PrintheadSpec;
  serialNumber: string;
  healthPercent: number;
  failed: boolean;
  nonOemInkUsed: boolean;
  warrantyEndsAt: Date;
}

export interface RollState {
  id: string;
  mediaType: string | null;
  widthMm: number;
  capacityM: number;
  remainingM: number;
}

export interface LifetimeCounters {
  jobs: number;
  pages: number;
  totalInkMl: number;
  totalMediaAreaM2: number;
  mediaByType: Record<string, number>;
  scan: { totalAreaM2: number; scanAreaM2: number; copyAreaM2: number };
  applicationCategories: Record<string, { areaM2: number; lengthM: number }>;
}

export interface SimJob {
  job: JobV1;
  rollId: string | null;
  widthMm: number;
  lengthMm: number;
  /** PIWS job-queue modification number of the last change. */
  modification: number;
}

export type BootReason = 'power-on' | 'reboot' | 'board-swap';

export type SimEvent =
  | { type: 'job'; job: SimJob }
  | { type: 'alert'; alert: DeviceAlertV1 }
  | { type: 'alert-cleared'; alert: DeviceAlertV1 }
  | { type: 'boot'; reason: BootReason; at: Date };

export interface SimPrinterOptions {
  serialNumber: string;
  model: ModelSpec;
  seed: number;
  /** Simulated time the printer's history starts at (no events before it). */
  startAt: Date;
  /** Multiplies the probabilities of jams and printhead failures (default 1). */
  faultRate?: number;
  /** Chance that a freshly inserted cartridge is a third-party refill (default 0.08). */
  nonOemChance?: number;
  /** Jobs per hour; default the model's typical rate. */
  jobsPerHour?: number;
  /** Mean simulated hours between reboots (default 48). */
  meanHoursBetweenReboots?: number;
  /** Simulated time of a main-board swap that resets the lifetime counters, if any. */
  boardSwapAt?: Date | null;
}

/** How many completed jobs the printer keeps in its queue history (PIWS/IPP answer from these). */
export const JOB_HISTORY = 500;

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

interface Scheduled {
  at: number;
  run: () => void;
}

export class SimPrinter {
  readonly serialNumber: string;
  readonly model: ModelSpec;
  readonly uuid: string;
  firmwareVersion: string;
  cartridges: CartridgeState[];
  slotCounters: SlotCounters[];
  printheads: PrintheadState[];
  rolls: RollState[];
  counters: LifetimeCounters;
  /** Most recent completed jobs, oldest first. */
  readonly jobs: SimJob[] = [];
  readonly alerts = new Map<string, DeviceAlertV1>();
  queueUuid: string;
  modificationNumber = 1;
  sequenceNumber: number;
  bootedAt: Date;

  private readonly rng: Rng;
  private readonly faultRate: number;
  private readonly nonOemChance: number;
  private readonly jobsPerHour: number;
  private readonly meanHoursBetweenReboots: number;
  private simulatedUntil: number;
  private nextJobAt: number;
  private nextRebootAt: number;
  private boardSwapAt: number | null;
  private scheduled: Scheduled[] = [];
  private listeners: Array<(event: SimEvent) => void> = [];

  constructor(options: SimPrinterOptions) {
    this.serialNumber = options.serialNumber;
    this.model = options.model;
    this.rng = new Rng(options.seed);
    this.faultRate = options.faultRate ?? 1;
    this.nonOemChance = options.nonOemChance ?? 0.08;
    this.jobsPerHour = options.jobsPerHour ?? options.model.jobsPerHour;
    this.meanHoursBetweenReboots = options.meanHoursBetweenReboots ?? 48;
    const start = options.startAt.getTime();
    this.simulatedUntil = start;
    this.bootedAt = options.startAt;
    this.uuid = this.rng.uuid();
    this.queueUuid = this.rng.uuid();
    this.firmwareVersion = `${this.model.firmwarePrefix}_${this.rng.int(3, 5)}_${this.rng.int(10, 40)}_${this.rng.int(1, 9)}.1`;
    const r = this.rng;

    // A printer that has been in service for months: plausible lifetime counters to start from.
    const pastJobs = r.int(1500, 30000);
    this.sequenceNumber = pastJobs;
    const pastAreaM2 = pastJobs * r.between(0.6, 1.4);
    this.cartridges = this.model.inks.map((spec, i) =>
      this.newCartridge(i + 1, spec, new Date(start - r.int(1, 60) * 24 * HOUR_MS), r.between(0.15, 1)),
    );
    this.slotCounters = this.model.inks.map((spec, i) => {
      const used = pastAreaM2 * this.model.inkMlPerM2 * 0.3 * r.between(0.05, 0.35);
      const nonOemShare = this.cartridges[i]!.oem
        ? r.chance(0.2)
          ? r.between(0.01, 0.1)
          : 0
        : r.between(0.1, 0.4);
      return {
        inkUsedMl: round(used, 2),
        hpInkUsedMl: round(used * (1 - nonOemShare), 2),
        insertions: Math.max(1, Math.round(used / spec.capacityMl)),
      };
    });
    this.printheads = this.model.printheads.map((spec, i) =>
      this.newPrinthead(i + 1, spec, start, r.between(55, 100)),
    );
    this.rolls = Array.from({ length: this.model.rolls }, (_v, i) => this.newRoll(i + 1));
    const mediaByType: Record<string, number> = {};
    for (const m of MEDIA_TYPES)
      mediaByType[m.id] = round(pastAreaM2 * (m.weight / 18) * r.between(0.5, 1.5), 3);
    const totalMediaAreaM2 = Object.values(mediaByType).reduce((s, v) => s + v, 0);
    this.counters = {
      jobs: pastJobs,
      pages: Math.round(pastJobs * r.between(1.4, 2.6)),
      totalInkMl: round(
        this.slotCounters.reduce((s, c) => s + c.inkUsedMl, 0),
        2,
      ),
      totalMediaAreaM2: round(totalMediaAreaM2, 3),
      mediaByType,
      scan: this.model.mfp
        ? {
            totalAreaM2: round(pastAreaM2 * 0.15, 3),
            scanAreaM2: round(pastAreaM2 * 0.09, 3),
            copyAreaM2: round(pastAreaM2 * 0.06, 3),
          }
        : { totalAreaM2: 0, scanAreaM2: 0, copyAreaM2: 0 },
      applicationCategories: {
        lines: {
          areaM2: round(totalMediaAreaM2 * 0.6, 3),
          lengthM: round((totalMediaAreaM2 * 0.6) / 0.9, 3),
        },
        mixed: {
          areaM2: round(totalMediaAreaM2 * 0.3, 3),
          lengthM: round((totalMediaAreaM2 * 0.3) / 0.9, 3),
        },
        image: {
          areaM2: round(totalMediaAreaM2 * 0.1, 3),
          lengthM: round((totalMediaAreaM2 * 0.1) / 0.9, 3),
        },
      },
    };
    this.nextJobAt = start + r.exponentialMs(this.jobsPerHour);
    this.nextRebootAt = start + r.exponentialMs(1 / this.meanHoursBetweenReboots);
    this.boardSwapAt = options.boardSwapAt?.getTime() ?? null;
  }

  /** Registers a listener for jobs, alerts and boots as they happen in simulated time. */
  onEvent(listener: (event: SimEvent) => void): void {
    this.listeners.push(listener);
  }

  get productName(): string {
    return this.model.productName;
  }

  /** The simulated time up to which the printer has run. */
  get simulatedTime(): Date {
    return new Date(this.simulatedUntil);
  }

  get engineState(): 'idle' | 'error' {
    return this.stoppedBy() === null ? 'idle' : 'error';
  }

  /** The open alert that stops printing, if any (jams, failed printheads, empty cartridges). */
  stoppedBy(): DeviceAlertV1 | null {
    for (const a of this.alerts.values()) if (a.severity === 'critical' || a.severity === 'error') return a;
    return null;
  }

  /** The most relevant open alert: the highest severity, newest first. */
  mostRelevantAlert(): DeviceAlertV1 | null {
    const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };
    let best: DeviceAlertV1 | null = null;
    for (const a of this.alerts.values())
      if (best === null || rank[a.severity] > rank[best.severity]) best = a;
    return best;
  }

  /** Runs the printer forward to `until` (simulated), emitting every event on the way in order. */
  advance(until: Date): void {
    const end = until.getTime();
    for (;;) {
      const nextScheduled = this.scheduled.reduce((m, s) => Math.min(m, s.at), Number.POSITIVE_INFINITY);
      const next = Math.min(
        this.nextJobAt,
        this.nextRebootAt,
        nextScheduled,
        this.boardSwapAt ?? Number.POSITIVE_INFINITY,
      );
      if (next > end) break;
      this.simulatedUntil = Math.max(this.simulatedUntil, next);
      if (next === nextScheduled) {
        const due = this.scheduled.filter((s) => s.at === next);
        this.scheduled = this.scheduled.filter((s) => s.at !== next);
        for (const s of due) s.run();
      } else if (next === this.boardSwapAt) {
        this.boardSwapAt = null;
        this.swapBoard();
      } else if (next === this.nextRebootAt) {
        this.nextRebootAt = next + this.rng.exponentialMs(1 / this.meanHoursBetweenReboots);
        this.reboot('reboot');
      } else {
        this.nextJobAt = next + this.rng.exponentialMs(this.jobsPerHour);
        // A stopped printer holds the job until someone fixes it; it then prints.
        if (this.stoppedBy() === null) this.printJob();
      }
    }
    this.simulatedUntil = Math.max(this.simulatedUntil, end);
  }

  /** Restart: new job-queue identity (PIWS), modification numbers start again. */
  reboot(reason: BootReason = 'reboot'): void {
    this.queueUuid = this.rng.uuid();
    this.jobs.forEach((j, i) => (j.modification = i + 1));
    this.modificationNumber = this.jobs.length + 1;
    this.bootedAt = new Date(this.simulatedUntil);
    this.emit({ type: 'boot', reason, at: this.bootedAt });
  }

  /** A service technician replaces the main board: every lifetime counter starts again from zero. */
  swapBoard(): void {
    this.counters = {
      jobs: 0,
      pages: 0,
      totalInkMl: 0,
      totalMediaAreaM2: 0,
      mediaByType: {},
      scan: { totalAreaM2: 0, scanAreaM2: 0, copyAreaM2: 0 },
      applicationCategories: {},
    };
    this.slotCounters = this.slotCounters.map(() => ({ inkUsedMl: 0, hpInkUsedMl: 0, insertions: 1 }));
    this.sequenceNumber = 0;
    this.reboot('board-swap');
  }

  /** Raises an alert now (simulated); `clearAfterMs` schedules the fix. Used by faults and tests. */
  raise(
    code: string,
    severity: Severity,
    message: string,
    component: string | null,
    clearAfterMs: number | null,
    onClear?: () => void,
  ): void {
    const key = component ? `${code}@${component}` : code;
    if (this.alerts.has(key)) return;
    const alert: DeviceAlertV1 = {
      code,
      severity,
      message,
      component,
      detectedAt: new Date(this.simulatedUntil).toISOString(),
      cleared: false,
    };
    this.alerts.set(key, alert);
    this.emit({ type: 'alert', alert });
    if (clearAfterMs !== null) {
      this.schedule(clearAfterMs, () => {
        onClear?.();
        this.clear(key);
      });
    }
  }

  private clear(key: string): void {
    const alert = this.alerts.get(key);
    if (!alert) return;
    this.alerts.delete(key);
    this.emit({
      type: 'alert-cleared',
      alert: { ...alert, cleared: true, detectedAt: new Date(this.simulatedUntil).toISOString() },
    });
  }

  private schedule(afterMs: number, run: () => void): void {
    this.scheduled.push({ at: this.simulatedUntil + Math.max(1, Math.round(afterMs)), run });
  }

  private emit(event: SimEvent): void {
    for (const l of this.listeners) l(event);
  }

  private newCartridge(slot: number, spec: InkSpec, installedAt: Date, fill = 1): CartridgeState {
    const oem = !this.rng.chance(this.nonOemChance);
    return {
      slot,
      spec,
      serialNumber: `${oem ? 'CN' : 'RF'}${this.rng.code(8)}`,
      manufacturer: oem ? 'HP' : this.rng.pick(NON_OEM_BRANDS),
      oem,
      levelMl: round(spec.capacityMl * fill, 2),
      installedAt,
      expiresAt: new Date(installedAt.getTime() + this.rng.int(300, 700) * 24 * HOUR_MS),
    };
  }

  private newPrinthead(slot: number, spec: PrintheadSpec, at: number, health = 100): PrintheadState {
    return {
      slot,
      spec,
      serialNumber: `PH${this.rng.code(8)}`,
      healthPercent: round(health, 1),
      failed: false,
      nonOemInkUsed: false,
      warrantyEndsAt: new Date(at + this.rng.int(200, 700) * 24 * HOUR_MS),
    };
  }

  private newRoll(index: number): RollState {
    const widthMm = this.rng.pick(ROLL_WIDTHS_MM.filter((w) => w <= this.model.maxWidthMm));
    const media = this.rng.weighted(MEDIA_TYPES.map((m) => [m, m.weight] as const));
    const capacityM = this.rng.pick([45.7, 91.4, 152.4]);
    return {
      id: `roll${index}`,
      mediaType: media.id,
      widthMm,
      capacityM,
      remainingM: round(capacityM * this.rng.between(0.2, 1), 2),
    };
  }

  private fillName(pattern: string): string {
    return pattern.replace('{n}', String(this.rng.int(1, 12))).replace('{p}', this.rng.pick(PROJECTS));
  }

  /** Ink per colour for `printedAreaM2` at a coverage typical of the category. */
  private inkFor(
    category: MediaTypeSpec['category'],
    printedAreaM2: number,
    coverage: number,
  ): Array<{ color: string; ml: number }> {
    const colors = this.model.inks.map((i) => i.color);
    const dark = (c: string) => /black|gray/.test(c);
    const total = this.model.inkMlPerM2 * printedAreaM2 * coverage;
    const weights = colors.map(
      (c) =>
        (category === 'lines' ? (dark(c) ? (c.includes('photo') ? 0.2 : 1) : 0.08) : dark(c) ? 0.6 : 1) *
        this.rng.between(0.7, 1.3),
    );
    const sum = weights.reduce((s, w) => s + w, 0);
    return colors
      .map((color, i) => ({ color, ml: round((total * weights[i]!) / sum, 4) }))
      .filter((x) => x.ml > 0);
  }

  private printJob(): void {
    const r = this.rng;
    const at = this.simulatedUntil;
    const kind: JobV1['kind'] = this.model.mfp
      ? r.weighted([
          ['print', 80],
          ['scan', 12],
          ['copy', 8],
        ] as const)
      : 'print';
    const loaded = this.rolls.filter((roll) => roll.mediaType !== null && roll.remainingM > 0.5);
    const roll = kind === 'scan' || loaded.length === 0 ? null : r.pick(loaded);
    if (kind !== 'scan' && roll === null) return; // no paper: nothing prints until a roll is loaded
    const media = MEDIA_TYPES.find((m) => m.id === roll?.mediaType) ?? MEDIA_TYPES[0]!;
    const category = media.category;
    const widthMm = roll?.widthMm ?? r.pick([610, 914]);
    const lengthMm = category === 'image' ? r.int(900, 3000) : r.pick([594, 841, 1189]);
    const pages = kind === 'scan' ? 1 : category === 'image' ? 1 : r.int(1, 6);
    const copies = kind === 'scan' ? 1 : r.chance(0.85) ? 1 : r.int(2, 5);
    const sheetM2 = (widthMm / 1000) * (lengthMm / 1000);
    const printing = kind !== 'scan';
    const printedAreaM2 = printing ? round(sheetM2 * pages * copies, 6) : 0;
    // Cutting margins: a few millimetres of every sheet leave the printer unprinted.
    const mediaLengthM = printing ? round(((lengthMm + 6) / 1000) * pages * copies, 4) : 0;
    const mediaAreaM2 = printing ? round((widthMm / 1000) * mediaLengthM, 6) : 0;
    const coverage =
      category === 'lines'
        ? r.between(0.04, 0.15)
        : category === 'mixed'
          ? r.between(0.3, 0.6)
          : r.between(0.8, 0.98);
    const inkByColor = printing ? this.inkFor(category, printedAreaM2, coverage) : [];
    const inkMl = round(
      inkByColor.reduce((s, i) => s + i.ml, 0),
      4,
    );
    const durationSeconds = Math.round(
      30 + mediaLengthM * (category === 'image' ? 60 : 12) + (kind === 'scan' ? sheetM2 * 40 : 0),
    );
    const scannedAreaM2 = kind === 'print' ? null : round(sheetM2, 6);
    const namePattern = kind === 'print' ? r.pick(JOB_NAMES[category]) : r.pick(SCAN_NAMES);
    const completedAt = new Date(at);

    this.sequenceNumber++;
    this.modificationNumber++;
    const job: JobV1 = {
      uuid: r.uuid(),
      sequenceNumber: this.sequenceNumber,
      kind,
      name: this.fillName(namePattern),
      projectId: r.chance(0.7) ? r.pick(PROJECTS) : null,
      applicationId: kind === 'print' ? r.pick(APPLICATIONS) : null,
      userDefined: r.chance(0.2) ? `cost-centre ${r.int(100, 999)}` : null,
      accountId: r.chance(0.8) ? r.pick(ACCOUNTS) : null,
      userName: r.pick(USERS),
      submittedAt: new Date(at - (durationSeconds + r.int(2, 90)) * 1000).toISOString(),
      completedAt: completedAt.toISOString(),
      status: kind === 'scan' ? 'scanned' : kind === 'copy' ? 'copied' : 'printed',
      source:
        kind === 'print'
          ? r.weighted([
              ['driver', 6],
              ['hp-click', 2],
              ['usb', 1],
              ['embedded-web-server', 1],
            ] as const)
          : 'front-panel',
      inkCoverageCategory: printing ? category : null,
      printQuality: printing
        ? r.weighted([
            ['normal', 6],
            ['fast', 2],
            ['best', 2],
          ] as const)
        : null,
      pages,
      copies,
      durationSeconds,
      inkByColor,
      mediaAreaM2,
      printedAreaM2,
      mediaLengthM,
      mediaType: printing ? media.id : null,
      categories: printing ? [{ category, mediaAreaM2, printedAreaM2, inkMl, mediaLengthM }] : [],
      nonWhitePixelCoverage: printing ? round(coverage * 100, 2) : null,
      colorPixelCoverage: printing ? round(coverage * 100 * (category === 'lines' ? 0.1 : 0.7), 2) : null,
      scannedAreaM2,
    };
    const simJob: SimJob = {
      job,
      rollId: roll?.id ?? null,
      widthMm,
      lengthMm,
      modification: this.modificationNumber,
    };
    this.jobs.push(simJob);
    if (this.jobs.length > JOB_HISTORY) this.jobs.splice(0, this.jobs.length - JOB_HISTORY);

    this.account(job, roll, category);
    this.emit({ type: 'job', job: simJob });
    this.maybeFault(roll);
  }

  /** Lifetime counters, ink levels, printhead wear and the roll after a job. */
  private account(job: JobV1, roll: RollState | null, category: string): void {
    const c = this.counters;
    c.jobs++;
    c.pages += job.pages * job.copies;
    if (job.kind !== 'print' && job.scannedAreaM2) {
      c.scan.totalAreaM2 = round(c.scan.totalAreaM2 + job.scannedAreaM2, 6);
      if (job.kind === 'scan') c.scan.scanAreaM2 = round(c.scan.scanAreaM2 + job.scannedAreaM2, 6);
      else c.scan.copyAreaM2 = round(c.scan.copyAreaM2 + job.scannedAreaM2, 6);
    }
    if (job.mediaAreaM2 && job.mediaType) {
      c.totalMediaAreaM2 = round(c.totalMediaAreaM2 + job.mediaAreaM2, 6);
      c.mediaByType[job.mediaType] = round((c.mediaByType[job.mediaType] ?? 0) + job.mediaAreaM2, 6);
      const cat = (c.applicationCategories[category] ??= { areaM2: 0, lengthM: 0 });
      cat.areaM2 = round(cat.areaM2 + job.mediaAreaM2, 6);
      cat.lengthM = round(cat.lengthM + (job.mediaLengthM ?? 0), 4);
    }
    for (const { color, ml } of job.inkByColor) {
      const index = this.cartridges.findIndex((k) => k.spec.color === color);
      if (index < 0) continue;
      const cartridge = this.cartridges[index]!;
      const drawn = Math.min(ml, cartridge.levelMl);
      const before = cartridge.levelMl / cartridge.spec.capacityMl;
      cartridge.levelMl = round(cartridge.levelMl - drawn, 4);
      const slot = this.slotCounters[index]!;
      slot.inkUsedMl = round(slot.inkUsedMl + drawn, 4);
      if (cartridge.oem) slot.hpInkUsedMl = round(slot.hpInkUsedMl + drawn, 4);
      c.totalInkMl = round(c.totalInkMl + drawn, 4);
      for (const head of this.printheads.filter((h) => h.spec.colors.includes(color))) {
        head.healthPercent = round(Math.max(0, head.healthPercent - drawn * 0.002), 3);
        if (!cartridge.oem) head.nonOemInkUsed = true;
      }
      const after = cartridge.levelMl / cartridge.spec.capacityMl;
      const component = `cartridge/${color}/${cartridge.serialNumber}`;
      if (after <= 0) {
        // Out of ink stops the printer until someone inserts a new cartridge.
        this.raise(
          'markerSupplyEmpty',
          'critical',
          `${cartridge.spec.productName} is out of ink`,
          component,
          this.rng.between(0.3, 1.5) * HOUR_MS,
          () => this.replaceCartridge(index),
        );
      } else if (before > 0.1 && after <= 0.1) {
        this.raise(
          'markerSupplyLow',
          'warning',
          `${cartridge.spec.productName} is low on ink`,
          component,
          null,
        );
      }
    }
    if (roll !== null && job.mediaLengthM) {
      roll.remainingM = round(Math.max(0, roll.remainingM - job.mediaLengthM), 3);
      if (roll.remainingM <= 0.5) {
        const index = Number(roll.id.replace('roll', ''));
        this.raise(
          'mediaEmpty',
          'warning',
          `Roll ${index} is out of paper`,
          `media/${roll.id}`,
          this.rng.between(0.2, 1) * HOUR_MS,
          () => {
            const fresh = this.newRoll(index);
            Object.assign(roll, { ...fresh, remainingM: fresh.capacityM });
          },
        );
      }
    }
  }

  private replaceCartridge(index: number): void {
    const old = this.cartridges[index]!;
    // The low-ink warning belongs to the old cartridge and goes with it.
    this.clear(`markerSupplyLow@cartridge/${old.spec.color}/${old.serialNumber}`);
    this.cartridges[index] = this.newCartridge(old.slot, old.spec, new Date(this.simulatedUntil));
    this.slotCounters[index]!.insertions++;
  }

  private maybeFault(roll: RollState | null): void {
    const r = this.rng;
    if (roll !== null && r.chance(0.004 * this.faultRate)) {
      this.raise(
        'mediaJam',
        'critical',
        `Paper jam at ${roll.id === 'roll1' ? 'roll 1' : roll.id.replace('roll', 'roll ')}: open the window and remove the paper`,
        `media/${roll.id}`,
        r.between(0.1, 0.5) * HOUR_MS,
      );
    }
    if (r.chance(0.0015 * this.faultRate)) {
      const index = r.int(0, this.printheads.length - 1);
      const head = this.printheads[index]!;
      head.failed = true;
      this.raise(
        'printheadFailure',
        'critical',
        `Printhead ${head.slot} (${head.spec.colors.join('/')}) has failed: replace it`,
        `printhead/${head.spec.colors.join('+')}/${head.serialNumber}`,
        r.between(1, 4) * HOUR_MS,
        () => {
          this.printheads[index] = this.newPrinthead(head.slot, head.spec, this.simulatedUntil);
        },
      );
    }
  }

  /** Forces a fault now, for demos and tests; returns the raised alert. */
  injectFault(kind: 'jam' | 'printhead' | 'ink-out'): DeviceAlertV1 {
    const before = new Set(this.alerts.keys());
    if (kind === 'jam') {
      this.raise(
        'mediaJam',
        'critical',
        'Paper jam at roll 1: open the window and remove the paper',
        'media/roll1',
        0.25 * HOUR_MS,
      );
    } else if (kind === 'printhead') {
      const head = this.printheads[0]!;
      head.failed = true;
      this.raise(
        'printheadFailure',
        'critical',
        `Printhead ${head.slot} (${head.spec.colors.join('/')}) has failed: replace it`,
        `printhead/${head.spec.colors.join('+')}/${head.serialNumber}`,
        2 * HOUR_MS,
        () => {
          this.printheads[0] = this.newPrinthead(head.slot, head.spec, this.simulatedUntil);
        },
      );
    } else {
      const cartridge = this.cartridges[0]!;
      cartridge.levelMl = 0;
      this.raise(
        'markerSupplyEmpty',
        'critical',
        `${cartridge.spec.productName} is out of ink`,
        `cartridge/${cartridge.spec.color}/${cartridge.serialNumber}`,
        0.5 * HOUR_MS,
        () => this.replaceCartridge(0),
      );
    }
    const added = [...this.alerts.entries()].find(([k]) => !before.has(k));
    if (!added) throw new Error(`fault ${kind} did not raise an alert (one of that kind is already open)`);
    return added[1];
  }
}
