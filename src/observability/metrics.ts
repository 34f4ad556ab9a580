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
