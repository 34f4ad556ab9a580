// A simulated LAN printer on one address: PIWS and LEDM over HTTPS, LEDM and IPP over HTTP, and SNMP over UDP,
// all rendered from the same SimPrinter, so a real collector polling it sees one consistent device.
// Only reads are answered; every request is counted so tests can assert the collector never writes.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SimPrinter } from '../sim-printer';
import { IPP_OPERATION, IPP_STATUS, IppCodecError, encodeResponse, readRequestHeader } from './ipp.codec';
import { completedJobs, printerAttributes } from './ipp.attributes';
import {
  consumableConfigXml,
  discoveryTreeXml,
  productConfigXml,
  productStatusXml,
  productUsageXml,
} from './ledm.documents';
import {
  accessoriesXml,
  deviceStatusXml,
  jobCategoryThresholdsXml,
  printCategoriesXml,
  identificationXml,
  inkSystemXml,
  jobQueueCollectionXml,
  jobSnapshotXml,
  mediaSystemXml,
  paperListXml,
  printheadsXml,
} from './piws.documents';
import { PrinterSnmpAgent } from './snmp.agent';
import { printerMibValues } from './snmp.values';
import type { PrinterTls } from './tls';

export interface LanPorts {
  https: number;
  http: number;
  ipp: number;
  snmp: number;
}

/** High ports, so the fleet runs without root; the collector's configuration names the same ports. */
export const DEFAULT_LAN_PORTS: LanPorts = { https: 18443, http: 18080, ipp: 18631, snmp: 18161 };

export interface LanPrinterOptions {
  host: string;
  ports: LanPorts;
  /** Certificate for PIWS; null = this printer has no PIWS (LEDM, IPP and SNMP only). */
  tls: PrinterTls | null;
  snmpCommunity?: string;
}

export interface RequestLog {
  piws: number;
  ledm: number;
  ipp: number;
  /** Requests that would change the printer (non-GET HTTP, IPP operations other than reads). */
  writes: number;
}

export class LanPrinter {
  readonly requests: RequestLog = { piws: 0, ledm: 0, ipp: 0, writes: 0 };
  private servers: Array<http.Server | https.Server> = [];
  private snmp: PrinterSnmpAgent | null = null;

  constructor(
    readonly printer: SimPrinter,
    readonly options: LanPrinterOptions,
  ) {}

  get host(): string {
    return this.options.host;
  }

  async start(): Promise<void> {
    const { host, ports, tls } = this.options;
    try {
      if (tls)
        await this.listen(
          https.createServer({ key: tls.key, cert: tls.cert }, (q, r) => this.piws(q, r)),
          ports.https,
        );
      await this.listen(
        http.createServer((q, r) => this.ledm(q, r)),
        ports.http,
      );
      await this.listen(
        http.createServer((q, r) => this.ipp(q, r)),
        ports.ipp,
      );
      this.snmp = new PrinterSnmpAgent(host, ports.snmp, { community: this.options.snmpCommunity });
      await this.snmp.start(printerMibValues(this.printer));
    } catch (err) {
      await this.stop();
      throw new Error(
        `simulated printer ${this.printer.serialNumber} cannot listen on ${host}: ${(err as Error).message}`,
      );
    }
  }

  /** Copies live state into what is served without a request handler (SNMP). */
  refresh(): void {
    this.snmp?.update(printerMibValues(this.printer));
  }

  /** Bound ports (useful when started with port 0). */
  get boundPorts(): number[] {
    return this.servers.map((s) => (s.address() as AddressInfo).port);
  }

  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
    await this.snmp?.stop();
    this.snmp = null;
  }

  private listen(server: http.Server | https.Server, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        this.servers.push(server);
        resolve();
      });
    });
  }

  private piws(req: http.IncomingMessage, res: http.ServerResponse): void {
    // The embedded web server serves LEDM over HTTPS too (collectors try it before plain HTTP).
    if ((req.url ?? '').startsWith('/DevMgmt/')) return this.ledm(req, res);
    this.requests.piws++;
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(body);
    };
    if (req.method !== 'GET') {
      this.requests.writes++;
      return send(405, '');
    }
    const url = new URL(req.url ?? '/', 'https://printer');
    const path = url.pathname.replace(/^\/LFPWebServices\/PI\//, '');
    const p = this.printer;
    const documents: Record<string, () => string> = {
      Identification: () => identificationXml(p),
      DeviceStatus: () => deviceStatusXml(p),
      InkSystem: () => inkSystemXml(p),
      PrintheadsStatus: () => printheadsXml(p),
      MediaSystem: () => mediaSystemXml(p),
      'Paper/List': () => paperListXml(),
      'JQ/JobQueueCollection': () => jobQueueCollectionXml(p),
      Accessories: () => accessoriesXml(p),
      JobCategoryThresholds: jobCategoryThresholdsXml,
      PrintCategories: printCategoriesXml,
    };
    const render = documents[path];
    if (render) return send(200, render());
    const queue = /^JQ\/JobQueue\/([^/]+)\/jobs\/all$/.exec(path);
    if (queue) {
      // After a restart the old queue id is unknown, as on the real firmware.
      if (decodeURIComponent(queue[1]!) !== p.queueUuid) return send(404, '');
      const from = url.searchParams.get('fromModificationNumber');
      const n = from === null ? null : Number(from);
      return send(200, jobSnapshotXml(p, n !== null && Number.isFinite(n) ? n : null));
    }
    return send(404, '');
  }

  private ledm(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.ledm++;
    if (req.method !== 'GET') {
      this.requests.writes++;
      res.writeHead(405).end();
      return;
    }
    const p = this.printer;
    const name = /^\/DevMgmt\/([A-Za-z]+)\.xml$/.exec(req.url ?? '')?.[1];
    const documents: Record<string, () => string> = {
      DiscoveryTree: discoveryTreeXml,
      ProductConfigDyn: () => productConfigXml(p),
      ProductStatusDyn: () => productStatusXml(p),
      ConsumableConfigDyn: () => consumableConfigXml(p),
      ProductUsageDyn: () => productUsageXml(p),
    };
    const render = name ? documents[name] : undefined;
    if (!render) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
    res.end(render());
  }

  private ipp(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.ipp++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      let header;
      try {
        header = readRequestHeader(Buffer.concat(chunks));
      } catch (err) {
        if (!(err instanceof IppCodecError)) throw err;
        res.writeHead(400).end();
        return;
      }
      let body: Buffer;
      if (header.operation === IPP_OPERATION.getPrinterAttributes) {
        body = encodeResponse(IPP_STATUS.ok, header.requestId, {
          printer: [printerAttributes(this.printer)],
        });
      } else if (header.operation === IPP_OPERATION.getJobs) {
        body = encodeResponse(IPP_STATUS.ok, header.requestId, { job: completedJobs(this.printer) });
      } else {
        this.requests.writes++;
        body = encodeResponse(IPP_STATUS.operationNotSupported, header.requestId, {});
      }
      res.writeHead(200, { 'content-type': 'application/ipp' });
      res.end(body);
    });
  }
}
