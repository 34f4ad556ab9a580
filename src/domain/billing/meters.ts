// The billable meters and how each one is addressed inside counter readings and usage results.
//
// Usage is carried as a flat map from a meter key to a quantity, so sub-meters (media area of one
// media type, of one application category) need no special shapes:
//   mediaAreaM2, inkOemMl, inkNonOemMl, scanAreaM2, copyAreaM2, pages, mediaLengthM
//   mediaAreaM2@mediaType:<media type id>
//   mediaAreaM2@category:<application category>, mediaLengthM@category:<application category>

import { BillingInputError } from './errors';

export const METERS = [
  'MEDIA_AREA_M2',
  'INK_OEM_ML',
  'INK_NON_OEM_ML',
  'SCAN_AREA_M2',
  'COPY_AREA_M2',
  'PAGES',
  'MEDIA_LENGTH_M',
] as const;
export type Meter = (typeof METERS)[number];

/** Unit of each meter as written in exports ("m2", "ml", "m", "page"). */
export type MeterUnit = 'm2' | 'ml' | 'm' | 'page';

export const METER_UNITS: Readonly<Record<Meter, MeterUnit>> = {
  MEDIA_AREA_M2: 'm2',
  INK_OEM_ML: 'ml',
  INK_NON_OEM_ML: 'ml',
  SCAN_AREA_M2: 'm2',
  COPY_AREA_M2: 'm2',
  PAGES: 'page',
  MEDIA_LENGTH_M: 'm',
};

/** Counter field of a reading that holds each meter's lifetime total. */
export const METER_COUNTER_FIELDS = {
  MEDIA_AREA_M2: 'mediaAreaM2',
  INK_OEM_ML: 'inkOemMl',
  INK_NON_OEM_ML: 'inkNonOemMl',
  SCAN_AREA_M2: 'scanAreaM2',
  COPY_AREA_M2: 'copyAreaM2',
  PAGES: 'pages',
  MEDIA_LENGTH_M: 'mediaLengthM',
} as const satisfies Record<Meter, string>;

export type ScalarCounterField = (typeof METER_COUNTER_FIELDS)[Meter];
export const SCALAR_COUNTER_FIELDS: readonly ScalarCounterField[] = Object.values(METER_COUNTER_FIELDS);

/** Which slice of a meter a price line bills: everything, one media type, or one application category. */
export interface MeterSelector {
  meter: Meter;
  mediaType?: string | null;
  category?: string | null;
}

export const MEDIA_TYPE_KEY_PREFIX = 'mediaAreaM2@mediaType:';
export const CATEGORY_AREA_KEY_PREFIX = 'mediaAreaM2@category:';
export const CATEGORY_LENGTH_KEY_PREFIX = 'mediaLengthM@category:';

export function meterKey(selector: MeterSelector, field = 'meter'): string {
  const { meter, mediaType, category } = selector;
  if (!METERS.includes(meter)) throw new BillingInputError(field, `unknown meter ${String(meter)}`);
  if (mediaType != null && category != null) {
    throw new BillingInputError(field, 'a price line selects a media type or a category, not both');
  }
  if (mediaType != null) {
    if (meter !== 'MEDIA_AREA_M2')
      throw new BillingInputError(field, 'a media type applies only to MEDIA_AREA_M2');
    return MEDIA_TYPE_KEY_PREFIX + mediaType;
  }
  if (category != null) {
    if (meter === 'MEDIA_AREA_M2') return CATEGORY_AREA_KEY_PREFIX + category;
    if (meter === 'MEDIA_LENGTH_M') return CATEGORY_LENGTH_KEY_PREFIX + category;
    throw new BillingInputError(field, 'a category applies only to MEDIA_AREA_M2 and MEDIA_LENGTH_M');
  }
  return METER_COUNTER_FIELDS[meter];
}
