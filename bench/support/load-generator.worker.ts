// The load generator, run in a worker thread so that building, signing and sending requests does not
// compete with the server for the main thread's event loop (it still shares the machine's cores).
// Bodies are built and gzipped once at start; each phase signs its requests just before its clock
// starts, because a signature is only valid for ±300 s and each nonce only once.
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { signRequest } from '@plotmeter/protocol';
import { Pool } from 'undici';
import { benchDirectReport } from './bench-report';
import type { LoadWorkerData, MainMessage, PhaseRequest, PhaseResult, WorkerMessage } from './load-messages';

interface PreparedBody {
  credentialIndex: number;
  gzip: Buffer;
}

/** 32 MB of samples: far more answers than a 10 s phase gets even from the bare route. */
const MAX_LATENCY_SAMPLES = 4_000_000;

const data = workerData as LoadWorkerData;
const port = parentPort;
if (!port) throw new Error('load-generator.worker must run as a worker thread');

function post(message: WorkerMessage): void {
  port!.postMessage(message);
}

function prepareBodies(): { bodies: PreparedBody[]; jsonBytes: number; gzipBytes: number; buildMs: number } {
  const started = performance.now();
  const bodies: PreparedBody[] = [];
  let jsonBytes = 0;
  let gzipBytes = 0;
  const sentAt = new Date().toISOString();
  const printers = data.credentials.length;
  for (let i = 0; i < data.bodies; i++) {
    const credentialIndex = i % printers;
    const seed = data.seedOffset + Math.floor(i / printers);
    const report = benchDirectReport({
      serialNumber: data.credentials[credentialIndex]!.serialNumber,
      seed,
      sentAt,
      jobsPerReport: data.jobsPerReport,
    });
    const json = Buffer.from(JSON.stringify(report));
    const gzip = gzipSync(json);
    jsonBytes += json.length;
    gzipBytes += gzip.length;
    bodies.push({ credentialIndex, gzip });
  }
  return { bodies, jsonBytes, gzipBytes, buildMs: performance.now() - started };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

async function runPhase(bodies: PreparedBody[], request: PhaseRequest): Promise<PhaseResult> {
  const available = request.cycle ? bodies.length : Math.max(0, bodies.length - request.startIndex);
  const signCount = Math.min(request.maxRequests, available);
  if (signCount === 0)
    throw new Error(`phase ${request.label}: no bodies left from index ${request.startIndex}`);

  const signStarted = performance.now();
  const now = new Date();
  const signed = new Array<{ headers: Record<string, string>; body: Buffer }>(signCount);
  for (let n = 0; n < signCount; n++) {
    const body = bodies[(request.startIndex + n) % bodies.length]!;
    const credential = data.credentials[body.credentialIndex]!;
    const signature = signRequest({
      keyId: credential.keyId,
      secret: credential.secret,
      method: 'POST',
      pathWithQuery: request.path,
      body: body.gzip,
      now,
    });
    signed[n] = {
      headers: { ...signature, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: body.gzip,
    };
  }
  const signMs = performance.now() - signStarted;

  const pool = new Pool(request.origin, {
    connections: request.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  // Percentiles come from at most MAX_LATENCY_SAMPLES answers (a cycling phase may be unbounded).
  const latencies = new Float64Array(
    Math.min(request.cycle ? request.maxRequests : signCount, MAX_LATENCY_SAMPLES),
  );
  const failures: Record<string, number> = {};
  let firstFailure: string | null = null;
  let next = 0;
  let sent = 0;
  let accepted = 0;
  let duplicates = 0;
  let recorded = 0;
  const started = performance.now();
  const deadline = started + request.durationMs;

  const fail = (key: string, detail: string) => {
    failures[key] = (failures[key] ?? 0) + 1;
    firstFailure ??= detail;
  };

  const loop = async () => {
    for (;;) {
      if (performance.now() >= deadline || next >= request.maxRequests) return;
      if (!request.cycle && next >= signCount) return;
      const item = signed[next % signCount]!;
      next += 1;
      sent += 1;
      const sentAt = performance.now();
      try {
        const response = await pool.request({
          path: request.path,
          method: 'POST',
          headers: item.headers,
          body: item.body,
        });
        const text = await response.body.text();
        if (recorded < latencies.length) latencies[recorded++] = performance.now() - sentAt;
        if (response.statusCode >= 200 && response.statusCode < 300 && text.includes('"duplicate":true')) {
          // Every body is a report the server has not seen: a duplicate answer is a bug, not throughput.
          duplicates += 1;
          fail('duplicate', `${response.statusCode} ${text.slice(0, 300)}`);
        } else if (response.statusCode >= 200 && response.statusCode < 300) {
          accepted += 1;
        } else {
          fail(String(response.statusCode), `${response.statusCode} ${text.slice(0, 300)}`);
        }
      } catch (error) {
        fail('network', (error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, loop));
  const elapsedMs = performance.now() - started;
  await pool.close();

  const sorted = latencies.slice(0, recorded).sort();
  return {
    label: request.label,
    sent,
    accepted,
    duplicates,
    failures,
    firstFailure,
    elapsedMs,
    acceptedPerSecond: accepted / (elapsedMs / 1000),
    latencyMs: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    },
    signMs,
  };
}

const prepared = prepareBodies();
post({
  type: 'ready',
  bodies: prepared.bodies.length,
  avgGzipBytes: Math.round(prepared.gzipBytes / prepared.bodies.length),
  avgJsonBytes: Math.round(prepared.jsonBytes / prepared.bodies.length),
  buildMs: prepared.buildMs,
});

port.on('message', (message: MainMessage) => {
  if (message.type === 'exit') {
    port.close();
    return;
  }
  runPhase(prepared.bodies, message).then(
    (result) => post({ type: 'result', result }),
    (error: unknown) => post({ type: 'error', message: (error as Error).stack ?? String(error) }),
  );
});
