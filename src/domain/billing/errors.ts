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
