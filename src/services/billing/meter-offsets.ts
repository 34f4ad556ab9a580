// Meter offsets: a technician records the counts a replacement main board already had when it was not
// new, per printer and meter, effective at the swap. Billing then measures the usage after that reset
// from these counts instead of from zero (docs/billing.md, "Counter reset"). Recording, correcting and
// removing one is audited. Statements already approved do not change; a correction reaches an approved
// period through void and rebill.
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  DEFAULT_BOUNDARY_TOLERANCE_MS,
  type Meter,
  type MeterOffset as OffsetRule,
  formatDecimal,
  meterKey,
  parseDecimal,
} from '../../domain/billing';
import { AuditEvent } from '../../entities/audit-event.entity';
import { MeterOffset } from '../../entities/meter-offset.entity';
import { Printer } from '../../entities/printer.entity';
import { appendTo } from '../../lib/group';
import { DomainError } from '../../errors/domain-error';
import { asUserInput } from './billing-errors';
import type { PrinterWindow } from './meter-readings';

export interface RecordMeterOffsetData {
  printerId: string;
  meter: Meter;
  mediaType?: string | null;
  category?: string | null;
  effectiveAt: Date;
  /** Decimal string, e.g. "1250" pages or "310.5" m². */
  startingCount: string;
  note?: string | null;
}

export const MAX_OFFSET_NOTE = 500;

/** Records a board's starting count, or corrects the one recorded for the same meter and time. */
export async function recordMeterOffset(
  em: EntityManager,
  actor: string,
  resellerId: string,
  data: RecordMeterOffsetData,
  now = new Date(),
): Promise<MeterOffset> {
  const mediaType = data.mediaType?.trim() || null;
  const category = data.category?.trim() || null;
  asUserInput(() => meterKey({ meter: data.meter, mediaType, category }, 'input.meter'));
  const count = asUserInput(() =>
    parseDecimal(String(data.startingCount ?? '').trim(), 'input.startingCount'),
  );
  if (count < 0n)
    throw new DomainError('BAD_USER_INPUT', 'startingCount must not be negative', 'input.startingCount');
  if (!(data.effectiveAt instanceof Date) || Number.isNaN(data.effectiveAt.getTime()))
    throw new DomainError('BAD_USER_INPUT', 'effectiveAt must be a date-time', 'input.effectiveAt');
  if (data.effectiveAt > now) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'effectiveAt is in the future; record the swap once it has happened',
      'input.effectiveAt',
    );
  }
  const note = data.note?.trim() || null;
  if (note && note.length > MAX_OFFSET_NOTE)
    throw new DomainError(
      'BAD_USER_INPUT',
      `note must be at most ${MAX_OFFSET_NOTE} characters`,
      'input.note',
    );

  return em.transactional(async (tx) => {
    const printer = await tx.findOne(Printer, { id: data.printerId, reseller: resellerId });
    if (!printer) throw new DomainError('NOT_FOUND', 'printer not found', 'input.printerId');
    const startingCount = formatDecimal(count);
    const existing = await tx.findOne(MeterOffset, {
      reseller: resellerId,
      printer: printer.id,
      meter: data.meter,
      mediaType,
      category,
      effectiveAt: data.effectiveAt,
    });
    let row: MeterOffset;
    if (existing) {
      const previous = { startingCount: countText(existing) };
      existing.startingCount = startingCount;
      existing.note = note;
      existing.recordedBy = actor;
      existing.recordedAt = now;
      row = existing;
      tx.create(AuditEvent, {
        reseller: printer.reseller,
        actor,
        action: 'meter.offset.correct',
        targetType: 'MeterOffset',
        targetId: existing.id,
        details: { ...auditDetails(existing), previous },
      });
    } else {
      row = tx.create(MeterOffset, {
        reseller: printer.reseller,
        printer,
        meter: data.meter,
        mediaType,
        category,
        effectiveAt: data.effectiveAt,
        startingCount,
        note,
        recordedBy: actor,
        recordedAt: now,
      });
      tx.create(AuditEvent, {
        reseller: printer.reseller,
        actor,
        action: 'meter.offset.record',
        targetType: 'MeterOffset',
        targetId: row.id,
        details: auditDetails(row),
      });
    }
    await tx.flush();
    return row;
  });
}

/** Removes an offset recorded by mistake (the reset is then billed from zero again). */
export async function removeMeterOffset(
  em: EntityManager,
  actor: string,
  resellerId: string,
  id: string,
): Promise<MeterOffset> {
  return em.transactional(async (tx) => {
    const row = await tx.findOne(MeterOffset, { id, reseller: resellerId });
    if (!row) throw new DomainError('NOT_FOUND', 'meter offset not found', 'id');
    tx.create(AuditEvent, {
      reseller: row.reseller,
      actor,
      action: 'meter.offset.remove',
      targetType: 'MeterOffset',
      targetId: row.id,
      details: auditDetails(row),
    });
    tx.remove(row);
    await tx.flush();
    return row;
  });
}

const countText = (row: MeterOffset) => formatDecimal(parseDecimal(row.startingCount, 'startingCount'));

function auditDetails(row: MeterOffset): Record<string, unknown> {
  return {
    printerId: row.printer.id,
    meter: row.meter,
    mediaType: row.mediaType ?? null,
    category: row.category ?? null,
    effectiveAt: row.effectiveAt.toISOString(),
    startingCount: countText(row),
  };
}

/** The offset as the billing rules read it. */
export function offsetRule(row: MeterOffset): OffsetRule {
  return {
    id: row.id,
    key: meterKey({ meter: row.meter, mediaType: row.mediaType ?? null, category: row.category ?? null }),
    effectiveAt: row.effectiveAt,
    startingCount: parseDecimal(row.startingCount, `meter_offset ${row.id}.startingCount`),
  };
}

/** Per printer, the offsets that can fall into a reading gap of its window (boundary tolerance included). */
export async function offsetsForWindows(
  em: EntityManager,
  resellerId: string,
  windows: readonly PrinterWindow[],
  toleranceMs = DEFAULT_BOUNDARY_TOLERANCE_MS,
): Promise<Map<string, OffsetRule[]>> {
  const result = new Map<string, OffsetRule[]>();
  if (windows.length === 0) return result;
  const from = Math.min(...windows.map((w) => w.start.getTime())) - toleranceMs;
  const to = Math.max(...windows.map((w) => w.end.getTime())) + toleranceMs;
  const rows = await em.find(MeterOffset, {
    reseller: resellerId,
    printer: { $in: [...new Set(windows.map((w) => w.printerId))] },
    effectiveAt: { $gt: new Date(from), $lte: new Date(to) },
  });
  for (const row of rows) appendTo(result, row.printer.id, offsetRule(row));
  return result;
}
