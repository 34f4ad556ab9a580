// PostgreSQL numeric(20,6) comes back padded ("50.000000"); the API and exports show decimals without
// trailing zeros ("50"), exactly as the billing rules format them.
import { formatDecimal, parseDecimal } from '../../domain/billing';

export function decimalText(value: string | null | undefined, field = 'decimal'): string | null {
  return value === null || value === undefined ? null : formatDecimal(parseDecimal(String(value), field));
}
