import { describe, expect, it } from 'vitest';
import { type Fixed, parseDecimal } from './decimal';
import { formatMinor, unitPriceFromMajor } from './currency';
import { type TierInput, priceLine } from './pricing';
import { BillingInputError } from './errors';

const d = (text: string): Fixed => parseDecimal(text, 'test');

// Minor units (cents) per m²: first 100 m² at 10, up to 500 at 8, beyond at 6.
const tiers: TierInput[] = [
  { upTo: '100', unitPriceMinor: '10' },
  { upTo: '500', unitPriceMinor: '8' },
  { upTo: null, unitPriceMinor: '6' },
];

describe('priceLine tiers', () => {
  it('prices the same quantity graduated and by volume', () => {
    // 650 m² with 50 m² included -> 600 billable.
    const graduated = priceLine({ quantity: '650', allowance: '50', tiers, tierMode: 'GRADUATED' });
    expect(graduated.allowanceUsed).toBe(d('50'));
    expect(graduated.billableQuantity).toBe(d('600'));
    // 100 × 10 + 400 × 8 + 100 × 6 = 1000 + 3200 + 600
    expect(graduated.amountMinor).toBe(4800n);
    expect(graduated.breakdown.map((b) => [b.tier, b.quantity, b.amountMinor])).toEqual([
      [0, d('100'), 1000n],
      [1, d('400'), 3200n],
      [2, d('100'), 600n],
    ]);

    const volume = priceLine({ quantity: '650', allowance: '50', tiers, tierMode: 'VOLUME' });
    expect(volume.amountMinor).toBe(3600n); // all 600 at 6
    expect(volume.breakdown).toEqual([
      { tier: 2, quantity: d('600'), unitPriceMinor: d('6'), amountMinor: 3600n },
    ]);
  });

  it('treats tier upper bounds as inclusive', () => {
    expect(priceLine({ quantity: '500', tiers, tierMode: 'VOLUME' }).amountMinor).toBe(4000n); // 500 × 8
    expect(priceLine({ quantity: '500.000001', tiers, tierMode: 'VOLUME' }).breakdown[0].tier).toBe(2);
    expect(priceLine({ quantity: '500', tiers, tierMode: 'GRADUATED' }).amountMinor).toBe(4200n);
  });

  it('consumes the allowance before any charge', () => {
    const line = priceLine({ quantity: '30', allowance: '50', unitPriceMinor: '10' });
    expect(line.allowanceUsed).toBe(d('30'));
    expect(line.billableQuantity).toBe(0n);
    expect(line.amountMinor).toBe(0n);
    expect(line.breakdown).toEqual([]);
  });

  it('trues up to the minimum commitment and never below usage', () => {
    const short = priceLine({
      quantity: '650',
      allowance: '50',
      tiers,
      tierMode: 'VOLUME',
      minimumCommitmentMinor: 5000n,
    });
    expect(short.trueUpMinor).toBe(1400n);
    expect(short.totalMinor).toBe(5000n);
    const met = priceLine({ quantity: '650', allowance: '50', tiers, minimumCommitmentMinor: 4000n });
    expect(met.trueUpMinor).toBe(0n);
    expect(met.totalMinor).toBe(4800n);
    const idle = priceLine({ quantity: '0', unitPriceMinor: '10', minimumCommitmentMinor: 2500n });
    expect(idle.totalMinor).toBe(2500n);
  });
});

describe('priceLine rounding', () => {
  it('rounds an x.5 minor-unit amount half up', () => {
    expect(priceLine({ quantity: '2.5', unitPriceMinor: '1' }).amountMinor).toBe(3n);
    expect(priceLine({ quantity: '3.5', unitPriceMinor: '1' }).amountMinor).toBe(4n);
    expect(priceLine({ quantity: '2.499999', unitPriceMinor: '1' }).amountMinor).toBe(2n);
  });

  it('rounds once per line, and band amounts still add up to it', () => {
    const line = priceLine({
      quantity: '3',
      tiers: [
        { upTo: '1.5', unitPriceMinor: '1' },
        { upTo: null, unitPriceMinor: '1' },
      ],
    });
    // Exact 1.5 + 1.5 = 3; rounding each band first would give 2 + 2 = 4.
    expect(line.amountMinor).toBe(3n);
    expect(line.breakdown.map((b) => b.amountMinor)).toEqual([2n, 1n]);
  });

  it('bills JPY in whole yen and EUR in cents from the same major-unit price', () => {
    const yen = priceLine({ quantity: '3', unitPriceMinor: unitPriceFromMajor('12.5', 'JPY', 'p') });
    expect(yen.amountMinor).toBe(38n); // 37.5 yen -> 38
    expect(formatMinor(yen.amountMinor, 'JPY')).toBe('38');
    const euro = priceLine({ quantity: '3', unitPriceMinor: unitPriceFromMajor('0.125', 'EUR', 'p') });
    expect(euro.amountMinor).toBe(38n); // 37.5 cents -> 38
    expect(formatMinor(euro.amountMinor, 'EUR')).toBe('0.38');
  });
});

describe('priceLine validation', () => {
  it('names the offending field', () => {
    const bad = (input: Parameters<typeof priceLine>[0]) => () => priceLine(input, 'priceLines[1]');
    expect(bad({ quantity: '1', tiers: [{ upTo: '10', unitPriceMinor: '1' }] })).toThrow(
      /priceLines\[1\]\.tiers\[0\]\.upTo/,
    );
    expect(
      bad({
        quantity: '1',
        tiers: [
          { upTo: '10', unitPriceMinor: '1' },
          { upTo: '10', unitPriceMinor: '1' },
          { upTo: null, unitPriceMinor: '1' },
        ],
      }),
    ).toThrow(/tiers\[1\]\.upTo.*strictly increasing/);
    expect(bad({ quantity: '1', unitPriceMinor: '-1' })).toThrow(/priceLines\[1\]\.unitPriceMinor/);
    expect(bad({ quantity: '1', unitPriceMinor: '1', tiers })).toThrow(/not both/);
    expect(bad({ quantity: '1' })).toThrow(BillingInputError);
    expect(bad({ quantity: 1.5 as unknown as string, unitPriceMinor: '1' })).toThrow(/quantity/);
    expect(bad({ quantity: '1', unitPriceMinor: '1', tierMode: 'FLAT' as never })).toThrow(/tierMode/);
    expect(bad({ quantity: '1', unitPriceMinor: '1', minimumCommitmentMinor: -1n })).toThrow(
      /minimumCommitmentMinor/,
    );
  });
});
