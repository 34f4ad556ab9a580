// The standalone collector a reseller's technician installs on a customer PC: `npm run
// collector:bundle` output, copied alone into an empty folder (no node_modules anywhere above it),
// run with plain Node. It enrolls with the real server over HTTPS and uploads a printer's data, and an
// upgrade (the file replaced by a new build) keeps the credential and delivers what the old one spooled.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedPrinter, startSimulatedPrinter } from '../../collector/test/support/simulated-printer';
import { makeCerts, type TestCerts } from '../../collector/test/support/tls';
import { eventually, type TestApp } from '../support/app';
import { startHttpsTestApp } from '../support/https-app';
import { collectorCli } from '../support/collector-cli';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newReseller } from '../support/factories';
import { freePort } from '../support/net';
import { enrollArgs } from '../../collector/test/support/enroll-args';

const REPO = join(__dirname, '..', '..');
const PIWS_HOST = '127.0.0.23';
const version = (
  JSON.parse(readFileSync(join(REPO, 'collector', 'package.json'), 'utf8')) as { version: string }
).version;

describe('standalone collector bundle on a customer PC', () => {
  let certs: TestCerts;
  let db: TestDatabase;
  let app: TestApp;
  let port: number;
  let apiKey: string;
  let piws: SimulatedPrinter;
  const pc = mkdtempSync(join(tmpdir(), 'pm-customer-pc-'));
  const bundle = join(pc, 'opt', 'plotmeter-collector.cjs');
  const stateDir = join(pc, 'var', 'lib', 'plotmeter-collector');
  // Only what a customer PC has: node, and PATH for the shell tools it may call. No npm, no NODE_PATH.
  const env = { PATH: process.env.PATH, HOME: pc };
  const cli = (args: string[]) => collectorCli(args, { script: bundle, env });
  const build = () =>
    execFileSync(process.execPath, [join(REPO, 'collector', 'scripts', 'bundle.js'), '--out', bundle], {
      cwd: REPO,
      stdio: 'pipe',
    });
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const r = await app.gql<T>(query, variables, apiKey);
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const startServer = async () => {
    app = await startHttpsTestApp(db, certs, port);
  };
  const jobNames = async () =>
    (
      await gql<{ jobs: { edges: Array<{ node: { name: string } }> } }>(
        `{ jobs(first: 100) { edges { node { name } } } }`,
      )
    ).jobs.edges.map((e) => e.node.name);

  beforeAll(async () => {
    build();
    certs = makeCerts(['127.0.0.1', PIWS_HOST], ['localhost']);
    db = await createTestDatabase();
    port = await freePort();
    await startServer();
    apiKey = (await newReseller(app.services.orm.em, 'Standalone')).apiKey;
    piws = await startSimulatedPrinter(PIWS_HOST, certs, 'SG-PC-T1700');
  }, 120_000);

  afterAll(async () => {
    await piws?.stop();
    await app?.close();
  });

  it('is one file that needs nothing but node', async () => {
    expect(existsSync(join(pc, 'node_modules'))).toBe(false);
    const v = await cli(['--version']);
    expect(v.code, v.err).toBe(0);
    expect(v.out.trim()).toBe(version);
    const status = await cli(['status', '--state-dir', stateDir]);
    expect(status.code).toBe(3);
    expect(status.err).toMatch(
      /not enrolled: .*credential\.json does not exist; run "plotmeter-collector enroll/,
    );
  });

  it('enrolls with the portal and uploads the first printer', { timeout: 120_000 }, async () => {
    const customer = await gql<{ createCustomer: { id: string } }>(
      `mutation { createCustomer(input: {name: "Customer PC Ltd"}) { id } }`,
    );
    const token = (
      await gql<{ createCollectorEnrollment: { token: string } }>(
        `mutation($c: ID!) { createCollectorEnrollment(customerId: $c) { token } }`,
        { c: customer.createCustomer.id },
      )
    ).createCollectorEnrollment.token;
    const enrolled = await cli(
      enrollArgs({ server: `https://localhost:${port}`, token: token, caFile: certs.caFile, stateDir }),
    );
    expect(enrolled.code, enrolled.err).toBe(0);
    const collectorId = (
      JSON.parse(readFileSync(join(stateDir, 'credential.json'), 'utf8')) as { collectorId: string }
    ).collectorId;
    const [https, http] = piws.ports;
    await gql(
      `mutation($id: ID!, $input: UpdateCollectorConfigInput!) { updateCollectorConfig(collectorId: $id, input: $input) { id } }`,
      { id: collectorId, input: { ipRanges: [PIWS_HOST], ports: { https, http, ipp: 9, snmp: 9 } } },
    );
    piws.addJob('first-upload.pdf');
    const run = await cli(['run', '--once', '--state-dir', stateDir]);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/uploaded 1 batch\(es\) for 1 printer\(s\)/);
    await eventually(async () => (await jobNames()).includes('first-upload.pdf'), 30_000);
    const status = await cli(['status', '--json', '--state-dir', stateDir]);
    expect(JSON.parse(status.out)).toMatchObject({ collectorId, printersFound: 1, spool: { entries: 0 } });
  });

  it('an upgrade replaces the file and keeps credential, state and spool', { timeout: 120_000 }, async () => {
    piws.addJob('spooled-by-old-version.pdf');
    await app.stop();
    const offline = await cli(['run', '--once', '--state-dir', stateDir]);
    expect(offline.code, offline.err).toBe(0);
    expect(offline.out).toMatch(/spooled for retry/);
    build(); // the upgrade: a new build in place of the old file
    await startServer();
    const after = await cli(['run', '--once', '--state-dir', stateDir]);
    expect(after.code, after.err).toBe(0);
    await eventually(async () => (await jobNames()).includes('spooled-by-old-version.pdf'), 30_000);
  });
});
