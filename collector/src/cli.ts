#!/usr/bin/env node
// plotmeter-collector: enroll | run [--once] | scan | status. Every operator error ends with one
// clear line on stderr and a documented exit code (docs/collector.md), never a stack trace.
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_COLLECTOR_CONFIG, IpRangeError, parseIpRange } from '@plotmeter/protocol';
import {
  ensureStateDir,
  loadCredential,
  loadState,
  resolveStateDir,
  saveCredential,
  saveState,
  type Credential,
} from './config';
import { TIME_SCALE_ENV, clockFromEnv, type Clock } from './clock';
import { adapterContext, runCycle, type CycleDeps } from './cycle';
import { DEFAULT_DISCOVERY, discover } from './discovery';
import { EXIT, OperatorError, errorMessage } from './errors';
import {
  INSECURE_HTTP_FLAG,
  PortalClient,
  PortalError,
  checkPortalUrl,
  isLoopbackHost,
} from './portal-client';
import { runDaemon } from './scheduler';
import { Spool } from './spool';
import { COLLECTOR_VERSION } from './version';

const USAGE = `plotmeter-collector ${COLLECTOR_VERSION}

Usage:
  plotmeter-collector enroll --server URL --token TOKEN [--ca-file PEM] [--state-dir DIR]
                             [--insecure-allow-http]
  plotmeter-collector run [--once] [--printer-ca-file PEM] [--state-dir DIR] [--interval-seconds N]
  plotmeter-collector scan --range CIDR|FROM-TO [--range ...] [--json] [--printer-ca-file PEM]
                           [--ipp-port N] [--https-port N] [--http-port N] [--snmp-port N] [--community S]
  plotmeter-collector status [--json] [--state-dir DIR]

State directory: --state-dir, else $PLOTMETER_COLLECTOR_STATE_DIR, else /var/lib/plotmeter-collector.
--interval-seconds is for development and demos (simulated printers): it replaces the portal's poll
interval and its 30-minute minimum. The portal URL must be https:// (http:// only on this machine, or
with --insecure-allow-http, which sends the enrollment token and the secret in clear text).
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
}

function readPem(path: string | undefined, flag: string): string | null {
  if (path === undefined) return null;
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    return pem;
  } catch (err) {
    throw new OperatorError(`${flag} ${path}: ${errorMessage(err)}`, EXIT.usage);
  }
}

function portFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new OperatorError(`${flag} must be a port number 1-65535, got "${value}"`, EXIT.usage);
  return n;
}

/** A refused portal URL is a usage error whose message names the way out. */
function checkPortalUrlForCli(serverUrl: string, allowInsecureHttp: boolean | undefined): URL {
  try {
    return checkPortalUrl(serverUrl, allowInsecureHttp);
  } catch (err) {
    if (err instanceof PortalError) throw new OperatorError(err.message, EXIT.usage);
    throw err;
  }
}

function portalClient(options: ConstructorParameters<typeof PortalClient>[0], io: Io): PortalClient {
  const url = checkPortalUrlForCli(options.serverUrl, options.allowInsecureHttp);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    io.err(
      `WARNING: ${INSECURE_HTTP_FLAG}: talking to ${url.origin} over plain HTTP; anyone on the network path can read the credential exchange and the printer data`,
    );
  }
  return new PortalClient(options);
}

function warnInsecureEnv(io: Io): void {
  if (io.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    io.err(
      'warning: NODE_TLS_REJECT_UNAUTHORIZED=0 is set; the collector ignores it and still verifies the portal certificate',
    );
  }
}

async function enroll(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      'ca-file': { type: 'string' },
      'state-dir': { type: 'string' },
      'insecure-allow-http': { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.server)
    throw new OperatorError(
      'enroll needs --server URL (the Plotmeter portal, e.g. https://portal.example.com)',
      EXIT.usage,
    );
  if (!values.token)
    throw new OperatorError(
      'enroll needs --token TOKEN (create one in the portal: createCollectorEnrollment)',
      EXIT.usage,
    );
  const allowInsecureHttp = values['insecure-allow-http'] === true;
  // Checked before anything else happens: a refused URL never gets near the token.
  checkPortalUrlForCli(values.server, allowInsecureHttp);
  const stateDir = resolveStateDir(values['state-dir'], io.env);
  await ensureStateDir(stateDir);
  const ca = readPem(values['ca-file'], '--ca-file');
  const client = portalClient(
    { serverUrl: values.server, ca, proxy: null, env: io.env, allowInsecureHttp },
    io,
  );
  try {
    const hostname = osHostname();
    const res = await client.enroll({ token: values.token, hostname, version: COLLECTOR_VERSION });
    const credential: Credential = {
      serverUrl: values.server,
      collectorId: res.collectorId,
      keyId: res.keyId,
      secret: res.secret,
      caFile: values['ca-file'] ?? null,
      ...(allowInsecureHttp ? { allowInsecureHttp } : {}),
      enrolledAt: new Date().toISOString(),
    };
    await saveCredential(stateDir, credential);
    const state = await loadState(stateDir);
    state.config = res.config;
    await saveState(stateDir, state);
    io.out(
      `enrolled as collector ${res.collectorId}; credential stored in ${stateDir}/credential.json (mode 0600)`,
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof PortalError) {
      throw new OperatorError(
        err.message,
        err.status === 401 || err.status === 403 ? EXIT.serverRejected : EXIT.failure,
      );
    }
    throw err;
  } finally {
    await client.close();
  }
}

async function prepareRun(
  stateDir: string,
  printerCaFile: string | undefined,
  io: Io,
): Promise<{ deps: CycleDeps; clock: Clock; close: () => Promise<void> }> {
  await ensureStateDir(stateDir);
  const credential = await loadCredential(stateDir);
  const ca = readPem(credential.caFile ?? undefined, 'caFile in credential.json');
  const state = await loadState(stateDir);
  const client = portalClient(
    {
      serverUrl: credential.serverUrl,
      allowInsecureHttp: credential.allowInsecureHttp === true,
      ca,
      proxy: state.config.proxy,
      env: io.env,
    },
    io,
  );
  const spool = new Spool(stateDir);
  await spool.init();
  const clock = clockFromEnv(io.env);
  if (clock.scale !== 1)
    io.err(
      `warning: ${TIME_SCALE_ENV}=${clock.scale}: time runs ${clock.scale} times faster (for tests only)`,
    );
  const deps: CycleDeps = {
    stateDir,
    credential,
    client,
    spool,
    hostname: osHostname(),
    printerCa: readPem(printerCaFile ?? io.env.PLOTMETER_COLLECTOR_PRINTER_CA_FILE, '--printer-ca-file'),
    now: () => clock.now(),
    log: (line) => io.out(`${clock.now().toISOString()} ${line}`),
  };
  return { deps, clock, close: () => client.close() };
}

async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      once: { type: 'boolean' },
      'state-dir': { type: 'string' },
      'printer-ca-file': { type: 'string' },
      'interval-seconds': { type: 'string' },
    },
    strict: true,
  });
  warnInsecureEnv(io);
  const intervalSeconds =
    values['interval-seconds'] === undefined ? null : Number(values['interval-seconds']);
  if (
    intervalSeconds !== null &&
    !(Number.isInteger(intervalSeconds) && intervalSeconds >= 1 && intervalSeconds <= 86_400)
  ) {
    throw new OperatorError(
      `--interval-seconds must be a whole number of seconds from 1 to 86400, got "${values['interval-seconds']}"`,
      EXIT.usage,
    );
  }
  const stateDir = resolveStateDir(values['state-dir'], io.env);
  const { deps, clock, close } = await prepareRun(stateDir, values['printer-ca-file'], io);
  try {
    if (!values.once) {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      io.out(
        `collector ${COLLECTOR_VERSION} running (${deps.client.proxyDescription}); state in ${stateDir}`,
      );
      if (intervalSeconds !== null) {
        io.err(`warning: polling every ${intervalSeconds} s (--interval-seconds, for development only)`);
      }
      await runDaemon(deps, controller.signal, {
        intervalMsOverride: intervalSeconds === null ? null : intervalSeconds * 1000,
        clock,
      });
      return EXIT.ok;
    }
    const result = await runCycle(deps);
    if (result.configError && !result.configError.transient) {
      throw new OperatorError(
        `the portal refused the configuration request: ${result.configError.message}`,
        EXIT.serverRejected,
      );
    }
    if (result.printersReported === 0 && result.drain.uploaded === 0 && result.drain.pending === 0) {
      const ranges = (await loadState(stateDir)).config.ipRanges;
      throw new OperatorError(
        `no supported printer found in ${ranges.length > 0 ? ranges.join(', ') : '(no IP ranges configured in the portal)'}; nothing uploaded` +
          (result.healthSent ? '; the collector health (with its errors) was sent to the portal' : ''),
        EXIT.failure,
      );
    }
    if (result.drain.deadLettered > 0) {
      throw new OperatorError(
        `${result.drain.deadLettered} batch(es) rejected by the portal; kept in ${deps.spool.deadDir}`,
        EXIT.serverRejected,
      );
    }
    if (result.heldBack !== null) throw new OperatorError(result.heldBack, EXIT.failure);
    if (result.drain.pending > 0) {
      io.out(
        `upload failed (${result.drain.retryReason}); ${result.drain.pending} batch(es) spooled for retry by the daemon`,
      );
    } else {
      io.out(`uploaded ${result.drain.uploaded} batch(es) for ${result.printersReported} printer(s)`);
    }
    return EXIT.ok;
  } finally {
    await close();
  }
}

async function scan(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      range: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      'printer-ca-file': { type: 'string' },
      'ipp-port': { type: 'string' },
      'https-port': { type: 'string' },
      'http-port': { type: 'string' },
      'snmp-port': { type: 'string' },
      community: { type: 'string' },
      'state-dir': { type: 'string' },
    },
    strict: true,
  });
  const ranges = values.range ?? [];
  if (ranges.length === 0)
    throw new OperatorError('scan needs --range CIDR or FROM-TO, e.g. --range 10.0.0.0/24', EXIT.usage);
  for (const r of ranges) {
    try {
      parseIpRange(r);
    } catch (err) {
      if (err instanceof IpRangeError) throw new OperatorError(`bad range ${err.message}`, EXIT.usage);
      throw err;
    }
  }
  const d = DEFAULT_COLLECTOR_CONFIG;
  const config = {
    ...d,
    ipRanges: ranges,
    snmpCommunity: values.community ?? d.snmpCommunity,
    ports: {
      ipp: portFlag(values['ipp-port'], '--ipp-port', d.ports.ipp),
      https: portFlag(values['https-port'], '--https-port', d.ports.https),
      http: portFlag(values['http-port'], '--http-port', d.ports.http),
      snmp: portFlag(values['snmp-port'], '--snmp-port', d.ports.snmp),
    },
  };
  const state = await loadState(resolveStateDir(values['state-dir'], io.env)).catch(() => null);
  const ctx = adapterContext(
    config,
    state ?? ({ tlsPins: {} } as never),
    readPem(values['printer-ca-file'], '--printer-ca-file'),
    3000,
    () => new Date(),
  );
  const unsupported: Array<{ address: string; makeAndModel: string }> = [];
  const progress = io.isTty && !values.json;
  const result = await discover(config, ctx, {
    ...DEFAULT_DISCOVERY,
    onProgress: progress ? (done, total) => process.stderr.write(`\rscanning ${done}/${total}`) : undefined,
    onUnsupported: (address, identity) => unsupported.push({ address, makeAndModel: identity.makeAndModel }),
  });
  if (progress) process.stderr.write('\n');
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          addressesScanned: result.addressesScanned,
          printers: result.printers.map((p) => ({
            address: p.address,
            ...p.identity,
            protocols: p.adapters,
          })),
          unsupported,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(`scanned ${result.addressesScanned} addresses: ${result.printers.length} supported printer(s)`);
    for (const p of result.printers) {
      io.out(
        `  ${p.address}  ${p.identity.makeAndModel}  serial ${p.identity.serialNumber ?? '(unknown)'}  via ${p.adapters.join(', ')}`,
      );
    }
    for (const u of unsupported)
      io.out(`  ${u.address}  ${u.makeAndModel}  (not a supported model, ignored)`);
  }
  return EXIT.ok;
}

async function status(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, 'state-dir': { type: 'string' } },
    strict: true,
  });
  const stateDir = resolveStateDir(values['state-dir'], io.env);
  const credential = await loadCredential(stateDir);
  const state = await loadState(stateDir);
  const spool = new Spool(stateDir);
  const spoolStats = await spool.stats().catch(() => ({ entries: 0, bytes: 0, deadLetters: 0 }));
  const summary = {
    collectorId: credential.collectorId,
    server: credential.serverUrl,
    lastPollAt: state.lastPollAt,
    lastUploadAt: state.lastUploadAt,
    lastUploadResult: state.lastUploadResult,
    nextUploadAt: state.nextUploadAt,
    addressesScanned: state.addressesScanned,
    printersFound: state.printersFound,
    spool: spoolStats,
    heldBack: state.heldBack,
    lastErrors: state.lastErrors.slice(-10),
  };
  if (values.json) {
    io.out(JSON.stringify(summary, null, 2));
    return EXIT.ok;
  }
  io.out(`collector ${summary.collectorId} -> ${summary.server}`);
  io.out(
    `last poll:    ${summary.lastPollAt ?? 'never'} (${summary.addressesScanned} addresses, ${summary.printersFound} printers)`,
  );
  io.out(
    `last upload:  ${summary.lastUploadAt ?? 'never'}${summary.lastUploadResult ? ` — ${summary.lastUploadResult}` : ''}`,
  );
  io.out(
    `spool:        ${spoolStats.entries} batch(es), ${spoolStats.bytes} bytes; dead letters: ${spoolStats.deadLetters}`,
  );
  if (summary.heldBack) io.out(`held back:    ${summary.heldBack.reason}`);
  if (summary.lastErrors.length > 0) {
    io.out('last errors:');
    for (const e of summary.lastErrors) io.out(`  ${e.at} ${e.address ? `${e.address} ` : ''}${e.message}`);
  }
  return EXIT.ok;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'enroll':
        return await enroll(rest, io);
      case 'run':
        return await run(rest, io);
      case 'scan':
        return await scan(rest, io);
      case 'status':
        return await status(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      case '--version':
        io.out(COLLECTOR_VERSION);
        return EXIT.ok;
      default:
        io.err(`unknown command "${command}"\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (err) {
    if (err instanceof OperatorError) {
      io.err(`plotmeter-collector: ${err.message}`);
      return err.exitCode;
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`plotmeter-collector: ${(err as Error).message}\n${USAGE}`);
      return EXIT.usage;
    }
    io.err(`plotmeter-collector: unexpected error: ${errorMessage(err)}`);
    return EXIT.failure;
  }
}

/** The process entry: bin/plotmeter-collector.js, the standalone bundle and `node dist/cli.js` call it. */
export function runCli(): void {
  main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    isTty: Boolean(process.stderr.isTTY),
    env: process.env,
  }).then(
    (code) => process.exit(code),
    () => process.exit(EXIT.failure),
  );
}

if (require.main === module) runCli();
