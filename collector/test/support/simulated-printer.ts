// A simulated HP large-format printer for tests and the benchmark: PIWS over HTTPS and LEDM over
// HTTP, served from the XML fixtures in test/fixtures (written from the documented element names).
// The job queue is live: jobs can be added and finished, and `jobs/all?fromModificationNumber=N`
// answers like the firmware does — full entries for jobs changed after N, a bare envelope for the
// rest. Every request is recorded so tests can assert the collector only ever reads.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures');
const piws = (name: string) => readFileSync(join(FIXTURES, 'piws', name), 'utf8');
const ledm = (name: string) => readFileSync(join(FIXTURES, 'ledm', name), 'utf8');

interface SimJob {
  uuid: string;
  seq: number;
  name: string;
  done: boolean;
  modification: number;
}

export interface SimulatedPrinterOptions {
  host: string;
  httpsPort: number;
  httpPort: number;
  tls: { key: string; cert: string };
  serial: string;
  /** Serve PIWS (HTTPS) — false simulates a printer with LEDM only. */
  piws?: boolean;
}

export class SimulatedPrinter {
  readonly requests: Array<{ protocol: 'piws' | 'ledm'; method: string; path: string }> = [];
  readonly uuid = randomUUID();
  queueUuid = randomUUID();
  private jobs: SimJob[] = [];
  private modification = 100;
  private servers: Array<http.Server | https.Server> = [];

  constructor(readonly opts: SimulatedPrinterOptions) {}

  addJob(name: string, done = true): string {
    const uuid = randomUUID();
    this.modification++;
    this.jobs.push({ uuid, seq: this.jobs.length + 1, name, done, modification: this.modification });
    return uuid;
  }

  finishJob(uuid: string): void {
    const job = this.jobs.find((j) => j.uuid === uuid);
    if (!job) throw new Error(`no job ${uuid}`);
    this.modification++;
    job.done = true;
    job.modification = this.modification;
  }

  /** Simulates a restart: new queue UUID, modification numbers start again. */
  reboot(): void {
    this.queueUuid = randomUUID();
    this.modification = 1;
  }

  private fill(xml: string): string {
    return xml
      .replaceAll('{{SERIAL}}', this.opts.serial)
      .replaceAll('{{UUID}}', this.uuid)
      .replaceAll('{{QUEUE}}', this.queueUuid);
  }

  private jobsXml(from: number | null): string {
    const template = piws('job.xml.tpl');
    const entries = this.jobs.map((j) => {
      if (from !== null && j.modification <= from) {
        return `    <Job><Job2DPrint><UUID>${j.uuid}</UUID></Job2DPrint></Job>`;
      }
      return template
        .replaceAll('{{JOB_UUID}}', j.uuid)
        .replaceAll('{{SEQ}}', String(j.seq))
        .replaceAll('{{NAME}}', j.name)
        .replaceAll('{{STATUS}}', j.done ? 'Completed' : 'Printing')
        .replaceAll('{{COMPLETION}}', j.done ? 'OK' : '');
    });
    return `<?xml version="1.0" encoding="UTF-8"?>
<JobQueueSnapshot xmlns="http://www.hp.com/schemas/piws/v2_0">
  <ModificationNumber>${this.modification}</ModificationNumber>
  <Status><JobQueueStatus>Running</JobQueueStatus><NumberOfJobs>${this.jobs.length}</NumberOfJobs></Status>
  <Jobs>
${entries.join('\n')}
  </Jobs>
</JobQueueSnapshot>`;
  }

  private piwsHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://printer');
    this.requests.push({ protocol: 'piws', method: req.method ?? '', path: url.pathname + url.search });
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, '');
    const p = url.pathname.replace(/^\/LFPWebServices\/PI\//, '');
    const docs: Record<string, string> = {
      Identification: 'Identification.xml',
      DeviceStatus: 'DeviceStatus.xml',
      InkSystem: 'InkSystem.xml',
      PrintheadsStatus: 'PrintheadsStatus.xml',
      MediaSystem: 'MediaSystem.xml',
      'Paper/List': 'PaperList.xml',
      'JQ/JobQueueCollection': 'JobQueueCollection.xml',
    };
    if (docs[p]) return send(200, this.fill(piws(docs[p]!)));
    const m = /^JQ\/JobQueue\/([^/]+)\/jobs\/all$/.exec(p);
    if (m) {
      if (m[1] !== this.queueUuid) return send(404, 'Unkownw QueueID');
      const from = url.searchParams.get('fromModificationNumber');
      return send(200, this.jobsXml(from === null ? null : Number(from)));
    }
    return send(404, '');
  }

  private ledmHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push({ protocol: 'ledm', method: req.method ?? '', path: req.url ?? '' });
    const name = /^\/DevMgmt\/([A-Za-z]+)\.xml$/.exec(req.url ?? '')?.[1];
    const files: Record<string, string> = {
      DiscoveryTree: 'DiscoveryTree.xml',
      ProductConfigDyn: 'ProductConfigDyn.xml',
      ProductStatusDyn: 'ProductStatusDyn.xml',
      ConsumableConfigDyn: 'ConsumableConfigDyn.xml',
      ProductUsageDyn: 'ProductUsageDyn.xml',
    };
    if (req.method !== 'GET' || !name || !files[name]) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(this.fill(ledm(files[name]!)));
  }

  async start(): Promise<void> {
    const listen = (server: http.Server | https.Server, port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, this.opts.host, () => resolve());
      });
    if (this.opts.piws !== false) {
      const s = https.createServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, (q, r) =>
        this.piwsHandler(q, r),
      );
      await listen(s, this.opts.httpsPort);
      this.servers.push(s);
    }
    const h = http.createServer((q, r) => this.ledmHandler(q, r));
    await listen(h, this.opts.httpPort);
    this.servers.push(h);
  }

  get ports(): number[] {
    return this.servers.map((s) => (s.address() as AddressInfo).port);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections?.();
            s.close(() => resolve());
          }),
      ),
    );
    this.servers = [];
  }
}
