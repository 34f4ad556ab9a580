// HTTP(S) requests from the collector to printers on the LAN: GET for PIWS/LEDM documents, POST
// application/ipp for IPP. Every request has a hard timeout and a response size cap so that a
// misbehaving device cannot stall or exhaust the collector. TLS towards printers is configured here
// and only here, so the portal connection (uploader.ts) is never weakened by printer quirks.
import http from 'node:http';
import https from 'node:https';

export interface PrinterTlsOptions {
  /** PEM CA bundle that signs the printers' certificates; when set, certificates are verified. */
  ca: string | null;
  /** Hosts whose old firmware only speaks TLS 1.0/1.1 or legacy ciphers. */
  legacyTlsHosts: readonly string[];
  /**
   * Certificate fingerprints (SHA-256) pinned on first contact, keyed by host. Printers ship
   * self-signed certificates, so without a CA the collector trusts the first certificate it sees
   * and refuses data from a host whose certificate later changes.
   */
  pins: Map<string, string>;
}

export interface PrinterRequest {
  url: string;
  method?: 'GET' | 'POST';
  body?: Buffer;
  headers?: Record<string, string>;
  timeoutMs: number;
  tls: PrinterTlsOptions;
  /** Bytes; larger responses are aborted (default 8 MiB). */
  maxBytes?: number;
}

export interface PrinterResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class PrinterHttpError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly code: string,
  ) {
    super(`${message} (${url})`);
    this.name = 'PrinterHttpError';
  }
}

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export function printerRequest(req: PrinterRequest): Promise<PrinterResponse> {
  const url = new URL(req.url);
  const isHttps = url.protocol === 'https:';
  const host = url.hostname;
  const legacy = req.tls.legacyTlsHosts.includes(host);
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  const options: https.RequestOptions = {
    method: req.method ?? 'GET',
    headers: { 'user-agent': 'plotmeter-collector', accept: '*/*', ...req.headers, connection: 'close' },
    agent: false,
    timeout: req.timeoutMs,
  };
  if (isHttps) {
    if (req.tls.ca !== null) {
      options.ca = req.tls.ca;
      options.rejectUnauthorized = true;
    } else {
      // Verified below by pinning; see PrinterTlsOptions.pins.
      options.rejectUnauthorized = false;
    }
    if (legacy) {
      options.minVersion = 'TLSv1';
      options.ciphers = 'DEFAULT:@SECLEVEL=0';
    }
  }
  return new Promise((resolve, reject) => {
    const lib = isHttps ? https : http;
    const timer = setTimeout(() => {
      request.destroy(
        new PrinterHttpError(`no complete answer within ${req.timeoutMs} ms`, req.url, 'ETIMEDOUT'),
      );
    }, req.timeoutMs);
    const request = lib.request(url, options, (res) => {
      if (isHttps && req.tls.ca === null) {
        const socket = res.socket as import('node:tls').TLSSocket;
        const fingerprint = socket.getPeerCertificate?.()?.fingerprint256;
        const pinned = req.tls.pins.get(host);
        if (fingerprint && pinned && pinned !== fingerprint) {
          res.destroy();
          clearTimeout(timer);
          reject(
            new PrinterHttpError(
              `TLS certificate changed since first contact (pinned ${pinned.slice(0, 23)}…, now ${fingerprint.slice(0, 23)}…); ` +
                'data refused — if the printer was re-keyed, remove its pin from state.json',
              req.url,
              'ECERTCHANGED',
            ),
          );
          return;
        }
        if (fingerprint && !pinned) req.tls.pins.set(host, fingerprint);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy(new PrinterHttpError(`response larger than ${maxBytes} bytes`, req.url, 'ETOOLARGE'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(
          err instanceof PrinterHttpError ? err : new PrinterHttpError(err.message, req.url, 'ERESPONSE'),
        );
      });
    });
    request.on('timeout', () => {
      request.destroy(new PrinterHttpError(`connection idle for ${req.timeoutMs} ms`, req.url, 'ETIMEDOUT'));
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err instanceof PrinterHttpError
          ? err
          : new PrinterHttpError(err.message, req.url, err.code ?? 'ECONNECT'),
      );
    });
    request.end(req.body);
  });
}
