import { describe, expect, it } from 'vitest';
import { IpRangeError, expandIpRange, ipToString, parseIpRange } from '@plotmeter/protocol';

function errorOf(input: string): string {
  try {
    parseIpRange(input);
  } catch (error) {
    expect(error).toBeInstanceOf(IpRangeError);
    return (error as Error).message;
  }
  throw new Error(`expected ${input} to be rejected`);
}

describe('parseIpRange', () => {
  it('parses a CIDR block into first, last and count', () => {
    expect(parseIpRange('10.0.0.0/22')).toEqual({ first: 0x0a000000, last: 0x0a0003ff, count: 1024 });
  });

  it('parses /32 and a single address as one host', () => {
    expect(parseIpRange('192.168.1.7/32')).toEqual({ first: 0xc0a80107, last: 0xc0a80107, count: 1 });
    expect(parseIpRange('192.168.1.7')).toEqual({ first: 0xc0a80107, last: 0xc0a80107, count: 1 });
  });

  it('parses an inclusive from-to range, tolerating spaces', () => {
    expect(parseIpRange('10.0.0.10-10.0.0.50')).toEqual({ first: 0x0a00000a, last: 0x0a000032, count: 41 });
    expect(parseIpRange(' 10.0.0.10 - 10.0.0.50 ')).toEqual(parseIpRange('10.0.0.10-10.0.0.50'));
  });

  it('handles addresses above 2^31 without sign problems', () => {
    expect(parseIpRange('255.255.255.0/24')).toEqual({ first: 0xffffff00, last: 0xffffffff, count: 256 });
  });

  it('spans octet boundaries in ranges', () => {
    expect(parseIpRange('10.0.0.250-10.0.1.5').count).toBe(12);
  });

  it('allows exactly 65,536 addresses and refuses more', () => {
    expect(parseIpRange('10.1.0.0/16').count).toBe(65_536);
    expect(errorOf('10.0.0.0/15')).toBe(
      '10.0.0.0/15: covers 131072 addresses; at most 65536 are allowed per entry',
    );
    expect(errorOf('10.0.0.0-10.1.0.0')).toContain('65537');
  });

  it.each([
    ['10.0.0.300/24', '10.0.0.300/24: octet 4 is not 0-255'],
    ['10.0.0.0-10.0.0.256', '10.0.0.0-10.0.0.256: octet 4 is not 0-255'],
    ['10.0.0.50-10.0.0.10', '10.0.0.50-10.0.0.10: from is after to'],
    ['10.0.0/24', '10.0.0/24: "10.0.0" is not an IPv4 address (expected 4 octets)'],
    ['10.0.0.0/33', '10.0.0.0/33: prefix length is not 0-32'],
    ['10.0.0.0/', '10.0.0.0/: prefix length is not 0-32'],
    ['10.0.0.5/24', '10.0.0.5/24: host bits are set; did you mean 10.0.0.0/24?'],
    ['010.0.0.1', '010.0.0.1: octet 1 is not 0-255'],
    ['10.0.-1.0', '10.0.-1.0: "10.0." is not an IPv4 address (expected 4 octets)'],
    ['printer.local', 'printer.local: "printer.local" is not an IPv4 address (expected 4 octets)'],
    ['', ': empty range'],
    ['10.0.0.0/24/8', '10.0.0.0/24/8: more than one "/"'],
  ])('rejects %j with a clear message', (input, message) => {
    expect(errorOf(input)).toBe(message);
  });
});

describe('ipToString and expandIpRange', () => {
  it('formats uint32 addresses', () => {
    expect(ipToString(0)).toBe('0.0.0.0');
    expect(ipToString(0xffffffff)).toBe('255.255.255.255');
    expect(ipToString(0xc0a80107)).toBe('192.168.1.7');
    expect(() => ipToString(2 ** 32)).toThrow(RangeError);
  });

  it('yields every address in order, lazily', () => {
    expect([...expandIpRange('10.0.0.254-10.0.1.1')]).toEqual([
      '10.0.0.254',
      '10.0.0.255',
      '10.0.1.0',
      '10.0.1.1',
    ]);
    const all = [...expandIpRange('172.16.0.0/30')];
    expect(all).toEqual(['172.16.0.0', '172.16.0.1', '172.16.0.2', '172.16.0.3']);
    const it = expandIpRange(parseIpRange('10.2.0.0/16'));
    expect(it.next().value).toBe('10.2.0.0');
  });
});
