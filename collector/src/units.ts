// Unit conversion into the SI units Report v1 names in its fields (mL, m², m, mm). Printers report
// quantities with a unit beside the value ("inch", "cc", "sq inch", "feet"); every conversion goes
// through here so that an unknown unit yields null (unknown) instead of a silently wrong number.

const LENGTH_TO_M: Record<string, number> = {
  m: 1,
  meter: 1,
  meters: 1,
  metre: 1,
  metres: 1,
  cm: 0.01,
  mm: 0.001,
  millimeter: 0.001,
  millimeters: 0.001,
  in: 0.0254,
  inch: 0.0254,
  inches: 0.0254,
  ft: 0.3048,
  foot: 0.3048,
  feet: 0.3048,
  yd: 0.9144,
  yard: 0.9144,
  yards: 0.9144,
  // Printer-MIB prtMarkerCounterUnit (RFC 3805): 3 = tenThousandthsOfInches, 4 = micrometers.
  tenthousandthsofinches: 0.0000254,
  micrometers: 0.000001,
  um: 0.000001,
};

const AREA_TO_M2: Record<string, number> = {
  m2: 1,
  sqm: 1,
  'sq m': 1,
  'square meter': 1,
  'square meters': 1,
  'square metre': 1,
  cm2: 0.0001,
  mm2: 0.000001,
  in2: 0.00064516,
  sqin: 0.00064516,
  'sq in': 0.00064516,
  'sq inch': 0.00064516,
  'sq inches': 0.00064516,
  'square inch': 0.00064516,
  'square inches': 0.00064516,
  ft2: 0.09290304,
  sqft: 0.09290304,
  'sq ft': 0.09290304,
  'sq feet': 0.09290304,
  'square foot': 0.09290304,
  'square feet': 0.09290304,
};

const VOLUME_TO_ML: Record<string, number> = {
  ml: 1,
  milliliter: 1,
  milliliters: 1,
  millilitre: 1,
  cc: 1,
  cm3: 1,
  l: 1000,
  liter: 1000,
  liters: 1000,
  litre: 1000,
  ul: 0.001,
  microliter: 0.001,
  microliters: 0.001,
  // Some HP firmware reports ink in tenths or hundredths of a millilitre.
  'tenths of ml': 0.1,
  'hundredths of ml': 0.01,
};

function normaliseUnit(unit: string): string {
  return unit
    .trim()
    .toLowerCase()
    .replace(/[²]/g, '2')
    .replace(/[³]/g, '3')
    .replace(/µ/g, 'u')
    .replace(/[_.]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^(square|sq)\b ?/, (m) => (m.startsWith('square') ? 'square ' : 'sq '));
}

function convert(
  value: number | null | undefined,
  unit: string | null | undefined,
  table: Record<string, number>,
) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if (unit === null || unit === undefined || unit.trim() === '') return null;
  const key = normaliseUnit(unit);
  const factor = table[key] ?? table[key.replace(/ /g, '')];
  if (factor === undefined) return null;
  return value * factor;
}

/** Length to metres; null when the value or unit is missing or the unit is not a known length unit. */
export function toMetres(value: number | null | undefined, unit: string | null | undefined): number | null {
  return convert(value, unit, LENGTH_TO_M);
}

/** Length to millimetres (media widths and heights). */
export function toMillimetres(
  value: number | null | undefined,
  unit: string | null | undefined,
): number | null {
  const m = toMetres(value, unit);
  return m === null ? null : roundTo(m * 1000, 3);
}

/** Area to square metres. */
export function toSquareMetres(
  value: number | null | undefined,
  unit: string | null | undefined,
): number | null {
  return convert(value, unit, AREA_TO_M2);
}

/** Volume to millilitres (ink). "cc" is a millilitre. */
export function toMillilitres(
  value: number | null | undefined,
  unit: string | null | undefined,
): number | null {
  return convert(value, unit, VOLUME_TO_ML);
}

/** Rounds to `digits` decimals so float noise from unit factors does not leak into reports. */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Parses a number from printer text ("12.5", " 3 "); null for empty or non-numeric text. */
export function parseNumber(text: unknown): number | null {
  if (typeof text === 'number') return Number.isFinite(text) ? text : null;
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  if (trimmed === '' || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}
