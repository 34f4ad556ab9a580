// Authentication and roles: API keys (create, revoke, expiry), users (login, refresh rotation, reuse
// detection, disable), role checks, and the platform operator (cross-tenant reads, audited).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newReseller } from '../support/factories';

const run = promisify(execFile);
let app: TestApp;
let adminKey: string;
let resellerId: string;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  const created = await newReseller(app.services.orm.em, 'Auth');
  adminKey = created.apiKey;
  resellerId = created.reseller.id;
});
afterAll(async () => app?.close());

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken user { email role } } }`;

describe('API keys', () => {
  it('creates a key shown once, lists it without the secret, and revokes it', async () => {
    const created = await app.gql<{
      createApiKey: { key: string; apiKey: { id: string; prefix: string; role: string } };
    }>(
      `mutation { createApiKey(input: {name: "ERP", role: BILLING}) { key apiKey { id prefix role } } }`,
      {},
      adminKey,
    );
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data!.createApiKey;
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect((await app.gql<{ me: { role: string } }>('{ me { role } }', {}, key)).data!.me.role).toBe(
      'BILLING',
    );
    const listed = await app.gql<{ apiKeys: Array<Record<string, unknown>> }>(
      '{ apiKeys { id prefix role } }',
      {},
      adminKey,
    );
    expect(JSON.stringify(listed.data)).not.toContain(key);
    await app.gql(`mutation { revokeApiKey(id: "${apiKey.id}") { revokedAt } }`, {}, adminKey);
    expect((await app.gql('{ me { role } }', {}, key)).status).toBe(401);
  });

  it('refuses an operator key and a past expiry through the API', async () => {
    const operator = await app.gql(
      `mutation { createApiKey(input: {name: "x", role: OPERATOR}) { key } }`,
      {},
      adminKey,
    );
    expect(operator.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const past = await app.gql(
      `mutation { createApiKey(input: {name: "x", role: VIEWER, expiresAt: "2020-01-01T00:00:00Z"}) { key } }`,
      {},
      adminKey,
    );
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
  });

  it('lets a viewer read but not write (FORBIDDEN)', async () => {
    const { data } = await app.gql<{ createApiKey: { key: string } }>(
      `mutation { createApiKey(input: {name: "v", role: VIEWER}) { key } }`,
      {},
      adminKey,
    );
    const viewer = data!.createApiKey.key;
    expect((await app.gql('{ customers { totalCount } }', {}, viewer)).errors).toBeUndefined();
    const write = await app.gql(`mutation { createCustomer(input: {name: "nope"}) { id } }`, {}, viewer);
    expect(write.status).toBe(403);
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('users', () => {
  const email = `tech-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';

  it('admins create users; users log in, refresh (rotating) and are cut off when disabled', async () => {
    const created = await app.gql<{ createUser: { id: string } }>(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { email, name: 'Tess Tech', role: 'TECHNICIAN', password } },
      adminKey,
    );
    expect(created.errors).toBeUndefined();
    const userId = created.data!.createUser.id;

    const wrong = await app.gql(LOGIN, { email, password: 'wrong password!!' });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await app.gql(LOGIN, { email: 'nobody@example.com', password });
    expect(unknown.errors?.[0]?.message).toBe(wrong.errors?.[0]?.message);

    const session = await app.gql<{
      login: { accessToken: string; refreshToken: string; user: { role: string } };
    }>(LOGIN, { email: email.toUpperCase(), password });
    expect(session.data!.login.user.role).toBe('TECHNICIAN');
    const me = await app.gql<{ me: { role: string; reseller: { id: string } } }>(
      '{ me { role reseller { id } } }',
      {},
      session.data!.login.accessToken,
    );
    expect(me.data!.me).toEqual({ role: 'TECHNICIAN', reseller: { id: resellerId } });

    const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;
    const first = await app.gql<{ refreshToken: { refreshToken: string } }>(REFRESH, {
      t: session.data!.login.refreshToken,
    });
    expect(first.errors).toBeUndefined();
    // Reusing the rotated token is a theft signal: it fails and revokes the newer token too.
    const reuse = await app.gql(REFRESH, { t: session.data!.login.refreshToken });
    expect(reuse.errors?.[0]?.message).toContain('already used');
    const afterReuse = await app.gql(REFRESH, { t: first.data!.refreshToken.refreshToken });
    expect(afterReuse.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const again = await app.gql<{ login: { accessToken: string } }>(LOGIN, { email, password });
    await app.gql(
      `mutation { updateUser(id: "${userId}", input: {disabled: true}) { disabledAt } }`,
      {},
      adminKey,
    );
    expect((await app.gql('{ me { role } }', {}, again.data!.login.accessToken)).status).toBe(401);
    expect((await app.gql(LOGIN, { email, password })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('validates new users with field names', async () => {
    const weak = await app.gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { email: 'a@b.co', name: 'A', role: 'VIEWER', password: 'short' } },
      adminKey,
    );
    expect(weak.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    const bad = await app.gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { email: 'not-an-email', name: 'A', role: 'VIEWER', password: 'long enough password' } },
      adminKey,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });
});

describe('emails across resellers', () => {
  const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id email } }`;
  const LOGIN_AT = `mutation($email: String!, $password: String!, $r: ID) { login(email: $email, password: $password, resellerId: $r) { user { id } } }`;

  it('does not tell an admin that an address is used by another reseller', async () => {
    const email = `shared-${Date.now()}@example.com`;
    const other = await newReseller(app.services.orm.em, 'Elsewhere');
    const theirs = await app.gql<{ createUser: { id: string } }>(
      CREATE,
      { i: { email, name: 'Theirs', role: 'VIEWER', password: 'their long password' } },
      other.apiKey,
    );
    expect(theirs.errors).toBeUndefined();
    // The same answer as for an address nobody uses: the user is created.
    const ours = await app.gql<{ createUser: { id: string; email: string } }>(
      CREATE,
      { i: { email: email.toUpperCase(), name: 'Ours', role: 'VIEWER', password: 'our long password!' } },
      adminKey,
    );
    expect(ours.errors).toBeUndefined();
    expect(ours.data!.createUser.email).toBe(email);
    // Within one reseller an address is still unique.
    const twice = await app.gql(
      CREATE,
      { i: { email, name: 'Again', role: 'VIEWER', password: 'our long password!' } },
      adminKey,
    );
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });

    // Each password opens its own account.
    const asOurs = await app.gql<{ login: { user: { id: string } } }>(LOGIN_AT, {
      email,
      password: 'our long password!',
    });
    expect(asOurs.data!.login.user.id).toBe(ours.data!.createUser.id);
    const asTheirs = await app.gql<{ login: { user: { id: string } } }>(LOGIN_AT, {
      email,
      password: 'their long password',
    });
    expect(asTheirs.data!.login.user.id).toBe(theirs.data!.createUser.id);
    // Limited to a reseller, the other account's password is just a wrong password.
    const elsewhere = await app.gql(LOGIN_AT, { email, password: 'their long password', r: resellerId });
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('asks which reseller when one email and password open accounts at two', async () => {
    const email = `twice-${Date.now()}@example.com`;
    const password = 'the same long password';
    const other = await newReseller(app.services.orm.em, 'Second');
    for (const key of [adminKey, other.apiKey])
      expect(
        (await app.gql(CREATE, { i: { email, name: 'T', role: 'VIEWER', password } }, key)).errors,
      ).toBeUndefined();
    const ambiguous = await app.gql(LOGIN_AT, { email, password });
    expect(ambiguous.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resellerId' });
    const chosen = await app.gql<{ login: { user: { id: string } } }>(LOGIN_AT, {
      email,
      password,
      r: other.reseller.id,
    });
    expect(chosen.errors).toBeUndefined();
    const notAnId = await app.gql(LOGIN_AT, { email, password, r: 'not-a-uuid' });
    // IDs are checked before any resolver runs (src/graphql: BAD_USER_INPUT naming the argument).
    expect(notAnId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('platform operator', () => {
  it('reads across resellers, cannot write, and every read is audited', async () => {
    const other = await newReseller(app.services.orm.em, 'Other');
    await newCustomer(app.services.orm.em, other.reseller.id, 'Operator-visible customer');
    const { stdout } = await run(
      process.execPath,
      [
        path.resolve(__dirname, '../../dist/main.js'),
        'admin',
        'create-operator',
        '--name',
        'Support',
        '--json',
      ],
      {
        env: { ...process.env, DATABASE_URL: app.config.DATABASE_URL },
      },
    );
    const operatorKey = (JSON.parse(stdout) as { apiKey: string }).apiKey;
    const me = await app.gql<{ me: { role: string; reseller: null } }>(
      '{ me { role reseller { id } } }',
      {},
      operatorKey,
    );
    expect(me.data!.me).toEqual({ role: 'OPERATOR', reseller: null });
    const customers = await app.gql<{ customers: { edges: Array<{ node: { name: string } }> } }>(
      '{ customers(first: 500) { edges { node { name } } } }',
      {},
      operatorKey,
    );
    expect(customers.data!.customers.edges.map((e) => e.node.name)).toContain('Operator-visible customer');
    const stats = await app.gql<{ platformStatistics: { resellers: number } }>(
      '{ platformStatistics { resellers } }',
      {},
      operatorKey,
    );
    expect(stats.data!.platformStatistics.resellers).toBeGreaterThanOrEqual(2);
    const write = await app.gql(`mutation { createCustomer(input: {name: "x"}) { id } }`, {}, operatorKey);
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const audits = await app.services.orm.em
      .fork()
      .execute<{ action: string }[]>(
        `select action from audit_event where actor like 'apikey:%' and action like 'operator-read.%'`,
      );
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(['operator-read.customers', 'operator-read.platformStatistics']),
    );
    const resellerAdminStats = await app.gql('{ platformStatistics { resellers } }', {}, adminKey);
    expect(resellerAdminStats.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('audits every mutation with its actor and without secrets', async () => {
    await app.gql(`mutation { createCustomer(input: {name: "Audited"}) { id } }`, {}, adminKey);
    const rows = await app.services.orm.em
      .fork()
      .execute<{ action: string; details: Record<string, unknown> }[]>(
        `select action, details from audit_event where reseller_id = ? and action = 'mutation.createCustomer'`,
        [resellerId],
      );
    expect(rows[0]?.details).toMatchObject({ input: { name: 'Audited' } });
    const userAudit = await app.services.orm.em
      .fork()
      .execute<{ details: Record<string, unknown> }[]>(
        `select details from audit_event where action = 'mutation.createUser' limit 1`,
      );
    expect(JSON.stringify(userAudit)).not.toContain('correct horse');
  });
});
