// A simulated LAN printer on one address: PIWS and LEDM over HTTPS, LEDM and IPP over HTTP, and SNMP over UDP,
// all rendered from the same SimPrinter, so a real collector polling it sees one consistent device.
// Only reads are answered; every request is counted so tests can assert the collector never writes.
import http from 'node:http';
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
import { close, listen } from '../http-server';
import { PrinterWebServer, type PrinterWebContent } from './web-server';

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
  private web: PrinterWebServer | null = null;
  private ippServer: http.Server | null = null;
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
      this.web = new PrinterWebServer(webContent(this.printer), {
        host,
        tls,
        httpsPort: ports.https,
        httpPort: ports.http,
        // The embedded web server serves LEDM over HTTPS too (collectors try it before plain HTTP).
        ledmOverHttps: true,
        onRequest: ({ protocol, method }) => {
          this.requests[protocol]++;
          if (method !== 'GET') this.requests.writes++;
        },
      });
      await this.web.start();
      const ipp = http.createServer((q, r) => this.ipp(q, r));
      await listen(ipp, ports.ipp, host);
      this.ippServer = ipp;
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

  /** Bound ports: HTTPS (when there is PIWS), HTTP, IPP (useful when started with port 0). */
  get boundPorts(): number[] {
    const ipp = this.ippServer ? [(this.ippServer.address() as AddressInfo).port] : [];
    return [...(this.web?.ports ?? []), ...ipp];
  }

  async stop(): Promise<void> {
    const { web, ippServer, snmp } = this;
    this.web = null;
    this.ippServer = null;
    this.snmp = null;
    await Promise.all([web?.stop(), ippServer && close(ippServer)]);
    await snmp?.stop();
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

/** PIWS and LEDM documents rendered from the printer's state at the moment of the request. */
function webContent(p: SimPrinter): PrinterWebContent {
  const piws: Record<string, () => string> = {
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
  const ledm: Record<string, () => string> = {
    DiscoveryTree: discoveryTreeXml,
    ProductConfigDyn: () => productConfigXml(p),
    ProductStatusDyn: () => productStatusXml(p),
    ConsumableConfigDyn: () => consumableConfigXml(p),
    ProductUsageDyn: () => productUsageXml(p),
  };
  return {
    piws: (path) => piws[path]?.(),
    // After a restart the old queue id is unknown, as on the real firmware.
    piwsJobs: (queueId, from) => (queueId === p.queueUuid ? jobSnapshotXml(p, from) : undefined),
    ledm: (name) => ledm[name]?.(),
  };
}
