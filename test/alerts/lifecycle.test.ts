// The alert lifecycle over GraphQL: technicians and admins acknowledge, snooze, assign and resolve;
// viewers cannot; another reseller cannot even see the alert; bad input names its field; history stays
// queryable with the alerts(...) filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reseller } from '../../src/entities/reseller.entity';
import { User } from '../../src/entities/user.entity';
import type { PrincipalRole } from '../../src/auth/principal';
import { issueApiKey } from '../../src/services/api-keys';
import { startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';
import { raiseCartridgeAlert } from './support';

let app: TestApp;
let resellerId: string;
let adminKey: string;
let technicianKey: string;
let viewerKey: string;
let otherAdminKey: string;
let otherResellerId: string;
let alertId: string;

async function keyFor(reseller: string, role: PrincipalRole): Promise<string> {
  const em = app.services.orm.em.fork();
  const { key } = issueApiKey(em, { resellerId: reseller, name: `${role} key`, role });
  await em.flush();
  return key;
}

async function newUser(reseller: string, email: string): Promise<string> {
  const em = app.services.orm.em.fork();
  const user = em.create(User, {
    reseller: em.getReference(Reseller, reseller),
    email,
    name: email,
    passwordHash: 'not-a-login',
    role: 'technician',
  });
  await em.flush();
  return user.id;
}

const ALERT_FIELDS =
  'id code status acknowledgedAt resolvedAt snoozedUntil occurrences printer { id serialNumber }';

beforeAll(async () => {
  app = await startTestApp();
  const mine = await newReseller(app.services.orm.em);
  resellerId = mine.reseller.id;
  adminKey = mine.apiKey;
  technicianKey = await keyFor(resellerId, 'technician');
  viewerKey = await keyFor(resellerId, 'viewer');
  const other = await newReseller(app.services.orm.em, 'Other');
  otherResellerId = other.reseller.id;
  otherAdminKey = other.apiKey;

  alertId = await raiseCartridgeAlert(app, resellerId);
});
afterAll(async () => app?.close());

describe('alert lifecycle mutations', () => {
  it('refuses viewers and hides the alert from other resellers', async () => {
    const asViewer = await app.gql(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`,
      { id: alertId },
      viewerKey,
    );
    expect(asViewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asOther = await app.gql(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`,
      { id: alertId },
      otherAdminKey,
    );
    expect(asOther.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const listedToOther = await app.gql<{ alerts: { totalCount: number } }>(
      `{ alerts { totalCount } }`,
      {},
      otherAdminKey,
    );
    expect(listedToOther.data!.alerts.totalCount).toBe(0);
  });

  it('acknowledges (OPEN -> ACKNOWLEDGED) and records who did it', async () => {
    const result = await app.gql<{ acknowledgeAlert: { status: string; acknowledgedAt: string } }>(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { ${ALERT_FIELDS} } }`,
      { id: alertId },
      technicianKey,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.acknowledgeAlert.status).toBe('ACKNOWLEDGED');
    expect(Date.parse(result.data!.acknowledgeAlert.acknowledgedAt)).toBeGreaterThan(Date.now() - 60_000);
    const listed = await app.gql<{ alerts: { totalCount: number; edges: Array<{ node: { id: string } }> } }>(
      `{ alerts(filter: { status: [ACKNOWLEDGED] }) { totalCount edges { node { id } } } }`,
      {},
      adminKey,
    );
    expect(listed.data!.alerts.edges.map((e) => e.node.id)).toEqual([alertId]);
  });

  it('snoozes until a future time, and names the field for a time in the past', async () => {
    const past = await app.gql(
      `mutation($id: ID!, $until: DateTimeISO) { snoozeAlert(id: $id, until: $until) { id } }`,
      { id: alertId, until: '2020-01-01T00:00:00Z' },
      technicianKey,
    );
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'until' });
    const until = new Date(Date.now() + 3600_000).toISOString();
    const ok = await app.gql<{ snoozeAlert: { snoozedUntil: string; status: string } }>(
      `mutation($id: ID!, $until: DateTimeISO) { snoozeAlert(id: $id, until: $until) { ${ALERT_FIELDS} } }`,
      { id: alertId, until },
      technicianKey,
    );
    expect(ok.data!.snoozeAlert).toMatchObject({ snoozedUntil: until, status: 'ACKNOWLEDGED' });
  });

  it('assigns only to users of the same reseller', async () => {
    const colleague = await newUser(resellerId, `tech-${Date.now()}@example.test`);
    const stranger = await newUser(otherResellerId, `stranger-${Date.now()}@example.test`);
    const foreign = await app.gql(
      `mutation($id: ID!, $userId: ID) { assignAlert(id: $id, userId: $userId) { id } }`,
      { id: alertId, userId: stranger },
      technicianKey,
    );
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'userId' });
    const ok = await app.gql(
      `mutation($id: ID!, $userId: ID) { assignAlert(id: $id, userId: $userId) { id } }`,
      { id: alertId, userId: colleague },
      technicianKey,
    );
    expect(ok.errors).toBeUndefined();
    const [row] = await app.services.orm.em
      .fork()
      .execute<{ assigned_to_id: string }[]>(`select assigned_to_id from alert where id = ?`, [alertId]);
    expect(row!.assigned_to_id).toBe(colleague);
  });

  it('resolves, keeps the row as history, and refuses to acknowledge a resolved alert', async () => {
    const resolved = await app.gql<{
      resolveAlert: { status: string; resolvedAt: string; snoozedUntil: string | null };
    }>(`mutation($id: ID!) { resolveAlert(id: $id) { ${ALERT_FIELDS} } }`, { id: alertId }, adminKey);
    expect(resolved.data!.resolveAlert).toMatchObject({ status: 'RESOLVED', snoozedUntil: null });
    const again = await app.gql(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`,
      { id: alertId },
      technicianKey,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const history = await app.gql<{ alerts: { edges: Array<{ node: { id: string; status: string } }> } }>(
      `{ alerts(filter: { status: [RESOLVED] }) { edges { node { id status } } } }`,
      {},
      adminKey,
    );
    expect(history.data!.alerts.edges.map((e) => e.node)).toEqual([{ id: alertId, status: 'RESOLVED' }]);
  });

  it('names the field of a malformed id', async () => {
    const result = await app.gql(`mutation { acknowledgeAlert(id: "not-a-uuid") { id } }`, {}, technicianKey);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
