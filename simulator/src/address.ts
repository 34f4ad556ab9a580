// IPv4 helpers for placing simulated LAN printers on consecutive loopback addresses (Linux routes all
// of 127.0.0.0/8 to the loopback interface, so 127.0.1.1, 127.0.1.2, ... need no setup).

export function ipv4ToInt(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new RangeError(`"${address}" is not an IPv4 address`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** `count` consecutive addresses from `base`. */
export function consecutiveAddresses(base: string, count: number): string[] {
  const start = ipv4ToInt(base);
  if (start + count - 1 > 0xffffffff)
    throw new RangeError(`${count} addresses from ${base} run past 255.255.255.255`);
  return Array.from({ length: count }, (_v, i) => intToIpv4(start + i));
}
