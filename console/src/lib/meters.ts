// Meter readings and meter offsets on the printer page. A reading whose lifetime counter is lower than
// the one before it marks a reset (a main board swapped or a counter cleared): billing counts it from
// zero unless a technician records the count the new board started with (a meter offset). The checks
// of the offset form mirror the server's (src/services/billing/meter-offsets.ts) and use its field names.
import type { Meter } from '../gql/graphql';
import { decimalProblem } from './decimal-input';
import type { FieldErrors } from './field-errors';

/** The reading figures a drop is looked for in, with the meter an offset for it would name. */
export const READING_METERS = [
  { field: 'pages', meter: 'PAGES' },
  { field: 'mediaAreaM2', meter: 'MEDIA_AREA_M2' },
  { field: 'scanAreaM2', meter: 'SCAN_AREA_M2' },
  { field: 'copyAreaM2', meter: 'COPY_AREA_M2' },
] as const satisfies ReadonlyArray<{ field: string; meter: Meter }>;

type ReadingFigures = { id: string; collectedAt: string } & {
  [K in (typeof READING_METERS)[number]['field']]?: number | null;
} & { totalInkMl?: number | null };

export interface CounterDrop {
  /** The first reading after the drop (its collectedAt is the latest a swap can be dated). */
  readingId: string;
  /** The last reading before it (the swap happened after it). */
  afterCollectedAt: string;
  collectedAt: string;
  meters: Meter[];
  /** The ink total dropped too (ink is billed per cartridge type, offsets name INK_OEM_ML / INK_NON_OEM_ML). */
  ink: boolean;
}

/**
 * The resets among readings (oldest first): each reading where a counter is lower than in the
 * previous reading that reported it. Unreported figures (null) never count as a drop.
 */
export function counterDrops(readings: readonly ReadingFigures[]): CounterDrop[] {
  const drops: CounterDrop[] = [];
  const last: Record<string, number> = {};
  let previous: ReadingFigures | null = null;
  for (const reading of readings) {
    const meters: Meter[] = [];
    for (const { field, meter } of READING_METERS) {
      const value = reading[field];
      if (value === null || value === undefined) continue;
      if (last[field] !== undefined && value < last[field]!) meters.push(meter);
      last[field] = value;
    }
    let ink = false;
    const inkValue = reading.totalInkMl;
    if (inkValue !== null && inkValue !== undefined) {
      ink = last.ink !== undefined && inkValue < last.ink;
      last.ink = inkValue;
    }
    if ((meters.length > 0 || ink) && previous)
      drops.push({
        readingId: reading.id,
        afterCollectedAt: previous.collectedAt,
        collectedAt: reading.collectedAt,
        meters,
        ink,
      });
    previous = reading;
  }
  return drops;
}

export interface OffsetDraft {
  meter: Meter;
  mediaType: string;
  category: string;
  /** A datetime-local value (the browser's zone). */
  effectiveAt: string;
  startingCount: string;
  note: string;
}

export const MAX_OFFSET_NOTE = 500;
export const OFFSET_FIELDS = [
  'input.meter',
  'input.mediaType',
  'input.category',
  'input.effectiveAt',
  'input.startingCount',
  'input.note',
];

/** A datetime-local value ("2026-11-03T14:30") as an instant; null when it is not one. */
export function localDateTime(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The instant as a datetime-local value in the browser's zone. */
export function toLocalDateTime(instant: Date | string): string {
  const d = new Date(instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function offsetErrors(draft: OffsetDraft, now: Date = new Date()): FieldErrors {
  const errors: FieldErrors = {};
  const count = decimalProblem(draft.startingCount, { required: true });
  if (count) errors['input.startingCount'] = count;
  const at = localDateTime(draft.effectiveAt);
  if (!at) errors['input.effectiveAt'] = draft.effectiveAt ? 'is not a date and time' : 'is required';
  else if (at > now) errors['input.effectiveAt'] = 'is in the future; record the swap once it has happened';
  if (draft.mediaType.trim() && draft.category.trim())
    errors['input.meter'] = 'an offset names a media type or a category, not both';
  if (draft.mediaType.trim() && draft.meter !== 'MEDIA_AREA_M2')
    errors['input.mediaType'] = 'a media type applies only to media area';
  if (draft.category.trim() && draft.meter !== 'MEDIA_AREA_M2' && draft.meter !== 'MEDIA_LENGTH_M')
    errors['input.category'] = 'a category applies only to media area and media length';
  if (draft.note.trim().length > MAX_OFFSET_NOTE)
    errors['input.note'] = `at most ${MAX_OFFSET_NOTE} characters`;
  return errors;
}
