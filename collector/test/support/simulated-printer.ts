// A simulated HP large-format printer for tests and the benchmark: the simulator's embedded web server
// (PIWS over HTTPS, LEDM over plain HTTP only, as on older firmware) serving the XML fixtures in
// test/fixtures, written from the documented element names rather than by the simulator, so the
// collector's parsers are checked against the documentation. The job queue is live: jobs can be added
// and finished, and `jobs/all?fromModificationNumber=N` answers like the firmware does — full entries
// for jobs changed after N, a bare envelope for the rest. Every request is recorded so tests can
// assert the collector only ever reads.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrinterWebServer, type PrinterWebRequest } from '../../../simulator/src/lan/web-server';

const FIXTURES = join(__dirname, '..', 'fixtures');
const readFixture = (protocol: 'piws' | 'ledm', file: string) =>
  readFileSync(join(FIXTURES, protocol, file), 'utf8');
/** Fixture file of each document, by its path below /LFPWebServices/PI/ or its LEDM name. */
const PIWS_FILES: Record<string, string> = {
  Identification: 'Identification.xml',
  DeviceStatus: 'DeviceStatus.xml',
  InkSystem: 'InkSystem.xml',
  PrintheadsStatus: 'PrintheadsStatus.xml',
  MediaSystem: 'MediaSystem.xml',
  'Paper/List': 'PaperList.xml',
  'JQ/JobQueueCollection': 'JobQueueCollection.xml',
};
const LEDM_FILES: Record<string, string> = {
  DiscoveryTree: 'DiscoveryTree.xml',
  ProductConfigDyn: 'ProductConfigDyn.xml',
  ProductStatusDyn: 'ProductStatusDyn.xml',
  ConsumableConfigDyn: 'ConsumableConfigDyn.xml',
  ProductUsageDyn: 'ProductUsageDyn.xml',
};

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
  readonly requests: PrinterWebRequest[] = [];
  readonly uuid = randomUUID();
  queueUuid = randomUUID();
  private jobs: SimJob[] = [];
  private modification = 100;
  private server: PrinterWebServer | null = null;

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
    const template = readFixture('piws', 'job.xml.tpl');
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

  async start(): Promise<void> {
    const { host, tls, httpsPort, httpPort } = this.opts;
    const files = { piws: PIWS_FILES, ledm: LEDM_FILES };
    const fixture = (protocol: 'piws' | 'ledm', name: string) => {
      const file = files[protocol][name];
      return file === undefined ? undefined : this.fill(readFixture(protocol, file));
    };
    this.server = new PrinterWebServer(
      {
        piws: (path) => fixture('piws', path),
        piwsJobs: (queueId, from) => (queueId === this.queueUuid ? this.jobsXml(from) : undefined),
        ledm: (name) => fixture('ledm', name),
      },
      {
        host,
        tls: this.opts.piws === false ? null : tls,
        httpsPort,
        httpPort,
        ledmOverHttps: false,
        onRequest: (request) => this.requests.push(request),
      },
    );
    await this.server.start();
  }

  get ports(): number[] {
    return this.server?.ports ?? [];
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }
}

/** A started fixture printer on free ports: PIWS over HTTPS with `tls`, LEDM over HTTP. */
export async function startSimulatedPrinter(
  host: string,
  tls: SimulatedPrinterOptions['tls'],
  serial: string,
): Promise<SimulatedPrinter> {
  const printer = new SimulatedPrinter({ host, httpsPort: 0, httpPort: 0, tls, serial });
  await printer.start();
  return printer;
}
