// Test data for billing: readings and jobs inserted straight into usage_reading / printer_job (what
// ingest would have stored), contracts through the billing service, API keys with a given role.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PrincipalRole } from '../../src/auth/principal';
import { uuidv7 } from '../../src/lib/ids';
import { issueApiKey } from '../../src/services/api-keys';
import { type CreateContractData, createContract } from '../../src/services/billing/contracts';
import { newDirectPrinter, newReseller } from '../support/factories';

export interface ReadingSpec {
  at: Date;
  serial: string;
  mediaAreaM2?: number | null;
  pages?: number | null;
  /** Per cartridge type: [oemMl, nonOemMl]. */
  ink?: Array<[number, number]>;
  scanAreaM2?: number | null;
  copyAreaM2?: number | null;
  mediaByType?: Record<string, number>;
  categories?: Record<string, { areaM2: number; lengthM: number }>;
}

export async function insertReading(
  em: EntityManager,
  resellerId: string,
  printerId: string,
  spec: ReadingSpec,
): Promise<string> {
  const [id] = await insertReadings(em, resellerId, printerId, [spec]);
  return id!;
}

/** Several readings of one printer in one statement (as one persisted report batch stores them). */
export function insertReadings(
  em: EntityManager,
  resellerId: string,
  printerId: string,
  specs: readonly ReadingSpec[],
): Promise<string[]> {
  return insertReadingRows(
    em,
    resellerId,
    specs.map((spec) => ({ ...spec, printerId })),
  );
}

/** Readings of any of the reseller's printers in one statement; returns their ids in the given order. */
export async function insertReadingRows(
  em: EntityManager,
  resellerId: string,
  rows: ReadonlyArray<ReadingSpec & { printerId: string }>,
): Promise<string[]> {
  const ids = rows.map(() => uuidv7());
  await em.execute(
    `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, jobs, pages, total_ink_ml,
       total_media_area_m2, scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type, application_categories)
     values ${rows.map(() => `(?, ?, ?, ?, ?, ?, now(), null, ?, ?, ?, null, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)`).join(', ')}`,
    rows.flatMap((row, i) => readingValues(ids[i]!, resellerId, row.printerId, row)),
  );
  return ids;
}

function readingValues(id: string, resellerId: string, printerId: string, spec: ReadingSpec): unknown[] {
  const ink = (spec.ink ?? [[0, 0]]).map(([oemMl, nonOemMl], i) => ({
    productNumber: `P${i}`,
    totalMl: oemMl + nonOemMl,
    oemMl,
    nonOemMl,
    insertions: 1,
  }));
  return [
    id,
    spec.at,
    resellerId,
    printerId,
    spec.serial,
    uuidv7(),
    spec.pages === undefined ? 0 : spec.pages,
    ink.reduce((sum, c) => sum + c.totalMl, 0),
    spec.mediaAreaM2 === undefined ? 0 : spec.mediaAreaM2,
    spec.scanAreaM2 === undefined ? 0 : spec.scanAreaM2,
    spec.copyAreaM2 === undefined ? 0 : spec.copyAreaM2,
    JSON.stringify(ink),
    JSON.stringify(
      Object.entries(spec.mediaByType ?? {}).map(([mediaType, areaM2]) => ({ mediaType, areaM2 })),
    ),
    JSON.stringify(Object.entries(spec.categories ?? {}).map(([category, v]) => ({ category, ...v }))),
  ];
}

/** A reading of a new printer's counters: `at` as utc() reads it, the serial is the printer's own. */
export type PrinterReading = Omit<ReadingSpec, 'at' | 'serial'> & { at: string };

/**
 * A new direct-connect printer of the customer whose counters read each of `readings` in turn (the
 * usual set-up of a billed period). Returns the printer and the reading ids, in order.
 */
export async function printerWithReadings(
  em: EntityManager,
  resellerId: string,
  customerId: string,
  readings: readonly PrinterReading[],
): Promise<Awaited<ReturnType<typeof newDirectPrinter>> & { readingIds: string[] }> {
  const printer = await newDirectPrinter(em, resellerId, customerId);
  const readingIds: string[] = [];
  for (const { at, ...counters } of readings)
    readingIds.push(
      await insertReading(em, resellerId, printer.printerId, {
        ...counters,
        at: utc(at),
        serial: printer.serialNumber,
      }),
    );
  return { ...printer, readingIds };
}

export interface JobSpec {
  completedAt: Date;
  mediaAreaM2?: number | null;
  mediaLengthM?: number | null;
  pages?: number;
  kind?: 'print' | 'scan' | 'copy';
  mediaType?: string | null;
  accountId?: string | null;
  projectId?: string | null;
  userName?: string | null;
  inkMl?: number;
}

export async function insertJob(
  em: EntityManager,
  resellerId: string,
  customerId: string,
  printerId: string,
  spec: JobSpec,
): Promise<string> {
  const id = uuidv7();
  await em.execute(
    `insert into printer_job (id, completed_at, reseller_id, printer_id, customer_id, uuid, kind, name, account_id, project_id, user_name, status, pages, copies,
       ink_by_color, ink_total_ml, media_area_m2, media_length_m, media_type, categories, raw_report_id, created_at)
     values (?, ?, ?, ?, ?, ?, ?, 'job', ?, ?, ?, 'completed', ?, 1, '[]', ?, ?, ?, ?, '[]', ?, now())`,
    [
      id,
      spec.completedAt,
      resellerId,
      printerId,
      customerId,
      id,
      spec.kind ?? 'print',
      spec.accountId ?? null,
      spec.projectId ?? null,
      spec.userName ?? null,
      spec.pages ?? 1,
      spec.inkMl ?? 0,
      spec.mediaAreaM2 === undefined ? 1 : spec.mediaAreaM2,
      spec.mediaLengthM === undefined ? 1 : spec.mediaLengthM,
      spec.mediaType ?? null,
      uuidv7(),
    ],
  );
  return id;
}

export async function newApiKey(em: EntityManager, resellerId: string, role: PrincipalRole): Promise<string> {
  const fork = em.fork();
  const { key } = issueApiKey(fork, { resellerId, name: `${role} key`, role });
  await fork.flush();
  return key;
}

/** A new reseller with its admin key and a billing and a viewer key: the callers of billing and export. */
export async function newBillingReseller(
  em: EntityManager,
): Promise<{ resellerId: string; adminKey: string; billingKey: string; viewerKey: string }> {
  const { reseller, apiKey } = await newReseller(em);
  return {
    resellerId: reseller.id,
    adminKey: apiKey,
    billingKey: await newApiKey(em, reseller.id, 'billing'),
    viewerKey: await newApiKey(em, reseller.id, 'viewer'),
  };
}

export function utc(text: string): Date {
  return new Date(`${text}Z`);
}

export async function monthlyContract(
  em: EntityManager,
  resellerId: string,
  data: Partial<CreateContractData> & Pick<CreateContractData, 'customerId' | 'printerIds' | 'priceLines'>,
) {
  return createContract(em.fork(), resellerId, {
    name: 'PPU contract',
    currency: 'EUR',
    billingPeriod: { period: 'MONTHLY', anchorDay: 1, timeZone: 'UTC' },
    validFrom: utc('2026-10-01T00:00:00'),
    ...data,
  });
}
