// Process configuration: read from the environment once, validated with zod, frozen. A bad value stops
// the start with one line naming the variable and what is wrong (see formatConfigError).
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const urlWithProtocol = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const retentionDays = z.coerce
  .number({ message: 'must be a number of days' })
  .int('must be a whole number of days')
  .min(31, 'must be 31-36500 days')
  .max(36_500, 'must be 31-36500 days')
  .optional();

export const configSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'production', 'test'], { message: 'must be development, production or test' })
      .default('development'),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    DATABASE_URL: urlWithProtocol(['postgres:', 'postgresql:']).default(
      'postgres://postgres@127.0.0.1:5432/plotmeter',
    ),
    REDIS_URL: urlWithProtocol(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    /** Prefix of every Redis key (BullMQ queues, nonces, rate limits, pub/sub topics). The braces make it a
     * Redis Cluster hash tag so one deployment's queue keys land on one slot. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_{}.-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 : _ { } . -')
      .default('{plotmeter}'),
    /** true: REDIS_URL names one node of a Redis Cluster; the others are discovered from it. */
    REDIS_CLUSTER: booleanFlag.default(false),
    PORT: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(0)
      .max(65535, 'must be 0-65535')
      .default(4000),
    HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    PLOTMETER_SECRET_KEY: z
      .string()
      .refine((v) => Buffer.byteLength(v, 'utf8') >= 32, { message: 'must be at least 32 bytes long' })
      .optional(),
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    /** Fastify trustProxy: true, false, a hop count, or a comma-separated list of addresses/CIDRs. */
    TRUST_PROXY: z.string().default('false'),
    /** How long a looked-up device credential is used without reading it again (a change made in the
     * database outside the portal, which announces its own, shows within this time). */
    DEVICE_CREDENTIAL_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
    /** How long graceful shutdown may take before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    /** How long a worker holds a job before another may take it over (a killed worker's job is retried
     * after this). */
    WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    /** Report batches (transactions) a worker process persists at a time; other queues derive theirs. */
    WORKER_CONCURRENCY: z.coerce.number({ message: 'must be a number' }).int().min(1).max(256).default(4),
    /** Contracts a close-period run closes at once, each on its own database connection. */
    BILLING_CLOSE_CONCURRENCY: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be 1-16')
      .max(16, 'must be 1-16')
      .default(2),
    /** At most this many reports share one transaction (src/jobs/report-batch.ts). 1 = one per report. */
    WORKER_BATCH_SIZE: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be 1-500')
      .max(500, 'must be 1-500')
      .default(50),
    /** Comma-separated model families the ingest accepts from collectors (case-insensitive prefixes). */
    SUPPORTED_MODELS: z.string().default('DesignJet,PageWide XL'),
    INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    /** What a 202 survives: `process` (Redis or any process killed; Redis with appendfsync everysec) or
     * `fsync` (also a host crash: 202 only from a Redis with appendfsync always; src/ingest/durability.ts). */
    INGEST_DURABILITY: z
      .enum(['process', 'fsync'], { message: 'must be process or fsync' })
      .default('process'),
    /** Ingest processes `serve --roles ingest` runs on this host, sharing its port (src/cli/ingest-cluster.ts). */
    INGEST_PROCESSES: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be 1-64')
      .max(64, 'must be 1-64')
      .default(1),
    /** Slow or hostile peers (docs/reliability.md#slow-or-hostile-peers): a connection must deliver a
     * request's headers within HTTP_HEADERS_TIMEOUT_MS (slowloris) and the whole request, body included,
     * within HTTP_REQUEST_TIMEOUT_MS; otherwise the server answers 408 and closes it. */
    HTTP_HEADERS_TIMEOUT_MS: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1000, 'must be 1000-600000')
      .max(600_000, 'must be 1000-600000')
      .default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1000, 'must be 1000-3600000')
      .max(3_600_000, 'must be 1000-3600000')
      .default(60_000),
    /** A GraphQL WebSocket whose client does not read what it is sent is closed once this many bytes
     * wait in the server's send buffer (memory per socket stays bounded). */
    WS_MAX_BUFFERED_BYTES: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(16_384, 'must be 16384-268435456')
      .max(256 * 1024 * 1024, 'must be 16384-268435456')
      .default(1024 * 1024),
    /** A separate plain-HTTP listener for /metrics only (src/http/metrics.routes.ts); 0 picks a free port. */
    METRICS_PORT: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(0, 'must be 0-65535')
      .max(65535, 'must be 0-65535')
      .optional(),
    METRICS_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    /** Bearer token Prometheus must send for /metrics (then also served on the main port). */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    GRAPHQL_INTROSPECTION: booleanFlag.optional(),
    // OpenTelemetry tracing (src/observability/tracing.ts, docs/operations.md): off unless an exporter or
    // an OTLP endpoint is set. The standard variables; the OTLP exporter also reads its own
    // (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT ...) and the SDK OTEL_TRACES_SAMPLER(_ARG) and OTEL_BSP_*.
    OTEL_SDK_DISABLED: booleanFlag.default(false),
    OTEL_TRACES_EXPORTER: z
      .enum(['otlp', 'console', 'none'], { message: 'must be otlp, console or none' })
      .optional(),
    /** OTLP/HTTP base URL; traces go to <endpoint>/v1/traces. */
    OTEL_EXPORTER_OTLP_ENDPOINT: urlWithProtocol(['http:', 'https:']).optional(),
    /** OTLP/HTTP traces URL, used as it is (overrides OTEL_EXPORTER_OTLP_ENDPOINT). */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: urlWithProtocol(['http:', 'https:']).optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z
      .enum(['http/json'], { message: 'must be http/json (the OTLP encoding this server sends)' })
      .optional(),
    OTEL_SERVICE_NAME: z.string().min(1, 'must not be empty').default('plotmeter'),
    /** Let webhook deliveries reach loopback and private networks (default: only outside production). */
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: booleanFlag.optional(),
    /** Outgoing mail server (docs/notifications.md#e-mail): smtp://user:pass@host:587 (STARTTLS when
     * offered) or smtps://host:465 (TLS from the start). Unset: e-mail is off; mails are recorded and fail. */
    SMTP_URL: urlWithProtocol(['smtp:', 'smtps:']).optional(),
    /** The From of every mail, an address or "Name <address>". */
    SMTP_FROM: z
      .string()
      .regex(
        /^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/,
        'must be an address or "Name <address>"',
      )
      .default('Plotmeter <plotmeter@localhost>'),
    /** false accepts a mail server's self-signed or otherwise unverifiable certificate (not in production). */
    SMTP_TLS_REJECT_UNAUTHORIZED: booleanFlag.default(true),
    /** true refuses to send over smtp:// unless the server upgrades the connection with STARTTLS. */
    SMTP_REQUIRE_TLS: booleanFlag.default(false),
    /** Seconds to wait for the mail server to connect, greet and answer each command. */
    SMTP_TIMEOUT_SECONDS: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be 1-600')
      .max(600, 'must be 1-600')
      .default(30),
    /** Retention (src/services/data-retention.ts): keep jobs, usage readings and archived raw reports
     * this many days, removed by whole UTC months and never what an open billing period needs. Unset:
     * kept for ever. At least 31 (raw reports: longer than the 30-day resend window of receipts). */
    RETENTION_JOBS_DAYS: retentionDays,
    RETENTION_READINGS_DAYS: retentionDays,
    RETENTION_RAW_REPORTS_DAYS: retentionDays,
    /** The address people reach this portal at, for links in mails (unsubscribe, alerts). */
    PUBLIC_URL: urlWithProtocol(['http:', 'https:']).optional(),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.HTTP_HEADERS_TIMEOUT_MS > cfg.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: `must not exceed HTTP_REQUEST_TIMEOUT_MS (${cfg.HTTP_REQUEST_TIMEOUT_MS})`,
      });
    }
    // Lua scripts, MULTI and BullMQ touch several keys at once; in a cluster they must share a slot,
    // which the hash tag in the prefix guarantees.
    if (cfg.REDIS_CLUSTER && !/\{[^{}]+\}/.test(cfg.REDIS_PREFIX)) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_PREFIX'],
        message: 'must contain a hash tag such as {plotmeter} when REDIS_CLUSTER is true',
      });
    }
    if (Boolean(cfg.TLS_CERT_FILE) !== Boolean(cfg.TLS_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: [cfg.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'],
        message: 'must be set together with ' + (cfg.TLS_CERT_FILE ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'),
      });
    }
  });

export type Config = Readonly<
  z.infer<typeof configSchema> & {
    trustProxy: boolean | number | string[];
    supportedModels: string[];
    introspection: boolean;
    webhookAllowPrivateNetworks: boolean;
    /** PUBLIC_URL without a trailing slash, or http://HOST:PORT. */
    publicUrl: string;
  }
>;

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: { requireSecretKey?: boolean } = {},
): Config {
  const parsed = configSchema.safeParse(pickDefined(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}`);
  }
  const cfg = parsed.data;
  // Only the server needs the key (device secrets, tokens); migrate and admin commands do not.
  if (options.requireSecretKey && !cfg.PLOTMETER_SECRET_KEY) {
    throw new ConfigError(
      'Invalid configuration: PLOTMETER_SECRET_KEY is required (32+ bytes; generate one with: openssl rand -base64 48)',
    );
  }
  return Object.freeze({
    ...cfg,
    trustProxy: parseTrustProxy(cfg.TRUST_PROXY),
    supportedModels: cfg.SUPPORTED_MODELS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    introspection: cfg.GRAPHQL_INTROSPECTION ?? cfg.NODE_ENV !== 'production',
    webhookAllowPrivateNetworks: cfg.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? cfg.NODE_ENV !== 'production',
    publicUrl: (cfg.PUBLIC_URL ?? `http://${cfg.HOST}:${cfg.PORT}`).replace(/\/+$/, ''),
  });
}

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Empty strings count as unset, so `FOO= node ...` falls back to the default rather than failing. */
function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
