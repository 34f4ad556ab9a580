// A collector's lifecycle as ingest and the portal see it: health sent on its own (a cycle without a
// report), revoke and archive refused at once (the revoking process drops its cached credential),
// re-enrollment of the same collector, and credential rotation over the signed channel with its grace
// period. All through the real HTTP surface (GraphQL and the signed ingest routes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newCollector, newCustomer, newReseller } from '../support/factories';
import { sendSigned, type Credential } from '../support/signed';

let app: TestApp;
let resellerId: string;
let customerId: string;
let apiKey: string;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api', 'ingest'] });
  const em = app.services.orm.em;
  const reseller = await newReseller(em);
  resellerId = reseller.reseller.id;
  apiKey = reseller.apiKey;
  customerId = (await newCustomer(em, resellerId)).id;
});
afterAll(async () => app?.close());

const getConfig = (key: Credential) => sendSigned(app.url, key, '/ingest/v1/config', null, { method: 'GET' });
const health = (key: Credential, body: unknown) =>
  sendSigned(app.url, key, '/ingest/v1/collector-health', body, { gzip: false });
const rotate = (key: Credential) =>
  sendSigned(app.url, key, '/ingest/v1/credential/rotate', '', { gzip: false });

async function mutation<T>(query: string, variables: Record<string, unknown> = {}) {
  const result = await app.gql<T>(query, variables, apiKey);
  return result;
}

const COLLECTOR = `query($id: ID!) { collector(id: $id) { id revokedAt archivedAt
  health { lastPollAt addressesScanned printersFound version errors { at message address } } } }`;

async function auditActions(collectorId: string): Promise<string[]> {
  const rows = await app.services.orm.em
    .fork()
    .execute<Array<{ action: string }>>(
      `select action from audit_event where target_id = ? and action like 'collector.%' order by at, id`,
      [collectorId],
    );
  return rows.map((r) => r.action);
}

describe('collector health without a report', () => {
  it('is stored and shown over GraphQL; an older poll does not replace a newer one', async () => {
    const c = await newCollector(app.services.orm.em, resellerId, customerId);
    const sent = await health(c, {
      schemaVersion: 1,
      collector: {
        version: '0.2.0',
        hostname: 'pc-reception',
        addressesScanned: 254,
        printersFound: 0,
        lastPollAt: '2026-12-07T10:00:00.000Z',
        errors: [
          { at: '2026-12-07T09:59:00.000Z', message: 'no answer from 10.0.0.12', address: '10.0.0.12' },
        ],
      },
    });
    expect(sent.status).toBe(204);
    const older = await health(c, {
      schemaVersion: 1,
      collector: {
        addressesScanned: 1,
        printersFound: 0,
        lastPollAt: '2026-12-07T09:00:00.000Z',
        errors: [],
      },
    });
    expect(older.status).toBe(204);
    const shown = await mutation<{ collector: { health: Record<string, unknown> } }>(COLLECTOR, {
      id: c.collectorId,
    });
    expect(shown.data!.collector.health).toMatchObject({
      lastPollAt: '2026-12-07T10:00:00.000Z',
      addressesScanned: 254,
      printersFound: 0,
      version: '0.2.0',
      errors: [{ message: 'no answer from 10.0.0.12', address: '10.0.0.12' }],
    });
  });

  it('answers a malformed body with 400 naming the field, and a printer key with 403', async () => {
    const c = await newCollector(app.services.orm.em, resellerId, customerId);
    const bad = await health(c, {
      schemaVersion: 1,
      collector: { printersFound: -1, lastPollAt: 'yesterday' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => e.path).sort()).toEqual([
      'collector.lastPollAt',
      'collector.printersFound',
    ]);
    const none = await health(c, { schemaVersion: 1 });
    expect(none.status).toBe(400);
    expect(none.body.errors![0]!.path).toBe('collector');
  });
});

describe('revoke, archive, re-enroll', () => {
  it('revoking is refused at once by this process, and re-enrolling brings the same collector back', async () => {
    const c = await newCollector(app.services.orm.em, resellerId, customerId);
    // Cached as valid by this request: the revocation must drop it, not wait for the cache to expire.
    expect((await getConfig(c)).status).toBe(200);
    const revoked = await mutation<{ revokeCollector: { id: string; revokedAt: string | null } }>(
      `mutation($id: ID!) { revokeCollector(collectorId: $id) { id revokedAt } }`,
      { id: c.collectorId },
    );
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeCollector.revokedAt).not.toBeNull();
    const refused = await getConfig(c);
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('unknown_key');
    expect((await health(c, { schemaVersion: 1, collector: {} })).status).toBe(401);

    const again = await mutation<{ reenrollCollector: { token: string; expiresAt: string } }>(
      `mutation($id: ID!) { reenrollCollector(collectorId: $id) { token expiresAt } }`,
      { id: c.collectorId },
    );
    expect(again.errors).toBeUndefined();
    const enrolled = await fetch(`${app.url}/ingest/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: again.data!.reenrollCollector.token,
        hostname: 'pc-new',
        version: '0.2.0',
      }),
    });
    expect(enrolled.status).toBe(200);
    const fresh = (await enrolled.json()) as Credential & { collectorId: string; revokedKeyIds?: unknown };
    expect(fresh.collectorId).toBe(c.collectorId);
    expect(fresh.keyId).not.toBe(c.keyId);
    expect(fresh.revokedKeyIds).toBeUndefined();
    expect((await getConfig(fresh)).status).toBe(200);
    expect((await getConfig(c)).status).toBe(401);
    const shown = await mutation<{ collector: { revokedAt: string | null } }>(COLLECTOR, {
      id: c.collectorId,
    });
    expect(shown.data!.collector.revokedAt).toBeNull();
    expect(await auditActions(c.collectorId)).toEqual([
      'collector.enroll',
      'collector.revoke',
      'collector.enrollment.create',
      'collector.reenroll',
    ]);
  });

  it('a re-enrollment token revokes the credential in use when it is redeemed', async () => {
    const c = await newCollector(app.services.orm.em, resellerId, customerId);
    expect((await getConfig(c)).status).toBe(200);
    const again = await mutation<{ reenrollCollector: { token: string } }>(
      `mutation($id: ID!) { reenrollCollector(collectorId: $id) { token } }`,
      { id: c.collectorId },
    );
    // Not yet redeemed: the installed collector keeps working.
    expect((await getConfig(c)).status).toBe(200);
    const enrolled = await fetch(`${app.url}/ingest/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: again.data!.reenrollCollector.token, hostname: 'pc', version: '0.2.0' }),
    });
    expect(enrolled.status).toBe(200);
    expect((await getConfig(c)).status).toBe(401);
  });

  it('archiving refuses the collector, hides it from the list, and it cannot be re-enrolled', async () => {
    const c = await newCollector(app.services.orm.em, resellerId, customerId);
    expect((await getConfig(c)).status).toBe(200);
    const archived = await mutation<{ archiveCollector: { archivedAt: string | null; revokedAt: string } }>(
      `mutation($id: ID!) { archiveCollector(collectorId: $id) { archivedAt revokedAt } }`,
      { id: c.collectorId },
    );
    expect(archived.data!.archiveCollector.archivedAt).not.toBeNull();
    expect((await getConfig(c)).status).toBe(401);
    const list = await mutation<{ collectors: { edges: Array<{ node: { id: string } }> } }>(
      `{ collectors(first: 100) { edges { node { id } } } }`,
    );
    expect(list.data!.collectors.edges.map((e) => e.node.id)).not.toContain(c.collectorId);
    const again = await mutation(`mutation($id: ID!) { reenrollCollector(collectorId: $id) { token } }`, {
      id: c.collectorId,
    });
    expect(again.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(again.errors![0]!.message).toMatch(/archived; create a new enrollment/);
  });

  it('only admins may revoke, and another reseller cannot touch the collector', async () => {
    const c = await newCollector(app.services.orm.em, resellerId, customerId);
    const other = await newReseller(app.services.orm.em);
    const foreign = await app.gql(
      `mutation($id: ID!) { revokeCollector(collectorId: $id) { id } }`,
      { id: c.collectorId },
      other.apiKey,
    );
    expect(foreign.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await getConfig(c)).status).toBe(200);
  });
});

describe('credential rotation', () => {
  it('the portal asks, the collector exchanges its key over the signed channel, the old key lasts the grace period', async () => {
    const c = await newCollector(app.services.orm.em, resellerId, customerId);
    const before = await getConfig(c);
    expect(before.headers.get('x-plotmeter-credential-rotate')).toBeNull();
    const asked = await mutation<{
      rotateCollectorCredential: { previousValidUntil: string; collector: { id: string } };
    }>(
      `mutation($id: ID!) { rotateCollectorCredential(collectorId: $id, graceHours: 2) { previousValidUntil collector { id } } }`,
      { id: c.collectorId },
    );
    expect(asked.errors).toBeUndefined();
    const until = Date.parse(asked.data!.rotateCollectorCredential.previousValidUntil);
    expect(Math.abs(until - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000);

    const told = await getConfig(c);
    expect(told.status).toBe(200);
    expect(told.headers.get('x-plotmeter-credential-rotate')).toBe('required');
    expect(Date.parse(told.headers.get('x-plotmeter-credential-expires')!)).toBe(until);

    const first = await rotate(c);
    expect(first.status).toBe(200);
    const firstKey = first.body as unknown as Credential & { previousValidUntil: string };
    expect(firstKey.keyId).not.toBe(c.keyId);
    expect(Date.parse(firstKey.previousValidUntil)).toBe(until);
    const withNew = await getConfig(firstKey);
    expect(withNew.status).toBe(200);
    expect(withNew.headers.get('x-plotmeter-credential-rotate')).toBeNull();

    // The answer was lost: the collector asks again with its old key. The key it never received ends.
    const second = await rotate(c);
    expect(second.status).toBe(200);
    const secondKey = second.body as unknown as Credential;
    expect((await getConfig(firstKey)).status).toBe(401);
    expect((await getConfig(secondKey)).status).toBe(200);
    // Within the grace period the old key still works (and is still told to rotate).
    expect((await getConfig(c)).headers.get('x-plotmeter-credential-rotate')).toBe('required');
    expect(await auditActions(c.collectorId)).toEqual([
      'collector.enroll',
      'collector.credential.rotate.request',
      'collector.credential.rotate',
      'collector.credential.rotate',
    ]);
  });

  it('refuses a grace period out of range and a revoked collector', async () => {
    const c = await newCollector(app.services.orm.em, resellerId, customerId);
    const bad = await mutation(
      `mutation($id: ID!) { rotateCollectorCredential(collectorId: $id, graceHours: 0) { previousValidUntil } }`,
      { id: c.collectorId },
    );
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toMatch(/graceHours must be a whole number from 1 to 720/);
    await mutation(`mutation($id: ID!) { revokeCollector(collectorId: $id) { id } }`, { id: c.collectorId });
    const revoked = await mutation(
      `mutation($id: ID!) { rotateCollectorCredential(collectorId: $id) { previousValidUntil } }`,
      { id: c.collectorId },
    );
    expect(revoked.errors![0]!.extensions!.code).toBe('CONFLICT');
  });
});
