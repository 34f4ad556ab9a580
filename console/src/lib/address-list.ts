// Address lists typed into one field: "a@x.com, b@y.org; c@z.net" or one per line. The API checks each
// address again (and names the bad one); this catches typos before the round trip and keeps the order.

export interface ParsedAddresses {
  addresses: string[];
  /** Entries that are not an address, as typed. */
  invalid: string[];
}

// Deliberately loose (one @, something either side, a dot in the domain): the mail server decides.
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]+$/;

export function parseAddressList(text: string): ParsedAddresses {
  const seen = new Set<string>();
  const addresses: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const entry = raw.trim();
    if (!entry) continue;
    if (!ADDRESS.test(entry)) {
      invalid.push(entry);
      continue;
    }
    const key = entry.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    addresses.push(entry);
  }
  return { addresses, invalid };
}

/** Minutes as typed ("", "30"): null for empty, a whole number otherwise, NaN when it is not one. */
export function parseMinutes(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}
