// Sustained load for fault tests: printers send signed reports as real devices do, each report resent
// (same reportId, new signature) until it is answered 202, so that every report the fleet ever got a
// 202 for is known and can be compared with what PostgreSQL holds afterwards.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport, type ReportV1 } from '@plotmeter/protocol';
import { sendSigned, type Credential } from './signed';

export interface FleetPrinter extends Credential {
  serialNumber: string;
  printerId: string;
}

export interface FleetLoad {
  /** keyId/reportId of every report answered 202 (first time, not a duplicate). */
  accepted: Set<string>;
  /** Reports answered 202 {duplicate: true}: a resend of something already accepted. */
  duplicates: number;
  /** Non-202 answers and connection errors by status ("error" for no answer), while retrying. */
  refusals: Map<string, number>;
  /** Jobs per report (every job uuid is new, so job rows = accepted × this). */
  jobsPerReport: number;
  /** Stops starting new reports and waits (up to drainMs) until every started one got its 202. */
  stop(drainMs?: number): Promise<void>;
}

export interface FleetLoadOptions {
  printers: FleetPrinter[];
  /** Ingest base URLs; each attempt picks the next one (a client-side load balancer). */
  urls: () => string[];
  concurrency: number;
  /** Pause between attempts of a refused report. */
  retryMs?: number;
}

export function report(printer: FleetPrinter): ReportV1 {
  const body = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() });
  for (const p of body.printers) for (const job of p.jobs) job.uuid = randomUUID();
  return body;
}

export function startFleetLoad(options: FleetLoadOptions): FleetLoad {
  const jobsPerReport = report(options.printers[0]!).printers[0]!.jobs.length;
  const load: FleetLoad = {
    accepted: new Set(),
    duplicates: 0,
    refusals: new Map(),
    jobsPerReport,
    stop: async () => undefined,
  };
  let stopping = false;
  let drainDeadline = Infinity;
  let turn = 0;
  const count = (status: string) => load.refusals.set(status, (load.refusals.get(status) ?? 0) + 1);

  async function deliver(printer: FleetPrinter): Promise<void> {
    const body = report(printer);
    for (;;) {
      const urls = options.urls();
      const url = urls[turn++ % urls.length]!;
      try {
        const response = await sendSigned(url, printer, '/ingest/v1/reports', body);
        if (response.status === 202) {
          if (response.body.duplicate) load.duplicates += 1;
          load.accepted.add(`${printer.keyId}/${body.reportId}`);
          return;
        }
        count(String(response.status));
      } catch {
        count('error');
      }
      if (Date.now() > drainDeadline) throw new Error(`report ${body.reportId} never accepted`);
      await new Promise((r) => setTimeout(r, options.retryMs ?? 200));
    }
  }

  const lanes = Array.from({ length: options.concurrency }, async (_, lane) => {
    for (let i = lane; !stopping; i += options.concurrency) {
      await deliver(options.printers[i % options.printers.length]!);
    }
  });
  load.stop = async (drainMs = 60_000) => {
    stopping = true;
    drainDeadline = Date.now() + drainMs;
    await Promise.all(lanes);
  };
  return load;
}
