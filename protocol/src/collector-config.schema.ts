// The configuration a collector receives at enrollment and from GET /ingest/v1/config: what to scan,
// how often, how to reach printers and the portal. Defaults make a minimal config ({}) usable.
import { z } from 'zod';
import { expecting, id, list, object, text } from './fields';
import { IpRangeError, parseIpRange } from './ip-range';
import { DEFAULT_SUPPORTED_MODELS } from './models';

export const MAX_IP_RANGES = 64;

const ipRange = () =>
  z
    .string({ error: expecting('an IPv4 CIDR ("10.0.0.0/22") or range ("10.0.0.10-10.0.0.50")') })
    .superRefine((value, ctx) => {
      try {
        parseIpRange(value);
      } catch (error) {
        if (!(error instanceof IpRangeError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
      }
    });

const port = (fallback: number) =>
  z
    .int({ error: expecting('a TCP/UDP port number 1-65535') })
    .min(1)
    .max(65535)
    .default(fallback);

const httpUrl = () =>
  z.url({ protocol: /^https?$/, error: expecting('an http:// or https:// URL') }).max(2048);

export const proxyConfigSchema = object({
  url: httpUrl(),
  username: text(255).nullish(),
  password: text(1024).nullish(),
});
export type ProxyConfig = z.infer<typeof proxyConfigSchema>;

export const collectorPortsSchema = object({
  ipp: port(631),
  snmp: port(161),
  http: port(80),
  https: port(443),
});

export const collectorConfigSchema = object({
  ipRanges: list(ipRange(), MAX_IP_RANGES).default([]),
  pollIntervalMinutes: z
    .int({ error: expecting('whole minutes from 30 to 1440') })
    .min(30)
    .max(1440)
    .default(180),
  /** Outbound HTTP(S) proxy towards the portal; null = connect directly. */
  proxy: proxyConfigSchema.nullable().default(null),
  /** Case-insensitive model families; see isSupportedModel. */
  supportedModels: list(id(64), 64).default([...DEFAULT_SUPPORTED_MODELS]),
  ports: collectorPortsSchema.prefault({}),
  snmpCommunity: id(255).default('public'),
  /** Printers (IP or host name) whose old firmware only speaks legacy TLS; relaxed for them alone. */
  legacyTlsHosts: list(id(255), 256).default([]),
});

export type CollectorConfig = z.infer<typeof collectorConfigSchema>;
export type CollectorConfigInput = z.input<typeof collectorConfigSchema>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** The configuration of a collector nobody has configured yet; frozen so no caller can alter it. */
export const DEFAULT_COLLECTOR_CONFIG: CollectorConfig = deepFreeze(collectorConfigSchema.parse({}));
