// The collector CLI (compiled, its own process) against the real server over HTTPS, through what a
// reseller does after installing it: an empty scan still shows the collector's health in the portal;
// revoking stops it at once and re-enrolling the same state directory brings it back with its spool;
// a rotation the portal asks for gives it a new key, and batches spooled before are delivered signed
// with the new key.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
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

const cli = (args: string[]) => collectorCli(args);

const PIWS_HOST = '127.0.0.21';
const EMPTY_HOST = '127.0.0.22';

describe('collector lifecycle: CLI -> Plotmeter server', () => {
  let certs: TestCerts;
  let db: TestDatabase;
  let app: TestApp;
  let port: number;
  let apiKey: string;
  let collectorId: string;
  let piws: SimulatedPrinter;
  const stateDir = mkdtempSync(join(tmpdir(), 'pm-lifecycle-'));
  const run = () => cli(['run', '--once', '--state-dir', stateDir]);
  const credential = () =>
    JSON.parse(readFileSync(join(stateDir, 'credential.json'), 'utf8')) as {
      keyId: string;
      collectorId: string;
    };
  const spooled = () => readdirSync(join(stateDir, 'spool')).filter((n) => n.endsWith('.json.gz'));
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const r = await app.gql<T>(query, variables, apiKey);
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const enroll = (token: string) =>
    cli(enrollArgs({ server: `https://localhost:${port}`, token: token, caFile: certs.caFile, stateDir }));
  const configure = (host: string) => {
    const [https, http] = piws.ports;
    return gql(
      `mutation($id: ID!, $input: UpdateCollectorConfigInput!) { updateCollectorConfig(collectorId: $id, input: $input) { id } }`,
      { id: collectorId, input: { ipRanges: [host], ports: { https, http, ipp: 9, snmp: 9 } } },
    );
  };
  const startServer = async () => {
    app = await startHttpsTestApp(db, certs, port);
  };
  const jobNames = async () => {
    const r = await gql<{ jobs: { edges: Array<{ node: { name: string } }> } }>(
      `{ jobs(first: 100) { edges { node { name } } } }`,
    );
    return r.jobs.edges.map((e) => e.node.name);
  };

  beforeAll(async () => {
    certs = makeCerts(['127.0.0.1', PIWS_HOST], ['localhost']);
    db = await createTestDatabase();
    port = await freePort();
    await startServer();
    apiKey = (await newReseller(app.services.orm.em, 'Lifecycle')).apiKey;
    const customer = await gql<{ createCustomer: { id: string } }>(
      `mutation { createCustomer(input: {name: "Surveyors Ltd"}) { id } }`,
    );
    piws = await startSimulatedPrinter(PIWS_HOST, certs, 'SG-LC-T1700');
    const enrollment = await gql<{ createCollectorEnrollment: { token: string } }>(
      `mutation($c: ID!) { createCollectorEnrollment(customerId: $c) { token } }`,
      { c: customer.createCustomer.id },
    );
    const enrolled = await enroll(enrollment.createCollectorEnrollment.token);
    expect(enrolled.code, enrolled.err).toBe(0);
    collectorId = credential().collectorId;
  }, 120_000);

  afterAll(async () => {
    await piws?.stop();
    await app?.close();
  });

  it(
    'an empty scan still delivers the collector health, with the errors of the last cycles',
    { timeout: 120_000 },
    async () => {
      await configure(EMPTY_HOST);
      await app.stop();
      const offline = await run();
      expect(offline.code).toBe(1);
      await startServer();
      const empty = await run();
      expect(empty.code).toBe(1);
      expect(empty.err).toMatch(
        /no supported printer found in 127\.0\.0\.22.*collector health .* was sent to the portal/,
      );
      const shown = await gql<{
        collector: {
          health: {
            lastPollAt: string | null;
            addressesScanned: number;
            printersFound: number;
            errors: Array<{ message: string }>;
          };
        };
      }>(
        `query($id: ID!) { collector(id: $id) { health { lastPollAt addressesScanned printersFound errors { message } } } }`,
        {
          id: collectorId,
        },
      );
      expect(shown.collector.health).toMatchObject({ addressesScanned: 1, printersFound: 0 });
      expect(shown.collector.health.lastPollAt).not.toBeNull();
      // The cycle during the outage could not report; the next one says so.
      expect(shown.collector.health.errors.map((e) => e.message).join('\n')).toMatch(
        /health not delivered: server unreachable/,
      );
    },
  );

  it(
    'revoked: refused at once, data kept in the spool; re-enrolled: same collector, spool delivered',
    { timeout: 120_000 },
    async () => {
      await configure(PIWS_HOST);
      const first = await run();
      expect(first.code, first.err).toBe(0);
      piws.addJob('before-revoke.pdf');
      await gql(`mutation($id: ID!) { revokeCollector(collectorId: $id) { id } }`, { id: collectorId });
      const refused = await run();
      expect(refused.code).toBe(4);
      expect(refused.err).toMatch(/refused the configuration request.*HTTP 401.*revoked\? enroll again/);
      expect(spooled().length).toBeGreaterThan(0);

      const again = await gql<{ reenrollCollector: { token: string } }>(
        `mutation($id: ID!) { reenrollCollector(collectorId: $id) { token } }`,
        { id: collectorId },
      );
      const enrolled = await enroll(again.reenrollCollector.token);
      expect(enrolled.code, enrolled.err).toBe(0);
      expect(credential().collectorId).toBe(collectorId);
      expect(spooled().length).toBeGreaterThan(0);
      const back = await run();
      expect(back.code, back.err).toBe(0);
      expect(spooled()).toEqual([]);
      await eventually(async () => (await jobNames()).includes('before-revoke.pdf'), 30_000);
    },
  );

  it(
    'rotation: batches spooled under the old key are delivered signed with the new one',
    { timeout: 120_000 },
    async () => {
      const oldKey = credential().keyId;
      piws.addJob('spooled-before-rotation.pdf');
      await app.stop();
      expect((await run()).code).toBe(0);
      const waiting = spooled().map((n) => n.slice(17, 53));
      expect(waiting.length).toBeGreaterThan(0);
      await startServer();
      // One hour of grace: the collector rotates before it uploads anything more with the old key.
      await gql(
        `mutation($id: ID!) { rotateCollectorCredential(collectorId: $id, graceHours: 1) { previousValidUntil } }`,
        {
          id: collectorId,
        },
      );
      const rotated = await run();
      expect(rotated.code, rotated.err).toBe(0);
      expect(rotated.out).toMatch(/credential rotated as the portal asked/);
      const newKey = credential().keyId;
      expect(newKey).not.toBe(oldKey);
      expect(spooled()).toEqual([]);
      await eventually(async () => (await jobNames()).includes('spooled-before-rotation.pdf'), 30_000);
      const keys = await app.services.orm.em
        .fork()
        .execute<Array<{ key_id: string }>>(
          `select distinct key_id from raw_report where report_id in (${waiting.map(() => '?').join(',')})`,
          waiting,
        );
      expect(keys.map((k) => k.key_id)).toEqual([newKey]);
      // The next cycle is not asked again: the new key has no end date.
      const next = await run();
      expect(next.out).not.toMatch(/rotat/);
      expect(credential().keyId).toBe(newKey);
    },
  );
});
