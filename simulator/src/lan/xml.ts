// Tiny XML writing helpers for the simulated printers' documents: escaping, and elements with a
// value-and-unit pair the way PIWS writes measurements.

export function esc(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** `<Name>text</Name>`, or nothing when the value is null/undefined. */
export function el(name: string, value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return `<${name}>${esc(String(value))}</${name}>`;
}

/** `<Name><Value>v</Value><Unit>u</Unit></Name>` */
export function measure(name: string, value: number, unit: string): string {
  return `<${name}><Value>${esc(Number(value.toFixed(6)))}</Value><Unit>${esc(unit)}</Unit></${name}>`;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
