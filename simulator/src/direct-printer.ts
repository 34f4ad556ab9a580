// The firmware behaviour of a direct-connect printer: a report at boot, then whenever 3 hours passed,
// 19 jobs or 100 pages accumulated since the last report (whichever comes first), and high-severity
// alerts (error, critical) at once on the alerts endpoint. Messages queue in order and are retried
// with their original ids when the portal is unreachable, so nothing is lost or counted twice.
import { randomUUID } from 'node:crypto';
import type { AlertBatchV1, DeviceAlertV1, JobV1, PrinterReportV1, ReportV1 } from '@plotmeter/protocol';
import { INGEST_PATHS, type DeviceLink } from './device-link';
import { printerEntry } from './report-builder';
import { HOUR_MS } from './sim-clock';
import type { SimEvent, SimPrinter } from './sim-printer';

export const FIRMWARE_VERSION_LABEL = 'plotmeter-simulator-firmware/1';

export interface ReportPolicy {
  intervalHours: number;
  maxJobs: number;
  maxPages: number;
}

export const FIRMWARE_POLICY: ReportPolicy = { intervalHours: 3, maxJobs: 19, maxPages: 100 };

/** Messages kept while the portal is unreachable; the oldest are dropped beyond this. */
export const OUTBOX_LIMIT = 500;

interface OutboxEntry {
  path: string;
  body: ReportV1 | AlertBatchV1;
  kind: 'report' | 'alerts';
}

export interface DirectPrinterStats {
  reportsSent: number;
  alertBatchesSent: number;
  jobsSent: number;
  rejected: number;
  retries: number;
  dropped: number;
  lastError: string | null;
}

type Trigger = NonNullable<PrinterReportV1['trigger']>;

export class DirectPrinter {
  readonly stats: DirectPrinterStats = {
    reportsSent: 0,
    alertBatchesSent: 0,
    jobsSent: 0,
    rejected: 0,
    retries: 0,
    dropped: 0,
    lastError: null,
  };
  private pendingJobs: JobV1[] = [];
  private pendingPages = 0;
  private pendingAlerts: DeviceAlertV1[] = [];
  private lastReportAtMs: number | null = null;
  private outbox: OutboxEntry[] = [];
  private sending: Promise<void> | null = null;
  private retryNotBefore = 0;
  private retryDelayMs = 1000;

  constructor(
    readonly printer: SimPrinter,
    private readonly link: DeviceLink,
    private readonly policy: ReportPolicy = FIRMWARE_POLICY,
    private readonly onRejected: (detail: string) => void = () => undefined,
  ) {
    printer.onEvent((event) => this.onPrinterEvent(event));
  }

  /** Power-on: the boot report, with whatever the printer did before it could connect. */
  boot(): void {
    this.enqueueReport('boot');
  }

  /** Messages waiting to be sent. */
  get queued(): number {
    return this.outbox.length;
  }

  /** Call after advancing the printer: fires the 3-hour timer. */
  tick(): void {
    const now = this.printer.simulatedTime.getTime();
    if (this.lastReportAtMs !== null && now - this.lastReportAtMs >= this.policy.intervalHours * HOUR_MS) {
      this.enqueueReport('schedule');
    }
  }

  /** Sends queued messages in order; resolves when the queue is empty or the portal said "later". */
  flush(): Promise<void> {
    this.sending ??= this.drain().finally(() => (this.sending = null));
    return this.sending;
  }

  private onPrinterEvent(event: SimEvent): void {
    switch (event.type) {
      case 'job':
        this.pendingJobs.push(event.job.job);
        this.pendingPages += event.job.job.pages * event.job.job.copies;
        if (this.pendingJobs.length >= this.policy.maxJobs) this.enqueueReport('jobs');
        else if (this.pendingPages >= this.policy.maxPages) this.enqueueReport('pages');
        return;
      case 'alert':
        this.pendingAlerts.push(event.alert);
        if (event.alert.severity === 'error' || event.alert.severity === 'critical')
          this.enqueueAlert(event.alert);
        return;
      case 'alert-cleared':
        this.pendingAlerts.push(event.alert);
        return;
      case 'boot':
        this.enqueueReport('boot');
        return;
    }
  }

  private enqueueAlert(alert: DeviceAlertV1): void {
    const batch: AlertBatchV1 = {
      schemaVersion: 1,
      alertId: randomUUID(),
      serialNumber: this.printer.serialNumber,
      sentAt: this.printer.simulatedTime.toISOString(),
      alerts: [alert],
    };
    this.push({ path: INGEST_PATHS.alerts, body: batch, kind: 'alerts' });
  }

  private enqueueReport(trigger: Trigger): void {
    const at = this.printer.simulatedTime;
    // The open alerts go in every report so the portal can resolve what is no longer there.
    const open = [...this.printer.alerts.values()];
    const alerts = [...this.pendingAlerts, ...open.filter((a) => !this.pendingAlerts.includes(a))];
    const report: ReportV1 = {
      schemaVersion: 1,
      reportId: randomUUID(),
      sentAt: at.toISOString(),
      source: { kind: 'direct', softwareVersion: this.printer.firmwareVersion, hostname: null },
      printers: [printerEntry(this.printer, trigger, this.pendingJobs, alerts, at)],
    };
    this.pendingJobs = [];
    this.pendingPages = 0;
    this.pendingAlerts = [];
    this.lastReportAtMs = at.getTime();
    this.push({ path: INGEST_PATHS.reports, body: report, kind: 'report' });
  }

  private push(entry: OutboxEntry): void {
    this.outbox.push(entry);
    if (this.outbox.length > OUTBOX_LIMIT) {
      this.outbox.shift();
      this.stats.dropped++;
    }
  }

  private async drain(): Promise<void> {
    while (this.outbox.length > 0) {
      if (Date.now() < this.retryNotBefore) return;
      const entry = this.outbox[0]!;
      const outcome = await this.link.post(entry.path, entry.body);
      if (outcome.kind === 'retry') {
        this.stats.retries++;
        this.stats.lastError = outcome.reason;
        this.retryNotBefore = Date.now() + this.retryDelayMs;
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 60_000);
        return;
      }
      this.retryDelayMs = 1000;
      this.outbox.shift();
      if (outcome.kind === 'rejected') {
        this.stats.rejected++;
        this.stats.lastError = `HTTP ${outcome.status}: ${outcome.detail}`;
        this.onRejected(
          `${this.printer.serialNumber}: ${entry.kind} rejected with HTTP ${outcome.status}: ${outcome.detail}`,
        );
        continue;
      }
      if (entry.kind === 'report') {
        this.stats.reportsSent++;
        this.stats.jobsSent += (entry.body as ReportV1).printers[0]!.jobs.length;
      } else {
        this.stats.alertBatchesSent++;
      }
    }
  }
}
