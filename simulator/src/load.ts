#!/usr/bin/env node
// `npm run load -- --printers 10000`: the simulator as a load generator against a running Plotmeter
// server. It creates a customer, registers that many direct-connect printers through the GraphQL API
// (with an admin API key), then lets them report on a fast simulated clock — boot reports, job and
// page triggers, scheduled reports and immediate alerts — and prints throughput and latency until
// Ctrl-C or --duration.
import { parseArgs } from 'node:util';
import { MODELS } from './catalog';
import { httpDeviceLink, type DeviceCredential, type DeviceLink } from './device-link';
import { Fleet } from './fleet';
import { SimClock } from './sim-clock';

const USAGE = `Usage: npm run load -- [options]
  --printers N           direct-connect printers to simulate (default 100)
  --server URL           Plotmeter server (default $PLOTMETER_URL or http://127.0.0.1:4000)
  --api-key KEY          an admin API key of the reseller to load (default $PLOTMETER_API_KEY)
  --time-scale X         simulated seconds per real second (default 360: 3 hours in 30 s)
  --duration SECONDS     stop after this long (default: run until Ctrl-C)
  --max-in-flight N      concurrent uploads (default 64)
  --seed N               fleet seed (default: time-based, so serial numbers are new every run)
  --json                 print the final summary as JSON`;

class UsageError extends Error {}

interface LoadOptions {
  printers: number;
  server: string;
  apiKey: string;
  timeScale: number;
  durationSeconds: number | null;
  maxInFlight: number;
  seed: number;
  json: boolean;
}

function positive(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max)
    throw new UsageError(`--${name} must be a number above 0 and at most ${max}, got "${value}"`);
  return n;
}

export function parseLoadArgs(args: string[], env: NodeJS.ProcessEnv): LoadOptions {
  const { values } = parseArgs({
    args,
    options: {
      printers: { type: 'string' },
      server: { type: 'string' },
      'api-key': { type: 'string' },
      'time-scale': { type: 'string' },
      duration: { type: 'string' },
      'max-in-flight': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const apiKey = values['api-key'] ?? env.PLOTMETER_API_KEY;
  if (!apiKey)
    throw new UsageError(
      '--api-key (or PLOTMETER_API_KEY) is required: an admin key, e.g. from "node dist/main.js admin create-reseller --name Load --json"',
    );
  const server = values.server ?? env.PLOTMETER_URL ?? 'http://127.0.0.1:4000';
  try {
    new URL(server);
  } catch {
    throw new UsageError(`--server "${server}" is not a URL`);
  }
  const printers = positive(values.printers, 'printers', 100, 100_000);
  if (!Number.isInteger(printers))
    throw new UsageError(`--printers must be a whole number, got "${values.printers}"`);
  return {
    printers,
    server,
    apiKey,
    timeScale: positive(values['time-scale'], 'time-scale', 360, 100_000),
    durationSeconds:
      values.duration === undefined ? null : positive(values.duration, 'duration', 0, 7 * 86_400),
    maxInFlight: Math.round(positive(values['max-in-flight'], 'max-in-flight', 64, 10_000)),
    seed: Math.round(positive(values.seed, 'seed', (Date.now() % 2 ** 31) + 1, 2 ** 31 - 1)),
    json: values.json,
  };
}

async function graphql<T>(
  server: string,
  apiKey: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await fetch(new URL('/graphql', server), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data)
    throw new Error(`GraphQL ${res.status}: ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  return body.data;
}

/** Upload latencies in ms, kept per reporting window. */
class LatencyWindow {
  private samples: number[] = [];
  record(ms: number): void {
    this.samples.push(ms);
  }
  drain(): { count: number; p50: number | null; p95: number | null; p99: number | null } {
    const s = this.samples.sort((a, b) => a - b);
    this.samples = [];
    const q = (p: number) =>
      s.length === 0 ? null : Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
    return { count: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99) };
  }
}

function timedLink(link: DeviceLink, latency: LatencyWindow): DeviceLink {
  return {
    async post(path, body) {
      const started = performance.now();
      const outcome = await link.post(path, body);
      if (outcome.kind === 'accepted') latency.record(performance.now() - started);
      return outcome;
    },
  };
}

export async function runLoad(
  options: LoadOptions,
  log: (line: string) => void = console.log,
): Promise<void> {
  const { createCustomer } = await graphql<{ createCustomer: { id: string } }>(
    options.server,
    options.apiKey,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    {
      input: {
        name: `Load test ${new Date().toISOString()} (${options.printers} printers, seed ${options.seed})`,
      },
    },
  );
  log(`customer ${createCustomer.id}; registering ${options.printers} printers at ${options.server}`);
  const latency = new LatencyWindow();
  let registered = 0;
  const registering = setInterval(() => log(`registered ${registered}/${options.printers}`), 10_000);
  const clock = new SimClock({ scale: options.timeScale });
  const fleet = new Fleet({
    clock,
    seed: options.seed,
    models: MODELS,
    historyHours: 1,
    maxInFlight: options.maxInFlight,
    direct: {
      count: options.printers,
      serverUrl: options.server,
      credentialFor: async (p): Promise<DeviceCredential> => {
        const data = await graphql<{ registerPrinter: { credential: DeviceCredential } }>(
          options.server,
          options.apiKey,
          'mutation ($input: RegisterPrinterInput!) { registerPrinter(input: $input) { credential { keyId secret } } }',
          {
            input: {
              customerId: createCustomer.id,
              serialNumber: p.serialNumber,
              productNumber: p.model.productNumber,
            },
          },
        );
        registered++;
        return data.registerPrinter.credential;
      },
      linkFor: (_p, credential) => timedLink(httpDeviceLink(options.server, credential), latency),
      registerConcurrency: 16,
    },
    log,
  });
  try {
    await fleet.start();
  } finally {
    clearInterval(registering);
  }
  log(
    `${options.printers} printers reporting; one simulated hour every ${(3600 / options.timeScale).toFixed(1)} s`,
  );

  let last = fleet.stats();
  let lastAt = Date.now();
  const report = () => {
    const now = Date.now();
    const s = fleet.stats();
    const secs = (now - lastAt) / 1000;
    const l = latency.drain();
    const rate = (a: number, b: number) => ((a - b) / secs).toFixed(1);
    log(
      `reports ${rate(s.reportsSent, last.reportsSent)}/s, alerts ${rate(s.alertBatchesSent, last.alertBatchesSent)}/s, jobs ${rate(s.jobsSent, last.jobsSent)}/s; ` +
        `latency p50 ${l.p50 ?? '-'} ms, p95 ${l.p95 ?? '-'} ms, p99 ${l.p99 ?? '-'} ms; queued ${s.queued}, retries ${s.retries - last.retries}, rejected ${s.rejected - last.rejected}`,
    );
    last = s;
    lastAt = now;
  };
  const ticker = setInterval(report, 10_000);
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (options.durationSeconds !== null) setTimeout(done, options.durationSeconds * 1000).unref();
  });
  clearInterval(ticker);
  await fleet.stop();
  const s = fleet.stats();
  const summary = { ...s, seconds: Math.round((Date.now() - started) / 1000), seed: options.seed };
  log(options.json ? JSON.stringify(summary) : `done: ${JSON.stringify(summary)}`);
}

/** The command line: `npm run load` runs this file, the `plotmeter-load` bin calls main() (bin/). */
export function main(): void {
  let options: LoadOptions;
  try {
    options = parseLoadArgs(process.argv.slice(2), process.env);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`${(err as Error).message}${usage ? `\n\n${USAGE}` : ''}`);
    process.exit(2);
  }
  runLoad(options).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`load: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}

if (require.main === module) main();
