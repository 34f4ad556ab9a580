// Prometheus metrics: process metrics plus HTTP and pipeline counters, on one registry per process.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'plotmeter_' });

export const httpDuration = new Histogram({
  name: 'plotmeter_http_request_duration_seconds',
  help: 'HTTP request duration by route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const ingestAccepted = new Counter({
  name: 'plotmeter_ingest_accepted_total',
  help: 'Reports and alert batches accepted (202) by kind and whether they were duplicates',
  labelNames: ['kind', 'duplicate'] as const,
  registers: [registry],
});

export const ingestRejected = new Counter({
  name: 'plotmeter_ingest_rejected_total',
  help: 'Ingest requests rejected, by HTTP status and reason',
  labelNames: ['status', 'reason'] as const,
  registers: [registry],
});

export const jobsProcessed = new Counter({
  name: 'plotmeter_worker_jobs_total',
  help: 'Worker jobs by queue and outcome',
  labelNames: ['queue', 'outcome'] as const,
  registers: [registry],
});

// What an operator watches beyond HTTP (docs/operations.md lists every metric and the alerts on them).
// Everything below is a counter or histogram bumped in memory on its path, or a gauge computed at
// scrape time: nothing here adds a round trip to a request or a job.

/** Lag buckets: seconds for the pipeline itself, up to a day for a collector that was offline. */
const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 86_400];

export const reportLag = new Histogram({
  name: 'plotmeter_report_lag_seconds',
  help: 'Time from a printer entry being read (from="collected": its collectedAt) or its report being accepted (from="received") until its transaction committed',
  labelNames: ['from'] as const,
  buckets: LAG_BUCKETS,
  registers: [registry],
});

export const failedReports = new Counter({
  name: 'plotmeter_failed_reports_total',
  help: 'Reports and alert batches that used up their attempts and were parked in failed_report, by queue',
  labelNames: ['queue'] as const,
  registers: [registry],
});

export const webhookDeliveries = new Counter({
  name: 'plotmeter_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome: delivered, retried (failed, BullMQ tries again), failed (gave up or webhook disabled)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const statementEvents = new Counter({
  name: 'plotmeter_statements_total',
  help: 'Billing statements changed, by event: drafted, approved, voided, exported (counted after the commit)',
  labelNames: ['event'] as const,
  registers: [registry],
});
