// The embedded web server of a simulated HP printer: PIWS (/LFPWebServices/PI/...) over HTTPS and LEDM
// (/DevMgmt/<name>.xml) over HTTP, and over HTTPS too where the firmware does. What it serves comes from
// a PrinterWebContent (the simulated printer's live state, or a collector test's fixture files); the
// routing, the refusal of anything but GET and the request log are the same for every printer.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { close, listen } from '../http-server';
import type { PrinterTls } from './tls';

export interface PrinterWebContent {
  /** A PIWS document by its path below /LFPWebServices/PI/ ("Identification", "Paper/List"); undefined: 404. */
  piws(path: string): string | undefined;
  /** The job queue snapshot; undefined when the queue id is unknown, as after a restart (404). */
  piwsJobs(queueId: string, fromModificationNumber: number | null): string | undefined;
  /** An LEDM document by name ("ProductUsageDyn"); undefined: 404. */
  ledm(name: string): string | undefined;
}

export interface PrinterWebRequest {
  protocol: 'piws' | 'ledm';
  method: string;
  /** Path and query, as sent. */
  path: string;
}

export interface PrinterWebServerOptions {
  host: string;
  /** Certificate for HTTPS; null: no HTTPS, so no PIWS (LEDM over HTTP only). */
  tls: PrinterTls | null;
  httpsPort: number;
  httpPort: number;
  /** Serve LEDM over HTTPS as well; off, LEDM is on plain HTTP only (older firmware). */
  ledmOverHttps: boolean;
  /** Called for every request, before it is answered. */
  onRequest(request: PrinterWebRequest): void;
}

export class PrinterWebServer {
  private servers: Array<http.Server | https.Server> = [];

  constructor(
    readonly content: PrinterWebContent,
    readonly options: PrinterWebServerOptions,
  ) {}

  /** HTTPS (when there is a certificate), then HTTP. */
  async start(): Promise<void> {
    const { host, tls, httpsPort, httpPort } = this.options;
    if (tls) {
      const secure = https.createServer({ key: tls.key, cert: tls.cert }, (q, r) => this.secure(q, r));
      await listen(secure, httpsPort, host);
      this.servers.push(secure);
    }
    const plain = http.createServer((q, r) => this.ledm(q, r));
    await listen(plain, httpPort, host);
    this.servers.push(plain);
  }

  /** Bound ports, HTTPS first (useful when started with port 0). */
  get ports(): number[] {
    return this.servers.map((s) => (s.address() as AddressInfo).port);
  }

  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map(close));
  }

  private secure(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.options.ledmOverHttps && (req.url ?? '').startsWith('/DevMgmt/')) return this.ledm(req, res);
    this.piws(req, res);
  }

  private piws(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.allowed('piws', req, res)) return;
    const url = new URL(req.url ?? '/', 'https://printer');
    const path = url.pathname.replace(/^\/LFPWebServices\/PI\//, '');
    const queue = /^JQ\/JobQueue\/([^/]+)\/jobs\/all$/.exec(path);
    let body: string | undefined;
    if (queue) {
      const from = url.searchParams.get('fromModificationNumber');
      const n = from === null ? null : Number(from);
      body = this.content.piwsJobs(
        decodeURIComponent(queue[1]!),
        n !== null && Number.isFinite(n) ? n : null,
      );
    } else {
      body = this.content.piws(path);
    }
    send(res, body);
  }

  private ledm(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.allowed('ledm', req, res)) return;
    const name = /^\/DevMgmt\/([A-Za-z]+)\.xml$/.exec(req.url ?? '')?.[1];
    send(res, name === undefined ? undefined : this.content.ledm(name));
  }

  /** Logs the request; refuses anything but GET with 405, as the printer is only read. */
  private allowed(
    protocol: PrinterWebRequest['protocol'],
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): boolean {
    const method = req.method ?? '';
    this.options.onRequest({ protocol, method, path: req.url ?? '' });
    if (method === 'GET') return true;
    res.writeHead(405).end();
    return false;
  }
}

function send(res: http.ServerResponse, body: string | undefined): void {
  if (body === undefined) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(body);
}
