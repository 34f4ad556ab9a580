// Realistic sample reports for tests across the project (server ingest, collector, docs). Values are
// modelled on an HP DesignJet T1700dr and are deterministic for a given serial number and seed, so
// tests can rely on exact values. Every report built here passes reportV1Schema.
import { createHash } from 'node:crypto';
import type { ReportV1, PrinterReportV1, JobV1, CartridgeV1 } from './report-v1.schema';

export interface ExampleReportOverrides {
  serialNumber?: string;
  /** Varies ids and counters so that two reports of the same printer differ. */
  seed?: number;
  reportId?: string;
  /** ISO-8601 with offset; collectedAt and job times are derived from it. */
  sentAt?: string;
  /** Shallow overrides of the printer entry, applied last. */
  printer?: Partial<PrinterReportV1>;
}

/** A stable RFC 4122 version-4-shaped UUID derived from a label, for reproducible fixtures. */
export function deterministicUuid(label: string): string {
  const hex = createHash('sha256').update(label).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Rounds to 3 decimals so sums of fixture values stay readable. */
function r3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function sum(values: number[]): number {
  return r3(values.reduce((a, b) => a + b, 0));
}

function isoMinus(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) - seconds * 1000).toISOString();
}

// HP 730 300-ml cartridges as fitted to a DesignJet T1700.
const CARTRIDGES: Array<{ color: string; productNumber: string; productName: string }> = [
  { color: 'cyan', productNumber: 'P2V68A', productName: 'HP 730 300-ml Cyan DesignJet Ink Cartridge' },
  { color: 'magenta', productNumber: 'P2V69A', productName: 'HP 730 300-ml Magenta DesignJet Ink Cartridge' },
  { color: 'yellow', productNumber: 'P2V70A', productName: 'HP 730 300-ml Yellow DesignJet Ink Cartridge' },
  {
    color: 'matte-black',
    productNumber: 'P2V71A',
    productName: 'HP 730 300-ml Matte Black DesignJet Ink Cartridge',
  },
  { color: 'gray', productNumber: 'P2V72A', productName: 'HP 730 300-ml Gray DesignJet Ink Cartridge' },
  {
    color: 'photo-black',
    productNumber: 'P2V73A',
    productName: 'HP 730 300-ml Photo Black DesignJet Ink Cartridge',
  },
];

const MEDIA_TYPES = [
  {
    id: 'plain-paper',
    names: { en: 'Plain Paper', de: 'Normalpapier', fr: 'Papier ordinaire', es: 'Papel normal' },
  },
  {
    id: 'coated-paper',
    names: { en: 'Coated Paper', de: 'Gestrichenes Papier', fr: 'Papier couché', es: 'Papel recubierto' },
  },
  {
    id: 'heavyweight-coated',
    names: {
      en: 'Heavyweight Coated Paper',
      de: 'Schweres gestrichenes Papier',
      fr: 'Papier couché épais',
      es: 'Papel recubierto grueso',
    },
  },
  {
    id: 'photo-gloss',
    names: {
      en: 'Photo Gloss Paper',
      de: 'Glänzendes Fotopapier',
      fr: 'Papier photo brillant',
      es: 'Papel fotográfico satinado',
    },
  },
];

interface JobPlan {
  name: string;
  mediaType: string;
  widthM: number;
  lengthM: number;
  coverage: number; // share of the sheet that received ink, 0..1
  inkMlPerM2: Record<string, number>;
  category: string;
  quality: string;
}

const JOB_PLANS: JobPlan[] = [
  {
    name: 'A0_floor_plan_level2.dwg',
    mediaType: 'plain-paper',
    widthM: 0.8412,
    lengthM: 1.189,
    coverage: 0.08,
    inkMlPerM2: { 'matte-black': 0.9, gray: 0.2 },
    category: 'lines',
    quality: 'normal',
  },
  {
    name: 'site_render_v3.pdf',
    mediaType: 'coated-paper',
    widthM: 0.9144,
    lengthM: 1.3,
    coverage: 0.72,
    inkMlPerM2: { cyan: 1.6, magenta: 1.4, yellow: 1.5, 'matte-black': 0.8, gray: 0.3 },
    category: 'mixed',
    quality: 'best',
  },
  {
    name: 'poster_open_day.tif',
    mediaType: 'photo-gloss',
    widthM: 0.6096,
    lengthM: 0.9,
    coverage: 0.95,
    inkMlPerM2: { cyan: 2.4, magenta: 2.6, yellow: 2.2, 'photo-black': 1.7, gray: 0.9 },
    category: 'image',
    quality: 'best',
  },
];

function buildJob(plan: JobPlan, index: number, serial: string, seed: number, sentAt: string): JobV1 {
  const mediaAreaM2 = r3(plan.widthM * plan.lengthM);
  const printedAreaM2 = r3(mediaAreaM2 * plan.coverage);
  const inkByColor = Object.entries(plan.inkMlPerM2).map(([color, mlPerM2]) => ({
    color,
    ml: r3(mlPerM2 * printedAreaM2),
  }));
  const inkMl = sum(inkByColor.map((i) => i.ml));
  const completedAt = isoMinus(sentAt, 600 * (JOB_PLANS.length - index));
  const durationSeconds = 95 + 40 * index;
  return {
    uuid: deterministicUuid(`${serial}/${seed}/job/${index}`),
    sequenceNumber: 4200 + seed * 10 + index,
    kind: 'print',
    name: plan.name,
    projectId: index === 1 ? 'PRJ-2025-017' : null,
    applicationId: 'HP Click',
    userDefined: null,
    accountId: index === 0 ? 'ARCH-DEPT' : null,
    userName: ['m.keller', 'j.dupont', 'a.garcia'][index] ?? null,
    submittedAt: isoMinus(completedAt, durationSeconds + 30),
    completedAt,
    status: 'printed',
    source: 'driver',
    inkCoverageCategory: plan.coverage < 0.25 ? 'low' : plan.coverage < 0.75 ? 'medium' : 'high',
    printQuality: plan.quality,
    pages: 1,
    copies: 1,
    durationSeconds,
    inkByColor,
    mediaAreaM2,
    printedAreaM2,
    mediaLengthM: plan.lengthM,
    mediaType: plan.mediaType,
    categories: [{ category: plan.category, mediaAreaM2, printedAreaM2, inkMl, mediaLengthM: plan.lengthM }],
    nonWhitePixelCoverage: r3(plan.coverage * 100),
    colorPixelCoverage: plan.category === 'lines' ? 0 : r3(plan.coverage * 90),
    scannedAreaM2: null,
  };
}

function buildCartridges(serial: string, scale: number): CartridgeV1[] {
  return CARTRIDGES.map((c, slot) => {
    const inkConsumedMl = r3((1800 + 350 * slot) * scale);
    return {
      slot,
      color: c.color,
      status: slot === 2 ? 'low' : 'ok',
      productNumber: c.productNumber,
      productName: c.productName,
      serialNumber: `${serial.slice(-4)}C${String(slot).padStart(2, '0')}A7Q`,
      manufacturer: 'HP',
      capacityMl: 300,
      levelPercent: slot === 2 ? 8 : 35 + 9 * slot,
      inkConsumedMl,
      // Cartridge slot 4 once held a third-party refill: part of its lifetime ink is non-HP.
      nonOemInkConsumedMl: slot === 4 ? r3(inkConsumedMl * 0.1) : 0,
      expiresAt: '2027-06-30T00:00:00Z',
    };
  });
}

export function exampleDirectReport(overrides: ExampleReportOverrides = {}): ReportV1 {
  const serial = overrides.serialNumber ?? 'SG93K4B01N';
  const seed = overrides.seed ?? 0;
  const sentAt = overrides.sentAt ?? '2025-03-03T09:15:00Z';
  const scale = 1 + seed / 100;

  const jobs = JOB_PLANS.map((plan, i) => buildJob(plan, i, serial, seed, sentAt));
  const cartridges = buildCartridges(serial, scale);

  // Lifetime usage: per cartridge type it is the sum over every cartridge ever inserted, so it is at
  // least what the installed cartridge consumed; total = HP + non-HP.
  const inkByCartridgeType = cartridges.map((c, i) => {
    const totalMl = r3(c.inkConsumedMl! * (4 + i));
    const nonOemMl = r3(c.nonOemInkConsumedMl! * (i === 4 ? 1 : 0));
    return {
      productNumber: c.productNumber!,
      totalMl,
      oemMl: r3(totalMl - nonOemMl),
      nonOemMl,
      insertions: 4 + i,
    };
  });
  const mediaByType = [
    { mediaType: 'plain-paper', areaM2: r3(2650.5 * scale) },
    { mediaType: 'coated-paper', areaM2: r3(1210.25 * scale) },
    { mediaType: 'photo-gloss', areaM2: r3(188.75 * scale) },
  ];
  const totalMediaAreaM2 = sum(mediaByType.map((m) => m.areaM2));
  const applicationCategories = [
    { category: 'lines', areaM2: r3(totalMediaAreaM2 * 0.6), lengthM: r3((totalMediaAreaM2 * 0.6) / 0.8412) },
    { category: 'mixed', areaM2: r3(totalMediaAreaM2 * 0.3), lengthM: r3((totalMediaAreaM2 * 0.3) / 0.9144) },
  ];
  applicationCategories.push({
    category: 'image',
    areaM2: r3(totalMediaAreaM2 - applicationCategories[0]!.areaM2 - applicationCategories[1]!.areaM2),
    lengthM: r3((totalMediaAreaM2 * 0.1) / 0.6096),
  });

  const printer: PrinterReportV1 = {
    collectedAt: isoMinus(sentAt, 5),
    trigger: 'schedule',
    device: {
      productNumber: '2RQ50A',
      productName: 'HP DesignJet T1700dr 44-in PostScript Printer',
      serialNumber: serial,
      firmwareVersion: 'MATRIXXX_02_32_12.3',
    },
    status: { engineState: 'idle', message: 'Ready', reasons: ['marker-supply-low-warning'] },
    printheads: [
      {
        slot: 0,
        colors: ['matte-black', 'yellow', 'gray'],
        status: 'ok',
        healthPercent: 92,
        productNumber: 'F9J86A',
        productName: 'HP 744 DesignJet Printhead',
        serialNumber: `${serial.slice(-4)}PH0X1`,
        nonOemInkUsed: true,
        expiresAt: '2028-01-31T00:00:00Z',
      },
      {
        slot: 1,
        colors: ['cyan', 'magenta', 'photo-black'],
        status: 'ok',
        healthPercent: 87,
        productNumber: 'F9J88A',
        productName: 'HP 744 DesignJet Printhead',
        serialNumber: `${serial.slice(-4)}PH1X2`,
        nonOemInkUsed: false,
        expiresAt: null,
      },
    ],
    cartridges,
    mediaSources: [
      {
        id: 'roll-1',
        kind: 'roll',
        status: 'loaded',
        mediaType: 'coated-paper',
        widthMm: 914.4,
        heightMm: null,
      },
      {
        id: 'roll-2',
        kind: 'roll',
        status: 'loaded',
        mediaType: 'plain-paper',
        widthMm: 1117.6,
        heightMm: null,
      },
      { id: 'sheet', kind: 'sheet', status: 'empty', mediaType: null, widthMm: null, heightMm: null },
    ],
    supportedMediaTypes: MEDIA_TYPES.map((m) => ({ id: m.id, names: { ...m.names } })),
    jobCategoryThresholds: { low: 25, medium: 75 },
    printCategories: [{ id: 'lines' }, { id: 'mixed' }, { id: 'image' }],
    accessories: [{ name: 'Stacker', status: 'installed' }],
    usage: {
      inkByCartridgeType,
      mediaByType,
      scan: { totalAreaM2: null, scanAreaM2: null, copyAreaM2: null }, // no scanner on a T1700
      applicationCategories,
      jobs: 4180 + seed * 10 + jobs.length,
      pages: 5120 + seed * 12 + jobs.length,
      totalInkMl: sum(inkByCartridgeType.map((i) => i.totalMl)),
      totalMediaAreaM2,
    },
    jobs,
    alerts: [
      {
        code: 'marker-supply-low',
        severity: 'warning',
        message: 'Yellow cartridge (P2V70A) is low',
        component: 'cartridge:2',
        detectedAt: isoMinus(sentAt, 3600),
        cleared: false,
      },
    ],
    ...overrides.printer,
  };

  return {
    schemaVersion: 1,
    reportId: overrides.reportId ?? deterministicUuid(`${serial}/${seed}/report`),
    sentAt,
    source: { kind: 'direct', softwareVersion: 'MATRIXXX_02_32_12.3', hostname: null },
    printers: [printer],
  };
}

/** A collector report covering several printers (serials given), e.g. for multi-printer ingest tests. */
export function exampleCollectorReport(serialNumbers: string[], seed = 0): ReportV1 {
  const printers = serialNumbers.map(
    (serialNumber) => exampleDirectReport({ serialNumber, seed }).printers[0]!,
  );
  return {
    schemaVersion: 1,
    reportId: deterministicUuid(`collector/${serialNumbers.join(',')}/${seed}`),
    sentAt: '2025-03-03T09:15:00Z',
    source: { kind: 'collector', softwareVersion: '0.1.0', hostname: 'plotmeter-collector-01' },
    printers,
  };
}
