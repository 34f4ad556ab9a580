// IPv4 ranges that a collector scans: CIDR blocks ("10.0.0.0/22") or inclusive from-to ranges
// ("10.0.0.10-10.0.0.50"). Addresses are handled as unsigned 32-bit numbers. The size cap keeps one
// mistyped entry ("10.0.0.0/8") from turning into a 16-million-host scan.
export const MAX_ADDRESSES_PER_RANGE = 65_536;

export class IpRangeError extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`${input}: ${reason}`);
    this.name = 'IpRangeError';
  }
}

export interface IpRange {
  first: number;
  last: number;
  count: number;
}

/** Parses a dotted-quad IPv4 address; `range` is the whole entry, for error messages. */
export function parseIpv4(address: string, range: string = address): number {
  const parts = address.split('.');
  if (parts.length !== 4)
    throw new IpRangeError(range, `"${address}" is not an IPv4 address (expected 4 octets)`);
  let value = 0;
  parts.forEach((part, index) => {
    // Leading zeros are refused: some tools read "010" as octal, so the intent is ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) {
      throw new IpRangeError(range, `octet ${index + 1} is not 0-255`);
    }
    value = value * 256 + Number(part);
  });
  return value;
}

export function ipToString(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`${n} is not an IPv4 address as uint32`);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseIpRange(s: string): IpRange {
  const input = s.trim();
  if (input === '') throw new IpRangeError(s, 'empty range');
  let first: number;
  let last: number;
  if (input.includes('/')) {
    const [address = '', prefixText = '', ...rest] = input.split('/');
    if (rest.length > 0) throw new IpRangeError(input, 'more than one "/"');
    const base = parseIpv4(address.trim(), input);
    if (!/^\d{1,2}$/.test(prefixText.trim()) || Number(prefixText) > 32) {
      throw new IpRangeError(input, 'prefix length is not 0-32');
    }
    const prefix = Number(prefixText);
    const size = 2 ** (32 - prefix);
    // Host bits set in the base ("10.0.0.5/24") usually mean a typo; refuse rather than guess.
    if (base % size !== 0) {
      throw new IpRangeError(
        input,
        `host bits are set; did you mean ${ipToString(base - (base % size))}/${prefix}?`,
      );
    }
    first = base;
    last = base + size - 1;
  } else if (input.includes('-')) {
    const [from = '', to = '', ...rest] = input.split('-');
    if (rest.length > 0) throw new IpRangeError(input, 'more than one "-"');
    first = parseIpv4(from.trim(), input);
    last = parseIpv4(to.trim(), input);
    if (first > last) throw new IpRangeError(input, 'from is after to');
  } else {
    first = parseIpv4(input, input);
    last = first;
  }
  const count = last - first + 1;
  if (count > MAX_ADDRESSES_PER_RANGE) {
    throw new IpRangeError(
      input,
      `covers ${count} addresses; at most ${MAX_ADDRESSES_PER_RANGE} are allowed per entry`,
    );
  }
  return { first, last, count };
}

/** Yields every address of the range in ascending order as a dotted string. */
export function* expandIpRange(range: string | IpRange): Generator<string, void, undefined> {
  const { first, last } = typeof range === 'string' ? parseIpRange(range) : range;
  for (let n = first; n <= last; n++) yield ipToString(n);
}
