// The collector's only connection to the outside: HTTPS to the Plotmeter server — enroll, read the
// configuration, rotate the credential, post report batches. The server's certificate is always
// verified, against the system roots or the configured CA file; there is no switch to turn
// verification off. Plain HTTP is refused unless the portal is on this machine (loopback) or the
// operator asked for it by name at enrollment (--insecure-allow-http): the enrollment token and the
// issued secret would otherwise cross the network in clear text. Signed requests use the protocol
// package's signRequest.
import { isIP } from 'node:net';
import {
  COLLECTOR_PATHS,
  CREDENTIAL_EXPIRES_HEADER,
  CREDENTIAL_ROTATE_HEADER,
  PROBLEM_CONTENT_TYPE,
  collectorConfigSchema,
  rotateCredentialResponseSchema,
  enrollResponseSchema,
  signRequest,
  type CollectorConfig,
  type EnrollRequest,
  type CollectorHealthV1,
  type EnrollResponse,
  type ProxyConfig,
  type RotateCredentialResponse,
} from '@plotmeter/protocol';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { resolveProxy } from './proxy';

export const PATHS = {
  enroll: '/ingest/v1/enroll',
  config: '/ingest/v1/config',
  reports: '/ingest/v1/reports',
  ...COLLECTOR_PATHS,
} as const;

/** The portal asked for a new secret; the current one works until expiresAt (null: unknown). */
export interface RotationRequest {
  expiresAt: Date | null;
}

/** The enroll flag that permits a plain-http portal off this machine; named loudly on purpose. */
export const INSECURE_HTTP_FLAG = '--insecure-allow-http';

export interface PortalClientOptions {
  serverUrl: string;
  /** Plain http:// to a portal that is not on loopback (set by enroll --insecure-allow-http). */
  allowInsecureHttp?: boolean;
  /** PEM CA bundle; null = the system's trusted roots. */
  ca: string | null;
  proxy: ProxyConfig | null;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface SigningKey {
  keyId: string;
  secret: string;
}

export type UploadOutcome =
  | { kind: 'accepted'; receiptId: string; duplicate: boolean }
  /** 4xx other than 408/429: this batch will never be accepted as it is. */
  | { kind: 'rejected'; status: number; detail: string }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null };

/** A failure to talk to the portal at all, with an operator-readable reason. */
export class PortalError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
]);

function describeNetworkError(err: unknown, serverUrl: string, proxyUri: string | null): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  const code = e.cause?.code ?? e.code;
  const text = `${e.message ?? ''} ${e.cause?.message ?? ''}`;
  // undici reports a proxy's refusal of the tunnel as "Proxy response (407) !== 200 ..."
  const proxyStatus = /Proxy response \((\d{3})\)|Proxy Authentication Required \((\d{3})\)/.exec(text);
  if (proxyUri !== null && proxyStatus) {
    const status = proxyStatus[1] ?? proxyStatus[2];
    if (status === '407') {
      return `the proxy ${proxyUri} refused the collector's proxy credentials (HTTP 407 Proxy Authentication Required): check the user name and password in the portal's proxy setting or in HTTPS_PROXY (http://user:password@host:port); a proxy that only accepts NTLM or Kerberos needs a local relay such as cntlm or px (docs/collector.md, "Proxy")`;
    }
    return `the proxy ${proxyUri} would not connect to ${serverUrl} (HTTP ${status}); ask the customer's IT to allow HTTPS to the portal`;
  }
  if (proxyUri !== null && (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')) {
    return `proxy unreachable: ${proxyUri} (${code}); check the proxy address in the portal's proxy setting or HTTPS_PROXY`;
  }
  if (code !== undefined && TLS_CODES.has(code)) {
    return `the TLS certificate of ${serverUrl} is not trusted (${code}); if the portal uses a private CA, pass --ca-file with that CA`;
  }
  if (code === 'ECONNREFUSED') return `server unreachable: ${serverUrl} refused the connection`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `server unreachable: cannot resolve the host of ${serverUrl}`;
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return `server unreachable: ${serverUrl} did not answer in time`;
  }
  return `server unreachable: ${serverUrl}: ${e.cause?.message ?? e.message ?? String(err)}${code ? ` (${code})` : ''}`;
}

/** localhost, 127.0.0.0/8 and ::1: traffic to them never leaves this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/**
 * The portal URL, if the collector may talk to it: https://, or http:// on loopback, or http://
 * anywhere when the operator passed INSECURE_HTTP_FLAG. Throws PortalError saying why not.
 */
export function checkPortalUrl(serverUrl: string, allowInsecureHttp = false): URL {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new PortalError(
      `"${serverUrl}" is not a URL; expected e.g. https://portal.example.com`,
      null,
      false,
    );
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:')
    throw new PortalError(`the portal URL must start with https:// (got ${serverUrl})`, null, false);
  if (isLoopbackHost(url.hostname) || allowInsecureHttp) return url;
  throw new PortalError(
    `refusing ${url.origin}: plain http:// would send the enrollment token, the collector's secret and the ` +
      `printer data in clear text. Use the portal's https:// address (with --ca-file for a private CA); ` +
      `only for a test portal without TLS, enroll with ${INSECURE_HTTP_FLAG}`,
    null,
    false,
  );
}

/** Retry-After as delta-seconds or HTTP-date, in milliseconds; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

async function problemDetail(
  body: Dispatcher.ResponseData['body'],
  contentType: string | undefined,
): Promise<string> {
  const text = await body.text().catch(() => '');
  if ((contentType ?? '').includes('json')) {
    try {
      const p = JSON.parse(text) as {
        title?: string;
        detail?: string;
        errors?: Array<{ path: string; message: string }>;
      };
      const errors = (p.errors ?? []).slice(0, 5).map((e) => `${e.path}: ${e.message}`);
      return [p.title, p.detail, ...errors].filter(Boolean).join('; ') || text.slice(0, 500);
    } catch {
      /* fall through */
    }
  }
  return text.slice(0, 500);
}

export class PortalClient {
  private readonly dispatcher: Dispatcher;
  private readonly base: URL;
  readonly proxyDescription: string;
  /** The proxy towards the portal (without credentials), or null when connecting directly. */
  readonly proxyUri: string | null;

  constructor(private readonly opts: PortalClientOptions) {
    this.base = checkPortalUrl(opts.serverUrl, opts.allowInsecureHttp);
    // rejectUnauthorized is set explicitly so that NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch
    // verification off behind the operator's back.
    const tls = { rejectUnauthorized: true, ...(opts.ca !== null ? { ca: opts.ca } : {}) };
    const timeout = opts.timeoutMs ?? 30_000;
    const proxy = resolveProxy(this.base, opts.proxy, opts.env ?? process.env);
    if (proxy) {
      this.dispatcher = new ProxyAgent({
        uri: proxy.uri,
        ...(proxy.authorization ? { token: proxy.authorization } : {}),
        requestTls: tls,
        connectTimeout: timeout,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      this.proxyDescription = `via ${proxy.source} proxy ${proxy.uri}`;
      this.proxyUri = proxy.uri;
    } else {
      this.dispatcher = new Agent({
        connect: { ...tls, timeout },
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      this.proxyDescription = 'direct';
      this.proxyUri = null;
    }
  }

  private url(path: string): string {
    return new URL(path, this.base).toString();
  }

  private async send(method: 'GET' | 'POST', path: string, body: Buffer, headers: Record<string, string>) {
    try {
      return await request(this.url(path), {
        method,
        body: method === 'GET' ? undefined : body,
        headers,
        dispatcher: this.dispatcher,
      });
    } catch (err) {
      throw new PortalError(describeNetworkError(err, this.opts.serverUrl, this.proxyUri), null, true);
    }
  }

  async enroll(input: EnrollRequest): Promise<EnrollResponse> {
    const body = Buffer.from(JSON.stringify(input), 'utf8');
    const res = await this.send('POST', PATHS.enroll, body, { 'content-type': 'application/json' });
    if (res.statusCode !== 200) {
      const detail = await problemDetail(res.body, res.headers['content-type'] as string | undefined);
      if (res.statusCode === 401 || res.statusCode === 403) {
        throw new PortalError(
          `enrollment token rejected by the server: ${detail || 'unauthorized'}`,
          res.statusCode,
          false,
        );
      }
      throw new PortalError(
        `enrollment failed: HTTP ${res.statusCode} ${detail}`,
        res.statusCode,
        res.statusCode >= 500,
      );
    }
    const parsed = enrollResponseSchema.safeParse(await res.body.json().catch(() => null));
    if (!parsed.success)
      throw new PortalError(
        'enrollment answer from the server is not a valid enrollment response',
        200,
        false,
      );
    return parsed.data;
  }

  async getConfig(key: SigningKey): Promise<CollectorConfig> {
    return (await this.getConfigAndRotation(key)).config;
  }

  /** The configuration, and whether the portal wants this collector to rotate its credential. */
  async getConfigAndRotation(
    key: SigningKey,
  ): Promise<{ config: CollectorConfig; rotation: RotationRequest | null }> {
    const headers = signRequest({
      ...key,
      method: 'GET',
      pathWithQuery: PATHS.config,
      body: Buffer.alloc(0),
    });
    const res = await this.send('GET', PATHS.config, Buffer.alloc(0), {
      ...headers,
      accept: 'application/json',
    });
    if (res.statusCode !== 200) {
      const detail = await problemDetail(res.body, res.headers['content-type'] as string | undefined);
      const transient = res.statusCode >= 500 || res.statusCode === 429 || res.statusCode === 408;
      const hint =
        res.statusCode === 401
          ? ' (the collector credential is not accepted; was it revoked? enroll again)'
          : '';
      throw new PortalError(
        `GET ${PATHS.config}: HTTP ${res.statusCode} ${detail}${hint}`,
        res.statusCode,
        transient,
      );
    }
    const parsed = collectorConfigSchema.safeParse(await res.body.json().catch(() => null));
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new PortalError(
        `configuration from the server is invalid: ${first?.path.join('.')}: ${first?.message}`,
        200,
        false,
      );
    }
    const expires = Date.parse(String(res.headers[CREDENTIAL_EXPIRES_HEADER] ?? ''));
    const rotation =
      res.headers[CREDENTIAL_ROTATE_HEADER] === 'required'
        ? { expiresAt: Number.isNaN(expires) ? null : new Date(expires) }
        : null;
    return { config: parsed.data, rotation };
  }

  /** Exchanges the signing key for a new credential (the portal asked for it at the config fetch). */
  async rotateCredential(key: SigningKey): Promise<RotateCredentialResponse> {
    const path = PATHS.rotateCredential;
    const headers = signRequest({ ...key, method: 'POST', pathWithQuery: path, body: Buffer.alloc(0) });
    const res = await this.send('POST', path, Buffer.alloc(0), { ...headers, accept: 'application/json' });
    if (res.statusCode !== 200) {
      const detail = await problemDetail(res.body, res.headers['content-type'] as string | undefined);
      throw new PortalError(
        `POST ${path}: HTTP ${res.statusCode} ${detail}`,
        res.statusCode,
        res.statusCode >= 500 || res.statusCode === 429 || res.statusCode === 408,
      );
    }
    const parsed = rotateCredentialResponseSchema.safeParse(await res.body.json().catch(() => null));
    if (!parsed.success)
      throw new PortalError('credential rotation answer from the server is not valid', 200, false);
    return parsed.data;
  }

  /** Sends the collector's health on its own, for a cycle that uploaded no report to carry it. */
  async postHealth(key: SigningKey, health: CollectorHealthV1): Promise<void> {
    const path = PATHS.health;
    const body = Buffer.from(JSON.stringify({ schemaVersion: 1, collector: health }), 'utf8');
    const headers = signRequest({ ...key, method: 'POST', pathWithQuery: path, body });
    const res = await this.send('POST', path, body, {
      ...headers,
      'content-type': 'application/json',
      accept: `application/json, ${PROBLEM_CONTENT_TYPE}`,
    });
    if (res.statusCode !== 204 && res.statusCode !== 200) {
      const detail = await problemDetail(res.body, res.headers['content-type'] as string | undefined);
      throw new PortalError(
        `POST ${path}: HTTP ${res.statusCode} ${detail}`,
        res.statusCode,
        res.statusCode >= 500 || res.statusCode === 429,
      );
    }
    await res.body.dump();
  }

  async postReport(key: SigningKey, gzBody: Buffer): Promise<UploadOutcome> {
    const headers = signRequest({ ...key, method: 'POST', pathWithQuery: PATHS.reports, body: gzBody });
    let res: Dispatcher.ResponseData;
    try {
      res = await this.send('POST', PATHS.reports, gzBody, {
        ...headers,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        accept: `application/json, ${PROBLEM_CONTENT_TYPE}`,
      });
    } catch (err) {
      return { kind: 'retry', reason: (err as Error).message, retryAfterMs: null };
    }
    const status = res.statusCode;
    if (status === 202 || status === 200) {
      const body = (await res.body.json().catch(() => ({}))) as { receiptId?: unknown; duplicate?: unknown };
      return {
        kind: 'accepted',
        receiptId: String(body.receiptId ?? ''),
        duplicate: body.duplicate === true,
      };
    }
    const detail = await problemDetail(res.body, res.headers['content-type'] as string | undefined);
    if (status === 408 || status === 429 || status >= 500) {
      return {
        kind: 'retry',
        reason: `HTTP ${status} ${detail}`.trim(),
        retryAfterMs: parseRetryAfter(res.headers['retry-after']),
      };
    }
    // A 401 is about the credential, not the batch: keep the batch and retry after the operator fixes it.
    if (status === 401)
      return { kind: 'retry', reason: `HTTP 401 credential refused: ${detail}`, retryAfterMs: null };
    return { kind: 'rejected', status, detail: `HTTP ${status} ${detail}`.trim() };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
