// A small stand-in for the Plotmeter ingest endpoints (enroll, config, reports) for collector
// tests. It is strict where the real server is: every config/report request must carry a valid
// HMAC signature (checked with the protocol package's verifySignature), a fresh nonce, a gzip body
// that decompresses and validates against Report v1. Accepted reports are recorded once per
// reportId; repeats answer duplicate: true. It can be switched to "unavailable" (503 + Retry-After)
// or closed entirely to simulate outages.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  DEFAULT_COLLECTOR_CONFIG,
  collectorConfigSchema,
  collectorHealthBodySchema,
  parseSignatureHeaders,
  reportV1Schema,
  verifySignature,
  type CollectorConfigInput,
  type CollectorConfig,
} from '@plotmeter/protocol';
import { close, listen } from '../../../simulator/src/http-server';

export interface ReceivedReport {
  reportId: string;
  body: Record<string, unknown> & { printers: Array<Record<string, unknown>> };
  compressedBytes: number;
}

export interface IngestServerOptions {
  tls?: { key: string; cert: string };
  config?: CollectorConfigInput;
  host?: string;
}

export class TestIngestServer {
  readonly reports = new Map<string, ReceivedReport>();
  readonly requests: Array<{ method: string; path: string; status: number }> = [];
  readonly tokens = new Set<string>();
  /** Bodies of POST /ingest/v1/collector-health (cycles without a report), validated. */
  readonly healthPosts: Array<Record<string, unknown>> = [];
  config: CollectorConfig;
  unavailable: { status: number; retryAfterSeconds: number } | null = null;
  /** Answer this many coming report uploads with 422, as for a batch the server can never accept. */
  rejectReports = 0;
  private readonly keys = new Map<string, string>();
  private readonly nonces = new Set<string>();
  private server: http.Server | https.Server | null = null;
  port = 0;

  constructor(private readonly opts: IngestServerOptions = {}) {
    this.config = collectorConfigSchema.parse(opts.config ?? {});
  }

  get url(): string {
    return `${this.opts.tls ? 'https' : 'http'}://${this.opts.host ?? '127.0.0.1'}:${this.port}`;
  }

  issueToken(): string {
    // Shaped like the portal's enrollment tokens (src/lib/ids.ts randomToken: a prefix, then base64url):
    // a bare base64url token starts with '-' one time in 64, which the CLI reads as an option.
    const token = `pme_${randomBytes(24).toString('base64url')}`;
    this.tokens.add(token);
    return token;
  }

  setConfig(input: CollectorConfigInput): void {
    this.config = collectorConfigSchema.parse(input);
  }

  async start(port = this.port): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = this.opts.tls
      ? https.createServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, handler)
      : http.createServer(handler);
    await listen(this.server, port, this.opts.host ?? '127.0.0.1');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await close(s);
  }

  /** Every printer entry received, in arrival order. */
  printers(): Array<Record<string, unknown>> {
    return [...this.reports.values()].flatMap((r) => r.body.printers);
  }

  private send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    type = 'application/json',
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, { 'content-type': type, ...headers });
    res.end(JSON.stringify(body));
  }

  private problem(
    res: http.ServerResponse,
    status: number,
    title: string,
    detail: string,
    errors: Array<{ path: string; message: string }> = [],
  ) {
    this.send(
      res,
      status,
      { type: 'about:blank', title, status, detail, errors },
      'application/problem+json',
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const record = (status: number) => this.requests.push({ method, path, status });
    if (this.unavailable) {
      record(this.unavailable.status);
      res.writeHead(this.unavailable.status, {
        'retry-after': String(this.unavailable.retryAfterSeconds),
        'content-type': 'application/problem+json',
      });
      res.end(JSON.stringify({ title: 'unavailable', status: this.unavailable.status }));
      return;
    }
    if (method === 'POST' && path === '/ingest/v1/enroll') {
      const input = JSON.parse(body.toString('utf8') || '{}') as { token?: string };
      if (!input.token || !this.tokens.has(input.token)) {
        record(401);
        return this.problem(res, 401, 'Enrollment refused', 'token unknown, already used or expired');
      }
      this.tokens.delete(input.token);
      const keyId = `key_${randomUUID()}`;
      const secret = randomBytes(32).toString('base64url');
      this.keys.set(keyId, secret);
      record(200);
      return this.send(res, 200, { collectorId: randomUUID(), keyId, secret, config: this.config });
    }
    // Everything else is signed.
    const headers = parseSignatureHeaders(req.headers);
    if (!headers.ok) {
      record(401);
      return this.problem(res, 401, 'Unauthorized', headers.message);
    }
    const secret = this.keys.get(headers.keyId);
    if (!secret) {
      record(401);
      return this.problem(res, 401, 'Unauthorized', 'unknown key');
    }
    const verified = verifySignature({ secret, method, pathWithQuery: path, body, headers });
    if (!verified.ok) {
      record(401);
      return this.problem(res, 401, 'Unauthorized', verified.message);
    }
    const nonceKey = `${headers.keyId}:${headers.nonce}`;
    if (this.nonces.has(nonceKey)) {
      record(401);
      return this.problem(res, 401, 'Unauthorized', 'nonce replayed');
    }
    this.nonces.add(nonceKey);
    if (method === 'GET' && path === '/ingest/v1/config') {
      record(200);
      return this.send(res, 200, this.config);
    }
    if (method === 'POST' && path === '/ingest/v1/collector-health') {
      const parsed = collectorHealthBodySchema.safeParse(JSON.parse(body.toString('utf8') || 'null'));
      if (!parsed.success) {
        record(400);
        return this.problem(res, 400, 'Invalid health', parsed.error.message);
      }
      this.healthPosts.push(parsed.data.collector);
      record(204);
      res.writeHead(204);
      res.end();
      return;
    }
    if (method === 'POST' && path === '/ingest/v1/reports') {
      if (req.headers['content-encoding'] !== 'gzip') {
        record(415);
        return this.problem(res, 415, 'Unsupported encoding', 'expected gzip');
      }
      let json: unknown;
      try {
        json = JSON.parse(gunzipSync(body).toString('utf8'));
      } catch (err) {
        record(400);
        return this.problem(res, 400, 'Bad body', (err as Error).message);
      }
      if (this.rejectReports > 0) {
        this.rejectReports--;
        record(422);
        return this.problem(res, 422, 'Invalid report', 'rejected by test', [
          { path: 'printers.0.device.serialNumber', message: 'test rejection' },
        ]);
      }
      const parsed = reportV1Schema.safeParse(json);
      if (!parsed.success) {
        record(422);
        return this.problem(
          res,
          422,
          'Invalid report',
          'Report v1 validation failed',
          parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      }
      const reportId = parsed.data.reportId;
      const duplicate = this.reports.has(reportId);
      if (!duplicate) {
        this.reports.set(reportId, {
          reportId,
          body: json as ReceivedReport['body'],
          compressedBytes: body.length,
        });
      }
      record(202);
      return this.send(res, 202, { receiptId: randomUUID(), duplicate });
    }
    record(404);
    return this.problem(res, 404, 'Not found', path);
  }
}

export { DEFAULT_COLLECTOR_CONFIG };
