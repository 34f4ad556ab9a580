// Alert assignment and history over GraphQL: who an alert is assigned to, each step (raised,
// acknowledged, snoozed, assigned, resolved) with who did it and when, recorded by the lifecycle
// mutations in the same transaction; whom technicians may assign; other resellers see none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/users';
import { startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';
import { raiseCartridgeAlert } from './support';

let app: TestApp;
let resellerId: string;
let adminKey: string;
let otherAdminKey: string;
let technicianToken: string;
let technicianId: string;
let colleagueId: string;
let alertId: string;

const PASSWORD = 'a long enough password';

async function userWithToken(reseller: string, email: string, name: string, role: 'technician' | 'viewer') {
  const em = app.services.orm.em.fork();
  const user = await createUser(em, { resellerId: reseller, email, name, role, password: PASSWORD });
  await em.flush();
  const login = await app.gql<{ login: { accessToken: string } }>(
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
    { e: email, p: PASSWORD },
  );
  expect(login.errors).toBeUndefined();
  return { id: user.id, token: login.data!.login.accessToken };
}

type History = Array<{
  kind: string;
  at: string;
  actor: string;
  by: { id: string; name: string } | null;
  assignee: { name: string } | null;
  snoozedUntil: string | null;
}>;

async function alertState(token = adminKey) {
  const result = await app.gql<{
    alerts: { edges: Array<{ node: { id: string; assignedTo: { name: string } | null; history: History } }> };
  }>(
    `{ alerts(first: 10) { edges { node { id assignedTo { id name } history { kind at actor by { id name } assignee { name } snoozedUntil } } } } }`,
    {},
    token,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.alerts.edges.find((e) => e.node.id === alertId)?.node ?? null;
}

beforeAll(async () => {
  app = await startTestApp();
  const mine = await newReseller(app.services.orm.em);
  resellerId = mine.reseller.id;
  adminKey = mine.apiKey;
  otherAdminKey = (await newReseller(app.services.orm.em, 'Other')).apiKey;
  const technician = await userWithToken(resellerId, 'tess@example.com', 'Tess Tech', 'technician');
  technicianToken = technician.token;
  technicianId = technician.id;
  colleagueId = (await userWithToken(resellerId, 'carl@example.com', 'Carl Colleague', 'technician')).id;
  await userWithToken(resellerId, 'vera@example.com', 'Vera Viewer', 'viewer');
  alertId = await raiseCartridgeAlert(app, resellerId);
});
afterAll(async () => app?.close());

describe('alert assignment and history', () => {
  it('lists the active admins and technicians as assignees, to technicians only', async () => {
    const listed = await app.gql<{ alertAssignees: Array<{ name: string }> }>(
      `{ alertAssignees { id name } }`,
      {},
      technicianToken,
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.alertAssignees.map((p) => p.name)).toEqual(['Carl Colleague', 'Tess Tech']);
  });

  it('starts with the raise and records each lifecycle step with who did it', async () => {
    expect((await alertState())!.history.map((s) => [s.kind, s.actor])).toEqual([['RAISED', 'rule']]);
    const run = async (mutation: string, variables: Record<string, unknown>, token: string) => {
      const result = await app.gql(mutation, { id: alertId, ...variables }, token);
      expect(result.errors).toBeUndefined();
      return result;
    };
    await run(`mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`, {}, technicianToken);
    // Acknowledging again changes nothing and records nothing.
    await run(`mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`, {}, technicianToken);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await run(
      `mutation($id: ID!, $u: DateTimeISO) { snoozeAlert(id: $id, until: $u) { id } }`,
      { u: until },
      technicianToken,
    );
    await run(
      `mutation($id: ID!, $u: ID) { assignAlert(id: $id, userId: $u) { id } }`,
      { u: colleagueId },
      technicianToken,
    );
    const assigned = await run(
      `mutation($id: ID!, $u: ID) { assignAlert(id: $id, userId: $u) { assignedTo { name } history { kind } } }`,
      { u: technicianId },
      adminKey,
    );
    expect(assigned.data).toMatchObject({
      assignAlert: {
        assignedTo: { name: 'Tess Tech' },
        history: [{ kind: 'RAISED' }, {}, {}, {}, { kind: 'ASSIGNED' }],
      },
    });
    await run(`mutation($id: ID!) { resolveAlert(id: $id) { id } }`, {}, technicianToken);

    const state = (await alertState())!;
    expect(state.assignedTo).toEqual({ id: technicianId, name: 'Tess Tech' });
    const adminKeyId = state.history[4]!.actor;
    expect(adminKeyId).toMatch(/^apikey:/);
    const times = state.history.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(state.history.map(({ at: _at, ...rest }) => rest)).toEqual([
      { kind: 'RAISED', actor: 'rule', by: null, assignee: null, snoozedUntil: null },
      {
        kind: 'ACKNOWLEDGED',
        actor: `user:${technicianId}`,
        by: { id: technicianId, name: 'Tess Tech' },
        assignee: null,
        snoozedUntil: null,
      },
      {
        kind: 'SNOOZED',
        actor: `user:${technicianId}`,
        by: { id: technicianId, name: 'Tess Tech' },
        assignee: null,
        snoozedUntil: until,
      },
      {
        kind: 'ASSIGNED',
        actor: `user:${technicianId}`,
        by: { id: technicianId, name: 'Tess Tech' },
        assignee: { name: 'Carl Colleague' },
        snoozedUntil: null,
      },
      { kind: 'ASSIGNED', actor: adminKeyId, by: null, assignee: { name: 'Tess Tech' }, snoozedUntil: null },
      {
        kind: 'RESOLVED',
        actor: `user:${technicianId}`,
        by: { id: technicianId, name: 'Tess Tech' },
        assignee: null,
        snoozedUntil: null,
      },
    ]);
  });

  it('records nothing for a refused step', async () => {
    const again = await app.gql(
      `mutation($id: ID!) { resolveAlert(id: $id) { id } }`,
      { id: alertId },
      technicianToken,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await alertState())!.history).toHaveLength(6);
  });

  it('shows another reseller neither the alert nor its history rows', async () => {
    expect(await alertState(otherAdminKey)).toBeNull();
    const rows = await app.services.orm.em
      .fork()
      .getConnection()
      .execute<{ reseller_id: string }[]>(`select distinct reseller_id from alert_event`);
    expect(rows).toEqual([{ reseller_id: resellerId }]);
  });
});
