// Command-line option helpers shared by the benchmarks.

/** A positive integer option, or the fallback when it was not given; a clear error otherwise. */
export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`--${name} must be a positive integer; got "${value}"`);
  return n;
}

export function nonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`--${name} must be a non-negative integer; got "${value}"`);
  return n;
}
