// Price lines as a form edits them, and as the API takes them (PriceLineInput). A line prices one meter
// (optionally one media type or application category of it) by a unit price or by tiers, after an
// allowance, with an optional minimum charge. Checks mirror the server's (src/domain/billing/pricing.ts,
// contract.ts) and name the same field paths, so a message lands beside the same input either way.
import type { Meter, PriceLineInput, QuantityBasis, TierMode } from '../gql/graphql';
import { compareDecimal, decimalProblem, wholeMinorProblem } from './decimal-input';
import type { FieldErrors } from './field-errors';

export const METER_LABEL: Record<Meter, string> = {
  MEDIA_AREA_M2: 'Media area (m²)',
  INK_OEM_ML: 'HP ink (mL)',
  INK_NON_OEM_ML: 'Non-HP ink (mL)',
  SCAN_AREA_M2: 'Scan area (m²)',
  COPY_AREA_M2: 'Copy area (m²)',
  PAGES: 'Pages',
  MEDIA_LENGTH_M: 'Media length (m)',
};
export const METERS = Object.keys(METER_LABEL) as Meter[];

/** The unit a meter counts in, as format.ts names it. */
export const METER_UNIT: Record<Meter, 'm2' | 'ml' | 'm' | 'page'> = {
  MEDIA_AREA_M2: 'm2',
  INK_OEM_ML: 'ml',
  INK_NON_OEM_ML: 'ml',
  SCAN_AREA_M2: 'm2',
  COPY_AREA_M2: 'm2',
  PAGES: 'page',
  MEDIA_LENGTH_M: 'm',
};

/** Meters jobs can measure (basis JOBS): media area, media length and pages. */
export const JOB_MEASURABLE: readonly Meter[] = ['MEDIA_AREA_M2', 'MEDIA_LENGTH_M', 'PAGES'];

export interface TierDraft {
  upTo: string;
  unitPriceMinor: string;
}

export interface LineDraft {
  meter: Meter;
  description: string;
  mediaType: string;
  category: string;
  basis: QuantityBasis;
  pricing: 'unit' | 'tiers';
  unitPriceMinor: string;
  tierMode: TierMode;
  tiers: TierDraft[];
  allowance: string;
  minimumCommitmentMinor: string;
}

export function newLine(meter: Meter = 'MEDIA_AREA_M2'): LineDraft {
  return {
    meter,
    description: '',
    mediaType: '',
    category: '',
    basis: 'COUNTERS',
    pricing: 'unit',
    unitPriceMinor: '',
    tierMode: 'GRADUATED',
    tiers: [
      { upTo: '', unitPriceMinor: '' },
      { upTo: '', unitPriceMinor: '' },
    ],
    allowance: '0',
    minimumCommitmentMinor: '',
  };
}

/** A stored line (the Contract.priceLines the API returns) as a draft to edit. */
export function draftFromLine(line: {
  meter: Meter;
  description?: string | null;
  mediaType?: string | null;
  category?: string | null;
  basis: QuantityBasis;
  unitPriceMinor?: string | null;
  allowance: string;
  tiers: ReadonlyArray<{ upTo?: string | null; unitPriceMinor: string }>;
  tierMode: TierMode;
  minimumCommitmentMinor?: string | null;
}): LineDraft {
  const tiered = line.tiers.length > 0;
  return {
    meter: line.meter,
    description: line.description ?? '',
    mediaType: line.mediaType ?? '',
    category: line.category ?? '',
    basis: line.basis,
    pricing: tiered ? 'tiers' : 'unit',
    unitPriceMinor: tiered ? '' : (line.unitPriceMinor ?? ''),
    tierMode: line.tierMode,
    tiers: tiered
      ? line.tiers.map((t) => ({ upTo: t.upTo ?? '', unitPriceMinor: t.unitPriceMinor }))
      : newLine().tiers,
    allowance: line.allowance,
    minimumCommitmentMinor: line.minimumCommitmentMinor ?? '',
  };
}

/** The draft as the API takes it: blanks left out, only the chosen pricing sent. */
export function lineInput(draft: LineDraft): PriceLineInput {
  const text = (value: string) => value.trim() || null;
  return {
    meter: draft.meter,
    description: text(draft.description),
    mediaType: draft.meter === 'MEDIA_AREA_M2' ? text(draft.mediaType) : null,
    category:
      draft.meter === 'MEDIA_AREA_M2' || draft.meter === 'MEDIA_LENGTH_M' ? text(draft.category) : null,
    basis: draft.basis,
    allowance: text(draft.allowance) ?? '0',
    minimumCommitmentMinor: text(draft.minimumCommitmentMinor),
    ...(draft.pricing === 'unit'
      ? { unitPriceMinor: draft.unitPriceMinor.trim(), tiers: null }
      : {
          unitPriceMinor: null,
          tierMode: draft.tierMode,
          tiers: draft.tiers.map((t, i) => ({
            upTo: i === draft.tiers.length - 1 ? null : t.upTo.trim(),
            unitPriceMinor: t.unitPriceMinor.trim(),
          })),
        }),
  };
}

/** The field path of a line's property, as the API names it in extensions.field. */
export const linePath = (index: number, property: string) => `input.priceLines[${index}].${property}`;

/** Client-side checks of every line; messages keyed by the API's field paths. */
export function lineErrors(lines: readonly LineDraft[]): FieldErrors {
  const errors: FieldErrors = {};
  if (lines.length === 0) errors['input.priceLines'] = 'at least one price line is needed';
  lines.forEach((line, i) => {
    const put = (property: string, message: string | null) => {
      if (message) errors[linePath(i, property)] = message;
    };
    if (line.mediaType.trim() && line.category.trim())
      put('meter', 'a price line selects a media type or a category, not both');
    if (line.basis === 'JOBS' && !JOB_MEASURABLE.includes(line.meter))
      put('basis', `${METER_LABEL[line.meter]} cannot be measured from jobs; use counters`);
    put('allowance', decimalProblem(line.allowance));
    put('minimumCommitmentMinor', wholeMinorProblem(line.minimumCommitmentMinor));
    if (line.pricing === 'unit') {
      put('unitPriceMinor', decimalProblem(line.unitPriceMinor, { required: true }));
      return;
    }
    if (line.tiers.length < 2) put('tiers', 'tiers need at least two bands (else use a unit price)');
    let previous = '0';
    line.tiers.forEach((tier, j) => {
      const last = j === line.tiers.length - 1;
      put(`tiers[${j}].unitPriceMinor`, decimalProblem(tier.unitPriceMinor, { required: true }));
      if (last) return;
      const bound = decimalProblem(tier.upTo, { required: true });
      if (bound) return put(`tiers[${j}].upTo`, bound);
      if (compareDecimal(tier.upTo, previous) <= 0)
        put(`tiers[${j}].upTo`, 'tier bounds must be positive and strictly increasing');
      previous = tier.upTo;
    });
  });
  return errors;
}

/** Whether a field path belongs to the price lines a form shows. */
export const isLineField = (field: string) => field.startsWith('input.priceLines');

/** The meters as select options. */
export const METER_OPTIONS = METERS.map((m) => ({ value: m, label: METER_LABEL[m] }));
