// The collector behind a customer's authenticating proxy, against the real server over HTTPS: a
// CONNECT proxy with Basic authentication runs as its own process. Enrollment and uploads go through
// it (from HTTPS_PROXY, then from the portal's proxy setting); printers are still reached directly; a
// wrong proxy password is a clear error naming the proxy, and the batch waits in the spool until the
// password is right.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

const PIWS_HOST = '127.0.0.25';

/** The proxy process and what it was asked to tunnel. */
async function startProxy(user: string, password: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(__dirname, '../../collector/test/support/basic-auth-proxy.cjs'), user, password],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const connects: Array<{ connect: string; status: number }> = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`proxy exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { listening?: number; connect?: string; status?: number };
      if (msg.listening) resolve(msg.listening);
      else connects.push(msg as { connect: string; status: number });
    });
  });
  return { child, port, connects };
}

describe('collector behind an authenticating proxy', () => {
  let certs: TestCerts;
  let db: TestDatabase;
  let app: TestApp;
  let apiKey: string;
  let collectorId: string;
  let piws: SimulatedPrinter;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let portalHost: string;
  const stateDir = mkdtempSync(join(tmpdir(), 'pm-proxy-'));
  // No NO_PROXY from the machine running the tests: the portal is on localhost.
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    collectorCli(args, { env: { PATH: process.env.PATH, ...extra } });
  const viaProxy = (password: string) => ({
    HTTPS_PROXY: `http://plotter:${password}@127.0.0.1:${proxy.port}`,
  });
  const spooled = () => readdirSync(join(stateDir, 'spool')).filter((n) => n.endsWith('.json.gz'));
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const r = await app.gql<T>(query, variables, apiKey);
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const jobNames = async () =>
    (
      await gql<{ jobs: { edges: Array<{ node: { name: string } }> } }>(
        `{ jobs(first: 100) { edges { node { name } } } }`,
      )
    ).jobs.edges.map((e) => e.node.name);
  const configure = (input: Record<string, unknown>) =>
    gql(
      `mutation($id: ID!, $input: UpdateCollectorConfigInput!) { updateCollectorConfig(collectorId: $id, input: $input) { id } }`,
      { id: collectorId, input },
    );

  beforeAll(async () => {
    certs = makeCerts(['127.0.0.1', PIWS_HOST], ['localhost']);
    db = await createTestDatabase();
    const port = await freePort();
    portalHost = `localhost:${port}`;
    app = await startHttpsTestApp(db, certs, port);
    apiKey = (await newReseller(app.services.orm.em, 'Proxy')).apiKey;
    proxy = await startProxy('plotter', 's3cret:with/odd@chars');
    piws = await startSimulatedPrinter(PIWS_HOST, certs, 'SG-PROXY-1');
  }, 120_000);

  afterAll(async () => {
    proxy?.child.kill('SIGTERM');
    await piws?.stop();
    await app?.close();
  });

  it(
    'enrolls and uploads through the proxy named in HTTPS_PROXY; printers are reached directly',
    { timeout: 120_000 },
    async () => {
      const customer = await gql<{ createCustomer: { id: string } }>(
        `mutation { createCustomer(input: {name: "Behind Proxy AG"}) { id } }`,
      );
      const { token } = (
        await gql<{ createCollectorEnrollment: { token: string } }>(
          `mutation($c: ID!) { createCollectorEnrollment(customerId: $c) { token } }`,
          { c: customer.createCustomer.id },
        )
      ).createCollectorEnrollment;
      const password = encodeURIComponent('s3cret:with/odd@chars');
      const enrolled = await cli(
        enrollArgs({ server: `https://${portalHost}`, token, caFile: certs.caFile, stateDir }),
        viaProxy(password),
      );
      expect(enrolled.code, enrolled.err).toBe(0);
      expect(proxy.connects).toContainEqual({ connect: portalHost, status: 200 });
      collectorId = (
        JSON.parse(readFileSync(join(stateDir, 'credential.json'), 'utf8')) as { collectorId: string }
      ).collectorId;
      const [https, http] = piws.ports;
      await configure({ ipRanges: [PIWS_HOST], ports: { https, http, ipp: 9, snmp: 9 } });
      piws.addJob('through-the-proxy.pdf');
      const run = await cli(['run', '--once', '--state-dir', stateDir], viaProxy(password));
      expect(run.code, run.err).toBe(0);
      await eventually(async () => (await jobNames()).includes('through-the-proxy.pdf'), 30_000);
      // Only the portal went through the proxy, never a printer.
      expect(new Set(proxy.connects.map((c) => c.connect))).toEqual(new Set([portalHost]));
    },
  );

  it(
    'a wrong proxy password is a clear error and the data waits in the spool',
    { timeout: 120_000 },
    async () => {
      piws.addJob('held-by-the-proxy.pdf');
      const refused = await cli(['run', '--once', '--state-dir', stateDir], viaProxy('wrong'));
      expect(refused.code, refused.err).toBe(0);
      expect(refused.out).toMatch(
        /upload failed \(the proxy http:\/\/127\.0\.0\.1:\d+\/ refused the collector's proxy credentials \(HTTP 407 Proxy Authentication Required\)/,
      );
      expect(proxy.connects).toContainEqual({ connect: portalHost, status: 407 });
      expect(spooled().length).toBeGreaterThan(0);
      const status = await cli(['status', '--state-dir', stateDir]);
      expect(status.out).toMatch(/HTTP 407 Proxy Authentication Required/);

      const fixed = await cli(
        ['run', '--once', '--state-dir', stateDir],
        viaProxy(encodeURIComponent('s3cret:with/odd@chars')),
      );
      expect(fixed.code, fixed.err).toBe(0);
      expect(spooled()).toEqual([]);
      await eventually(async () => (await jobNames()).includes('held-by-the-proxy.pdf'), 30_000);
    },
  );

  it('the portal proxy setting wins over the environment', { timeout: 120_000 }, async () => {
    await configure({
      proxy: {
        url: `http://127.0.0.1:${proxy.port}`,
        username: 'plotter',
        password: 's3cret:with/odd@chars',
      },
    });
    // The configuration is taken up at the next cycle; this one still uses the environment's proxy.
    const takeUp = await cli(
      ['run', '--once', '--state-dir', stateDir],
      viaProxy(encodeURIComponent('s3cret:with/odd@chars')),
    );
    expect(takeUp.code, takeUp.err).toBe(0);
    const before = proxy.connects.filter((c) => c.status === 200).length;
    piws.addJob('portal-proxy.pdf');
    // A dead proxy in the environment: only the portal's setting can be what works.
    const run = await cli(['run', '--once', '--state-dir', stateDir], { HTTPS_PROXY: 'http://127.0.0.1:9' });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/uploaded/);
    expect(proxy.connects.filter((c) => c.status === 200).length).toBeGreaterThan(before);
    await eventually(async () => (await jobNames()).includes('portal-proxy.pdf'), 30_000);
  });
});
