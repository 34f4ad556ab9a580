import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COLLECTOR_CONFIG,
  collectorConfigSchema,
  enrollRequestSchema,
  enrollResponseSchema,
  formatZodIssues,
} from '@plotmeter/protocol';

function errorsOf(input: unknown) {
  const result = collectorConfigSchema.safeParse(input);
  return result.success ? [] : formatZodIssues(result.error);
}

describe('collectorConfigSchema', () => {
  it('fills every default from an empty object', () => {
    expect(collectorConfigSchema.parse({})).toEqual({
      ipRanges: [],
      pollIntervalMinutes: 180,
      proxy: null,
      supportedModels: ['DesignJet', 'PageWide XL'],
      ports: { ipp: 631, snmp: 161, http: 80, https: 443 },
      snmpCommunity: 'public',
      legacyTlsHosts: [],
    });
    expect(DEFAULT_COLLECTOR_CONFIG).toEqual(collectorConfigSchema.parse({}));
  });

  it('keeps given values and fills missing ports individually', () => {
    const config = collectorConfigSchema.parse({
      ipRanges: ['10.0.0.0/22', '192.168.5.10-192.168.5.50'],
      pollIntervalMinutes: 30,
      proxy: { url: 'http://proxy.example.com:3128', username: 'svc' },
      ports: { https: 8443 },
      legacyTlsHosts: ['10.0.0.17'],
    });
    expect(config.ports).toEqual({ ipp: 631, snmp: 161, http: 80, https: 8443 });
    expect(config.proxy).toEqual({ url: 'http://proxy.example.com:3128', username: 'svc' });
    expect(config.ipRanges).toHaveLength(2);
  });

  it('rejects an invalid IP range with the parser message at its index', () => {
    expect(errorsOf({ ipRanges: ['10.0.0.0/24', '10.0.0.300/24'] })).toEqual([
      { path: 'ipRanges.1', message: '10.0.0.300/24: octet 4 is not 0-255' },
    ]);
  });

  it('rejects more than 64 ranges and oversized ranges', () => {
    expect(
      errorsOf({ ipRanges: Array.from({ length: 65 }, (_, i) => `10.0.${i}.0/24`) }).map((e) => e.path),
    ).toEqual(['ipRanges']);
    expect(errorsOf({ ipRanges: ['10.0.0.0/8'] })[0]!.message).toContain('at most 65536');
  });

  it.each([29, 1441, 60.5, '180'])('rejects pollIntervalMinutes %j', (value) => {
    expect(errorsOf({ pollIntervalMinutes: value }).map((e) => e.path)).toEqual(['pollIntervalMinutes']);
  });

  it('accepts the interval bounds 30 and 1440', () => {
    expect(errorsOf({ pollIntervalMinutes: 30 })).toEqual([]);
    expect(errorsOf({ pollIntervalMinutes: 1440 })).toEqual([]);
  });

  it('rejects a non-http proxy URL and bad ports', () => {
    expect(errorsOf({ proxy: { url: 'socks5://proxy:1080' } }).map((e) => e.path)).toEqual(['proxy.url']);
    expect(
      errorsOf({ ports: { snmp: 0, ipp: 70000 } })
        .map((e) => e.path)
        .sort(),
    ).toEqual(['ports.ipp', 'ports.snmp']);
  });
});

describe('enrollment bodies', () => {
  it('accepts a well-formed enroll request and rejects a short token', () => {
    expect(
      enrollRequestSchema.safeParse({
        token: 'pmenr_3k9vQ2xY7LmN4pRs',
        hostname: 'collector-01',
        version: '0.1.0',
      }).success,
    ).toBe(true);
    const result = enrollRequestSchema.safeParse({ token: 'short', hostname: 'h', version: '1' });
    expect(result.success).toBe(false);
    expect(formatZodIssues(result.error!)).toEqual([
      { path: 'token', message: 'expected at least 16 characters, got 5 characters' },
    ]);
  });

  it('requires hostname and version', () => {
    const result = enrollRequestSchema.safeParse({ token: 'x'.repeat(16) });
    expect(formatZodIssues(result.error!).map((e) => e.path)).toEqual(['hostname', 'version']);
  });

  it('parses an enroll response and applies config defaults', () => {
    const response = enrollResponseSchema.parse({
      collectorId: 'col_1',
      keyId: 'key_1',
      secret: 's'.repeat(43),
      config: { ipRanges: ['10.0.0.0/24'] },
    });
    expect(response.config.pollIntervalMinutes).toBe(180);
  });
});
