// Error type for bad billing input: always names the offending field so an API layer can map it to
// a validation error (`errors: [{path, message}]`) instead of a 500.

export class BillingInputError extends Error {
  override readonly name = 'BillingInputError';

  constructor(
    /** Dotted path of the offending input, e.g. `priceLines[2].tiers[0].upTo`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * Rejects a non-array naming `field`. Deliberately not a type guard: `Array.isArray` would narrow
 * a typed readonly array to `any[]` and silently switch off type checking of its elements.
 */
export function assertArray(value: unknown, field: string): void {
  if (!Array.isArray(value)) throw new BillingInputError(field, 'expected an array');
}
