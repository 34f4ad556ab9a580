// Maps a stored usage_reading row onto the lifetime `Counters` the billing rules measure.
//
// - mediaAreaM2, scanAreaM2, copyAreaM2, pages: the reading's own counters.
// - inkOemMl / inkNonOemMl: the sum over ink_by_cartridge_type of oemMl / nonOemMl. A cartridge type
//   without the figure makes the sum unknown.
// - mediaLengthM: the sum of lengthM over application_categories (the printer has no separate total
//   length counter; every printed job falls into exactly one category).
// - byMediaType / byCategory: the per-type and per-category lists as maps.
// Printers list only what they have used, so an empty list is zero usage only when the printer's total
// media area is 0; otherwise it is unknown (the printer does not report the split), never zero.
// Sums are exact: each measured float is rounded to six decimals first (fromMeasured), then added.
import { type Counters, type Fixed, ZERO, add, formatDecimal, fromMeasured } from '../../domain/billing';
import type { CounterSource } from '../../entities/usage-reading.entity';

export interface ReadingRow {
  id: string;
  printer_id: string;
  collected_at: Date | string;
  serial_number: string;
  pages: string | number | null;
  total_media_area_m2: number | null;
  scan_area_m2: number | null;
  copy_area_m2: number | null;
  total_ink_ml: number | null;
  ink_by_cartridge_type: Array<{ oemMl?: number | null; nonOemMl?: number | null }> | null;
  media_by_type: Array<{ mediaType: string; areaM2: number }> | null;
  application_categories: Array<{ category: string; areaM2: number; lengthM: number }> | null;
  /** Report v1 usage.sources as stored; absent or null = the printer's own counters. */
  counter_sources?: CounterSource[] | null;
}

type Measured = number | string;

export function countersOf(row: ReadingRow): Counters {
  const noMediaYet = row.total_media_area_m2 === 0;
  const field = `usage_reading ${row.id}`;
  const ink = row.ink_by_cartridge_type ?? [];
  const categories = row.application_categories ?? [];
  const mediaTypes = row.media_by_type ?? [];

  const inkSum = (key: 'oemMl' | 'nonOemMl'): Measured | null => {
    if (ink.length === 0) return row.total_ink_ml === 0 ? 0 : null;
    return exactSum(
      ink.map((entry) => entry[key] ?? null),
      `${field}.inkByCartridgeType.${key}`,
    );
  };

  let byMediaType: Record<string, string> | null = null;
  if (mediaTypes.length > 0) {
    const totals = new Map<string, Fixed>();
    for (const entry of mediaTypes) {
      const value = fromMeasured(entry.areaM2, `${field}.mediaByType.${entry.mediaType}`);
      totals.set(entry.mediaType, add(totals.get(entry.mediaType) ?? ZERO, value));
    }
    byMediaType = Object.fromEntries([...totals].map(([key, value]) => [key, formatDecimal(value)]));
  } else if (noMediaYet) byMediaType = {};

  let byCategory: Record<string, { areaM2: string; lengthM: string }> | null = null;
  if (categories.length > 0) {
    const totals = new Map<string, { area: Fixed; length: Fixed }>();
    for (const entry of categories) {
      const path = `${field}.applicationCategories.${entry.category}`;
      const sum = totals.get(entry.category) ?? { area: ZERO, length: ZERO };
      totals.set(entry.category, {
        area: add(sum.area, fromMeasured(entry.areaM2, `${path}.areaM2`)),
        length: add(sum.length, fromMeasured(entry.lengthM, `${path}.lengthM`)),
      });
    }
    byCategory = Object.fromEntries(
      [...totals].map(([key, value]) => [
        key,
        { areaM2: formatDecimal(value.area), lengthM: formatDecimal(value.length) },
      ]),
    );
  } else if (noMediaYet) byCategory = {};

  return {
    mediaAreaM2: row.total_media_area_m2,
    inkOemMl: inkSum('oemMl'),
    inkNonOemMl: inkSum('nonOemMl'),
    scanAreaM2: row.scan_area_m2,
    copyAreaM2: row.copy_area_m2,
    pages: row.pages === null ? null : String(row.pages),
    mediaLengthM:
      categories.length > 0
        ? exactSum(
            categories.map((c) => c.lengthM),
            `${field}.applicationCategories.lengthM`,
          )
        : noMediaYet
          ? 0
          : null,
    byMediaType,
    byCategory,
  };
}

function exactSum(values: Array<number | null>, field: string): string | null {
  let total = ZERO;
  for (const value of values) {
    if (value === null || value === undefined) return null;
    total = add(total, fromMeasured(value, field));
  }
  return formatDecimal(total);
}
