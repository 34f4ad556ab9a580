// Price line drafts: what the form sends (PriceLineInput), and the checks that name the same fields
// as the API (input.priceLines[i].property), so each message lands beside its input.
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf, mergeFieldErrors } from '../src/lib/field-errors';
import {
  draftFromLine,
  isLineField,
  lineErrors,
  lineInput,
  newLine,
  type LineDraft,
} from '../src/lib/price-lines';

const unit = (patch: Partial<LineDraft> = {}): LineDraft => ({
  ...newLine(),
  unitPriceMinor: '4.5',
  ...patch,
});

describe('price line input', () => {
  it('sends a unit price without tiers, and blanks as null', () => {
    expect(lineInput(unit({ description: '  ', allowance: ' 10 ', mediaType: 'photo' }))).toEqual({
      meter: 'MEDIA_AREA_M2',
      description: null,
      mediaType: 'photo',
      category: null,
      basis: 'COUNTERS',
      allowance: '10',
      minimumCommitmentMinor: null,
      unitPriceMinor: '4.5',
      tiers: null,
    });
  });

  it('sends tiers with the last band unbounded and no unit price', () => {
    const input = lineInput(
      unit({
        pricing: 'tiers',
        tierMode: 'VOLUME',
        tiers: [
          { upTo: '100', unitPriceMinor: '5' },
          { upTo: '500', unitPriceMinor: '4' },
          { upTo: 'ignored', unitPriceMinor: '3' },
        ],
      }),
    );
    expect(input.unitPriceMinor).toBeNull();
    expect(input.tierMode).toBe('VOLUME');
    expect(input.tiers).toEqual([
      { upTo: '100', unitPriceMinor: '5' },
      { upTo: '500', unitPriceMinor: '4' },
      { upTo: null, unitPriceMinor: '3' },
    ]);
  });

  it('drops a media type or category the meter cannot have', () => {
    const input = lineInput(unit({ meter: 'INK_OEM_ML', mediaType: 'photo', category: 'CAD' }));
    expect(input.mediaType).toBeNull();
    expect(input.category).toBeNull();
    expect(lineInput(unit({ meter: 'MEDIA_LENGTH_M', category: 'CAD' })).category).toBe('CAD');
  });

  it('round-trips a stored line into a draft', () => {
    const draft = draftFromLine({
      meter: 'PAGES',
      description: null,
      basis: 'JOBS',
      unitPriceMinor: null,
      allowance: '0',
      tiers: [
        { upTo: '1000', unitPriceMinor: '2' },
        { upTo: null, unitPriceMinor: '1.5' },
      ],
      tierMode: 'GRADUATED',
      minimumCommitmentMinor: '5000',
    });
    expect(draft).toMatchObject({ pricing: 'tiers', basis: 'JOBS', minimumCommitmentMinor: '5000' });
    expect(lineInput(draft).tiers).toEqual([
      { upTo: '1000', unitPriceMinor: '2' },
      { upTo: null, unitPriceMinor: '1.5' },
    ]);
  });
});

describe('price line checks', () => {
  it('accepts a valid line', () => {
    expect(lineErrors([unit()])).toEqual({});
  });

  it('names each bad field by the API path', () => {
    const errors = lineErrors([
      unit(),
      unit({ unitPriceMinor: '', allowance: '-1', minimumCommitmentMinor: '12.5' }),
      unit({ meter: 'INK_OEM_ML', basis: 'JOBS', unitPriceMinor: '1,5' }),
    ]);
    expect(errors).toEqual({
      'input.priceLines[1].unitPriceMinor': 'is required',
      'input.priceLines[1].allowance': 'must not be negative',
      'input.priceLines[1].minimumCommitmentMinor': expect.stringContaining('whole number'),
      'input.priceLines[2].basis': expect.stringContaining('cannot be measured from jobs'),
      'input.priceLines[2].unitPriceMinor': expect.stringContaining('not a plain decimal'),
    });
  });

  it('wants tier bounds strictly increasing and every band priced', () => {
    const errors = lineErrors([
      unit({
        pricing: 'tiers',
        tiers: [
          { upTo: '100', unitPriceMinor: '5' },
          { upTo: '100', unitPriceMinor: '' },
          { upTo: '', unitPriceMinor: '3' },
        ],
      }),
    ]);
    expect(errors).toEqual({
      'input.priceLines[0].tiers[1].upTo': 'tier bounds must be positive and strictly increasing',
      'input.priceLines[0].tiers[1].unitPriceMinor': 'is required',
    });
    expect(
      lineErrors([
        unit({
          pricing: 'tiers',
          tiers: [
            { upTo: '0', unitPriceMinor: '1' },
            { upTo: '', unitPriceMinor: '1' },
          ],
        }),
      ]),
    ).toEqual({
      'input.priceLines[0].tiers[0].upTo': 'tier bounds must be positive and strictly increasing',
    });
    expect(
      lineErrors([unit({ unitPriceMinor: '0.0000001' })])['input.priceLines[0].unitPriceMinor'],
    ).toContain('more than 6 decimal places');
  });

  it('wants one line at least, and a media type or a category, not both', () => {
    expect(lineErrors([])).toEqual({ 'input.priceLines': 'at least one price line is needed' });
    expect(lineErrors([unit({ mediaType: 'photo', category: 'CAD' })])).toHaveProperty(
      'input.priceLines[0].meter',
    );
  });
});

describe('API field errors', () => {
  const error = {
    message: '[GraphQL] bad',
    graphQLErrors: [
      {
        message: 'give either a unit price or tiers',
        extensions: { code: 'BAD_USER_INPUT', field: 'input.priceLines[0].unitPriceMinor' },
      },
      {
        message: 'effectiveFrom must lie after the contract start',
        extensions: { field: 'input.effectiveFrom' },
      },
      { message: 'contract not found', extensions: { code: 'NOT_FOUND', field: 'input.contractId' } },
    ],
  };

  it('puts a message beside the field it names, the rest above the button', () => {
    const errors = fieldErrorsOf(error, (f) => isLineField(f) || f === 'input.effectiveFrom');
    expect(errors).toEqual({
      'input.priceLines[0].unitPriceMinor': 'give either a unit price or tiers',
      'input.effectiveFrom': 'effectiveFrom must lie after the contract start',
      '': 'contract not found',
    });
  });

  it('keeps a network failure, and lets the form’s own check win for a field', () => {
    expect(fieldErrorsOf({ message: 'Failed to fetch', graphQLErrors: [] }, () => true)).toEqual({
      '': 'Failed to fetch',
    });
    expect(mergeFieldErrors({ a: 'client' }, { a: 'server', b: 'server' })).toEqual({
      a: 'client',
      b: 'server',
    });
    expect(fieldErrorsOf(null, () => true)).toEqual({});
  });
});
