// `npm run demo`: migrate, seed a fresh demo tenant (customers, sites, a contract, a collector
// enrollment), serve with every role, start a simulated fleet — LAN printers polled by the real
// collector (a child process) and direct-connect printers posting signed reports — and run until
// Ctrl-C, then stop everything. PORT and DATABASE_URL are honoured; the secret key is generated on
// the first run and kept in <state dir>/state.json.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Fleet, SimClock, makePrinterCertificate } from '@plotmeter/simulator';
import { startApp } from '../app';
import { loadConfig } from '../config';
import { initOrm } from '../db/orm';
import { SecretBox } from '../auth/secrets';
import { runMigrate, UsageError, waitForSignal } from './commands';
import { DemoCollector } from './demo-collector';
import {
  coverLanPrinters,
  pointCollectorAtLan,
  registerDemoPrinter,
  seedDemoTenant,
  type DemoTenant,
} from './demo-seed';

interface DemoState {
  secretKey: string;
}

export interface DemoOptions {
  stateDir: string;
  lan: number;
  direct: number;
  /** Simulated seconds per real second. */
  timeScale: number;
  lanBaseAddress: string;
  seed: number;
}

export const DEMO_USAGE = `demo [--lan N] [--direct N] [--time-scale X] [--seed N] [--lan-base-address IP] [--state-dir DIR]
  --lan N               simulated LAN printers polled by the collector (default 20)
  --direct N            simulated direct-connect printers (default 10)
  --time-scale X        simulated seconds per real second (default 60: an hour per minute)
  --seed N              fleet seed; the same seed gives the same printers and history (default 1)
  --lan-base-address IP first LAN printer address; the others follow (default 127.0.1.1)
  --state-dir DIR       secret key, collector state and logs (default .demo)`;

function intOption(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export function parseDemoArgs(args: string[]): DemoOptions {
  const { values } = parseArgs({
    args,
    options: {
      lan: { type: 'string' },
      direct: { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      'lan-base-address': { type: 'string' },
      'state-dir': { type: 'string' },
    },
    strict: true,
  });
  const timeScale = values['time-scale'] === undefined ? 60 : Number(values['time-scale']);
  if (!Number.isFinite(timeScale) || timeScale < 1 || timeScale > 100_000) {
    throw new UsageError(`--time-scale must be a number from 1 to 100000, got "${values['time-scale']}"`);
  }
  const lanBaseAddress = values['lan-base-address'] ?? '127.0.1.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lanBaseAddress))
    throw new UsageError(`--lan-base-address must be a loopback address 127.x.y.z, got "${lanBaseAddress}"`);
  return {
    stateDir: path.resolve(values['state-dir'] ?? '.demo'),
    lan: intOption(values.lan, 'lan', 20, 0, 250),
    direct: intOption(values.direct, 'direct', 10, 0, 5000),
    timeScale,
    lanBaseAddress,
    seed: intOption(values.seed, 'seed', 1, 1, 2 ** 31 - 1),
  };
}

async function loadState(file: string): Promise<DemoState> {
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as Partial<DemoState>;
    if (typeof state.secretKey === 'string' && state.secretKey.length >= 32)
      return { secretKey: state.secretKey };
  } catch {
    // First run (or an unreadable file): start with a new key.
  }
  return { secretKey: randomBytes(48).toString('base64url') };
}

function banner(
  url: string,
  apiKey: string,
  o: DemoOptions,
  collectorIntervalSeconds: number,
  users: DemoTenant['consoleUsers'],
): string {
  const query = `{ printers(first: 5) { totalCount edges { node { serialNumber productName connectionType engineState cartridges { color levelPercent } } } } jobs(first: 5) { totalCount edges { node { name userName mediaAreaM2 inkTotalMl printer { serialNumber } } } } }`;
  const subscription = `subscription { alertRaised(filter: {minSeverity: ERROR}) { id code severity message raisedAt printer { serialNumber } } }`;
  return [
    '',
    'Plotmeter demo is running.',
    `Console:          ${url}/   (sign in as ${users.adminEmail}, password ${users.password};`,
    `                  technician: ${users.technicianEmail}, same password)`,
    `GraphQL explorer: ${url}/graphql   (open it in a browser)`,
    `Readiness:        ${url}/readyz`,
    `API key: ${apiKey}`,
    `Fleet: ${o.lan} LAN printers (polled by the collector every ${collectorIntervalSeconds} s) and ${o.direct} direct-connect printers; one simulated hour every ${Math.round(3600 / o.timeScale)} s.`,
    '',
    'Paste into the explorer (header  {"Authorization": "Bearer <API key>"}):',
    `  ${query}`,
    '',
    'Live high-severity alerts (WebSocket, connectionParams {"authorization": "Bearer <API key>"}):',
    `  ${subscription}`,
    '',
    'Or with curl:',
    `  curl -s ${url}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${apiKey}' \\`,
    `       -d '${JSON.stringify({ query: '{ printers { totalCount } jobs { totalCount } alerts(filter: {minSeverity: ERROR}) { totalCount } }' })}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

export async function runDemo(args: string[]): Promise<void> {
  const options = parseDemoArgs(args);
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const stateFile = path.join(options.stateDir, 'state.json');
  const state = await loadState(stateFile);
  await writeFile(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  // Request logs would drown the banner; LOG_LEVEL=info brings them back.
  const env = {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PLOTMETER_SECRET_KEY: process.env.PLOTMETER_SECRET_KEY ?? state.secretKey,
  };
  const config = loadConfig(env, { requireSecretKey: true });
  await runMigrate(config);

  const orm = await initOrm(config.DATABASE_URL);
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stack.reverse())
      await stop().catch((err: unknown) => console.error('demo: stop failed:', err));
  };
  try {
    const tenant = await seedDemoTenant(orm.em.fork());
    const app = await startApp(config);
    stack.push(() => app.stop());
    const url = app.url ?? `http://${config.HOST}:${config.PORT}`;

    const clock = new SimClock({ scale: options.timeScale });
    const secrets = new SecretBox(config.PLOTMETER_SECRET_KEY!);
    let registered = 0;
    const fleet = new Fleet({
      clock,
      seed: options.seed,
      lan: {
        count: options.lan,
        baseAddress: options.lanBaseAddress,
        tls: options.lan > 0 ? makePrinterCertificate() : null,
      },
      direct: {
        count: options.direct,
        serverUrl: url,
        credentialFor: (p) =>
          registerDemoPrinter(orm.em.fork(), secrets, tenant, registered++, {
            serialNumber: p.serialNumber,
            productNumber: p.model.productNumber,
            productName: p.model.productName,
          }),
      },
      historyHours: 2,
      faultEveryHours: 2,
      boardSwapAfterHours: 12,
      log: (line) => console.log(`[fleet] ${line}`),
    });
    stack.push(() => fleet.stop());
    await fleet.start();

    // The collector polls the LAN printers every 30 simulated minutes, but never more often than
    // every 5 real seconds.
    const collectorIntervalSeconds = Math.max(5, Math.round(1800 / options.timeScale));
    if (options.lan > 0) {
      const collector = new DemoCollector({
        serverUrl: url,
        token: tenant.collectorToken,
        stateDir: path.join(options.stateDir, 'collector'),
        logFile: path.join(options.stateDir, 'collector.log'),
        intervalSeconds: collectorIntervalSeconds,
      });
      stack.push(() => collector.stop());
      await collector.enroll();
      await pointCollectorAtLan(orm.em, tenant, { ipRange: fleet.lanIpRange, ports: fleet.lanPorts });
      collector.start();
      // Northwind's contract covers each LAN printer as soon as the collector has reported it.
      const cover = setInterval(() => {
        coverLanPrinters(app.services.orm.em, tenant)
          .then((added) => {
            if (added > 0) console.log(`[billing] ${added} LAN printer(s) joined the Northwind contract`);
          })
          .catch((err: unknown) => console.error('demo: covering LAN printers failed:', err));
      }, 5_000);
      cover.unref();
      stack.push(async () => clearInterval(cover));
      console.log(
        `[collector] enrolled; polling ${fleet.lanIpRange}; log in ${path.join(options.stateDir, 'collector.log')}`,
      );
    }
    await orm.close(true);

    console.log(banner(url, tenant.apiKey, options, collectorIntervalSeconds, tenant.consoleUsers));
    const status = setInterval(() => {
      const s = fleet.stats();
      console.log(
        `[fleet] simulated ${clock.now().toISOString().slice(0, 16)}Z: ${s.jobs} jobs, ${s.alerts} alerts; direct printers sent ${s.reportsSent} reports and ${s.alertBatchesSent} alert batches${s.queued ? `, ${s.queued} queued` : ''}`,
      );
    }, 30_000);
    status.unref();
    stack.push(async () => clearInterval(status));
    await waitForSignal(stopAll, config.SHUTDOWN_TIMEOUT_MS);
    console.log('demo stopped');
  } catch (err) {
    await stopAll();
    await orm.close(true).catch(() => undefined);
    throw err;
  }
}
