// Outgoing requests on behalf of a tenant (webhook deliveries) must not reach the server's own network:
// a reseller could otherwise register http://127.0.0.1:6379 or the cloud metadata address and make
// Plotmeter talk to them (SSRF). The check runs on the addresses the connection actually uses (a DNS
// lookup hook), so a name that resolves differently between a check and the connect cannot slip by.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo: a tunnel whose far end is some IPv4 host, never an integrator's endpoint
  ['2001:db8::', 32], // documentation
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/**
 * IPv6 prefixes that carry an IPv4 address, and where it sits (byte offset into the 16 bytes). Such an
 * address reaches the IPv4 host (the kernel for mapped/compatible, a NAT64 or 6to4 gateway otherwise),
 * so it is exactly as public as that IPv4 address: [::7f00:1] or [64:ff9b::7f00:1] is 127.0.0.1.
 */
const IPV4_CARRIERS: ReadonlyArray<{ prefix: number[]; at: number }> = [
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], at: 12 }, // ::ffff:0:0/96 mapped
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], at: 12 }, // ::/96 compatible (deprecated)
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0], at: 12 }, // ::ffff:0:0:0/96 SIIT translated
  { prefix: [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], at: 12 }, // 64:ff9b::/96 NAT64 well-known
  { prefix: [0, 0x64, 0xff, 0x9b, 0, 1], at: 12 }, // 64:ff9b:1::/48 NAT64 local use (RFC 8215)
  { prefix: [0x20, 0x02], at: 2 }, // 2002::/16 6to4
];

/** The 16 bytes of an IPv6 address (any textual form, including a trailing dotted IPv4), or null. */
function ipv6Bytes(address: string): number[] | null {
  let text = address.split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (all.length !== 8) return null;
  return all.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

/** Whether an address is on the public internet (not loopback, private, link-local, multicast, ...). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family === 6) {
    if (blocked.check(address, 'ipv6')) return false;
    const bytes = ipv6Bytes(address);
    if (!bytes) return false;
    for (const { prefix, at } of IPV4_CARRIERS) {
      if (prefix.every((byte, i) => bytes[i] === byte))
        return isPublicAddress(bytes.slice(at, at + 4).join('.'));
    }
    return true;
  }
  return false;
}

/**
 * Names that mean this machine whatever DNS says: localhost and its subdomains (RFC 6761), in any case
 * and with trailing dots (`localhost.` is the same name, fully qualified).
 */
export function isLocalHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
}

/** A dns.lookup replacement for sockets that refuses non-public addresses. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad) {
      return callback(
        new BlockedAddressError(`${hostname} resolves to ${bad.address}, which is not a public address`),
        '',
        0,
      );
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};
