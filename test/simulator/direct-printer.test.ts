// Firmware behaviour of a simulated direct-connect printer against a recording link: boot report,
// the 19-jobs / 100-pages / 3-hours triggers, immediate high-severity alerts, and ordered retries that
// keep the report id (the portal de-duplicates by it).
import { alertBatchV1Schema, reportV1Schema, type ReportV1 } from '@plotmeter/protocol';
import { describe, expect, it, vi } from 'vitest';
import { modelByKey } from '../../simulator/src/catalog';
import type { DeviceLink, PostOutcome } from '../../simulator/src/device-link';
import { DirectPrinter, FIRMWARE_POLICY } from '../../simulator/src/direct-printer';
import { HOUR_MS } from '../../simulator/src/sim-clock';
import { SimPrinter } from '../../simulator/src/sim-printer';

const START = new Date('2026-05-04T07:00:00Z');
const at = (hours: number) => new Date(START.getTime() + hours * HOUR_MS);

class RecordingLink implements DeviceLink {
  readonly posts: Array<{ path: string; body: unknown }> = [];
  readonly attempts: unknown[] = [];
  outcomes: PostOutcome[] = [];
  async post(path: string, body: unknown): Promise<PostOutcome> {
    this.attempts.push(structuredClone(body));
    const outcome = this.outcomes.shift() ?? { kind: 'accepted', status: 202 };
    if (outcome.kind !== 'retry') this.posts.push({ path, body: structuredClone(body) });
    return outcome;
  }
  reports(): ReportV1[] {
    return this.posts.filter((p) => p.path === '/ingest/v1/reports').map((p) => p.body as ReportV1);
  }
}

function setup(model = 'pwxl5200', jobsPerHour?: number) {
  const printer = new SimPrinter({
    serialNumber: 'ESDIRECT01',
    model: modelByKey(model),
    seed: 17,
    startAt: START,
    faultRate: 0,
    jobsPerHour,
  });
  const link = new RecordingLink();
  const direct = new DirectPrinter(printer, link);
  return { printer, link, direct };
}

describe('DirectPrinter', () => {
  it('sends a boot report first, then a report per 19 jobs, each valid Report v1 with its jobs once', async () => {
    const { printer, link, direct } = setup('pwxl5200', 30);
    direct.boot();
    printer.advance(at(2));
    direct.tick();
    await direct.flush();
    const reports = link.reports();
    expect(reports[0]!.printers[0]!.trigger).toBe('boot');
    expect(reports[0]!.printers[0]!.jobs).toHaveLength(0);
    const triggered = reports.slice(1);
    expect(triggered.length).toBeGreaterThanOrEqual(2);
    for (const r of triggered) {
      const entry = r.printers[0]!;
      expect(reportV1Schema.safeParse(r).success).toBe(true);
      const pages = entry.jobs.reduce((s, j) => s + j.pages * j.copies, 0);
      // Whichever threshold came first: 19 jobs, or 100 pages with fewer jobs.
      if (entry.trigger === 'jobs') expect(entry.jobs).toHaveLength(FIRMWARE_POLICY.maxJobs);
      else expect(entry).toMatchObject({ trigger: 'pages' });
      if (entry.trigger === 'pages') expect(pages).toBeGreaterThanOrEqual(FIRMWARE_POLICY.maxPages);
    }
    const uuids = triggered.flatMap((r) => r.printers[0]!.jobs.map((j) => j.uuid));
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(direct.stats.jobsSent).toBe(uuids.length);
  });

  it('reports on schedule every 3 simulated hours when a printer is quiet', async () => {
    const { printer, link, direct } = setup('z9plus', 0.01);
    direct.boot();
    for (let h = 0.5; h <= 7; h += 0.5) {
      printer.advance(at(h));
      direct.tick();
    }
    await direct.flush();
    const triggers = link.reports().map((r) => [r.printers[0]!.trigger, r.printers[0]!.collectedAt]);
    expect(triggers).toEqual([
      ['boot', START.toISOString()],
      ['schedule', at(3).toISOString()],
      ['schedule', at(6).toISOString()],
    ]);
  });

  it('posts a high-severity alert at once and carries it in the next report', async () => {
    const { printer, link, direct } = setup('t1700dr', 0.01);
    direct.boot();
    printer.advance(at(0.5));
    const alert = printer.injectFault('jam');
    await direct.flush();
    const batches = link.posts
      .filter((p) => p.path === '/ingest/v1/alerts')
      .map((p) => alertBatchV1Schema.parse(p.body));
    expect(batches).toHaveLength(1);
    expect(batches[0]!).toMatchObject({
      serialNumber: 'ESDIRECT01',
      alerts: [{ code: 'mediaJam', severity: 'critical', detectedAt: alert.detectedAt }],
    });
    printer.advance(at(3.1));
    direct.tick();
    await direct.flush();
    const scheduled = link.reports().at(-1)!.printers[0]!;
    expect(scheduled.alerts.map((a) => [a.code, a.cleared])).toEqual([
      ['mediaJam', false],
      ['mediaJam', true],
    ]);
  });

  it('keeps messages in order and retries the same report after the portal was unreachable', async () => {
    // The backoff reads the wall clock: fake only Date, so the test moves it instead of sleeping.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { printer, link, direct } = setup('t830', 0.01);
      link.outcomes = [{ kind: 'retry', reason: 'ECONNREFUSED' }];
      direct.boot();
      printer.advance(at(0.2));
      printer.injectFault('printhead');
      await direct.flush();
      expect(link.posts).toHaveLength(0);
      expect(direct.queued).toBe(2);
      expect(direct.stats.retries).toBe(1);
      // The first backoff step is one second: nothing is resent before it ends, everything after.
      vi.advanceTimersByTime(999);
      await direct.flush();
      expect(link.attempts).toHaveLength(1);
      vi.advanceTimersByTime(1);
      await direct.flush();
      expect(link.posts.map((p) => p.path)).toEqual(['/ingest/v1/reports', '/ingest/v1/alerts']);
      expect((link.posts[0]!.body as ReportV1).reportId).toBe((link.attempts[0] as ReportV1).reportId);
      expect(direct.queued).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops a rejected message instead of retrying it forever', async () => {
    const { link, direct } = setup('t650', 0.01);
    link.outcomes = [{ kind: 'rejected', status: 422, detail: 'bad field' }];
    direct.boot();
    await direct.flush();
    expect(direct.stats).toMatchObject({ rejected: 1, reportsSent: 0 });
    expect(direct.queued).toBe(0);
  });
});
