// Regression tests of the security round (issue #15, the parts in src/graphql and persistence): every
// one of these failed on the code before it. The WebSocket carries subscriptions only and they pass the
// same gates as HTTP; a fragment bomb costs its length, not 2^n; a stranger cannot send large documents;
// subscriptions end with their credential; a collector writes only its own customer's LAN printers;
// errors never carry SQL, tenant ids or schema hints in production.
import { randomUUID } from 'node:crypto';
import { exampleCollectorReport, exampleDirectReport } from '@plotmeter/protocol';
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import pino from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErrorFormatter } from '../../src/graphql/format-error';
import { measureOperation } from '../../src/graphql/limits';
import { subscribe, untilListening } from '../alerts/ws';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCollector, newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

let app: TestApp;
let prod: TestApp;
let resellerId: string;
let apiKey: string;
let prodKey: string;

beforeAll(async () => {
  app = await startTestApp();
  ({
    apiKey,
    reseller: { id: resellerId },
  } = await newReseller(app.services.orm.em));
  // The same database, served the way production serves it.
  prod = await startTestApp({ roles: ['api'], db: app.db, env: { NODE_ENV: 'production' } });
  prodKey = (await newReseller(prod.services.orm.em)).apiKey;
});
afterAll(async () => {
  await prod?.close();
  await app?.close();
});

/** Fragments F0..Fn-1 where each spreads the next twice: 2^n fields to expand, n to measure. */
function fragmentBomb(n: number): string {
  const fragments = Array.from({ length: n }, (_, i) =>
    i === n - 1
      ? `fragment F${i} on Query { me { role } }`
      : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
  );
  return `query { ...F0 } ${fragments.join(' ')}`;
}

/** Runs one operation over graphql-ws; resolves with its result or the error it was refused with. */
async function overWebSocket(
  url: string,
  token: string,
  query: string,
): Promise<{ data?: unknown; errors?: unknown }> {
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  try {
    return await new Promise((resolve) => {
      let result: { data?: unknown; errors?: unknown } = {};
      client.subscribe(
        { query },
        {
          next: (value) => (result = value as typeof result),
          error: (error) => resolve({ errors: error }),
          complete: () => resolve(result),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe('query cost and size (pre-auth denial of service)', () => {
  it('measures a fragment spread chain once per fragment (the cost saturates instead of taking 2^n steps)', () => {
    // 2^60 expansions: the old walk would never return.
    const m = measureOperation(parse(fragmentBomb(60)), null, {});
    expect(m.cost).toBe(Number.MAX_SAFE_INTEGER);
    expect(m.depth).toBe(2);
  });

  it('refuses a ~900-byte fragment bomb from an anonymous caller as too complex, without executing it', async () => {
    const query = fragmentBomb(30);
    expect(query.length).toBeLessThan(2_048);
    const result = await app.gql(query, {}, null);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a large document from a caller without credentials before parsing it', async () => {
    const padding = Array.from({ length: 300 }, (_, i) => `a${i}: __typename`).join(' ');
    const result = await app.gql(`{ ${padding} }`, {}, null);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stops parsing past the token budget, even for an authenticated caller', async () => {
    const fields = Array.from({ length: 800 }, () => 'me{role}').join(' ');
    const result = await app.gql(`{ ${fields} }`, {}, apiKey);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/3000 tokens/);
  });
});

describe('the WebSocket carries subscriptions only, through the same gates', () => {
  it('refuses queries and mutations over the socket (nothing is created, nothing unaudited happens)', async () => {
    const query = await overWebSocket(app.url, apiKey, '{ printers(first: 50) { totalCount } }');
    expect(JSON.stringify(query.errors)).toMatch(/subscriptions only; send queries with HTTP POST/);
    const name = `ws-${randomUUID()}`;
    const mutation = await overWebSocket(
      app.url,
      apiKey,
      `mutation { createCustomer(input: { name: "${name}" }) { id } }`,
    );
    expect(JSON.stringify(mutation.errors)).toMatch(/subscriptions only; send mutations/);
    const rows = await app.services.orm.em.fork().execute(`select 1 from customer where name = ?`, [name]);
    expect(rows).toHaveLength(0);
  });

  it('applies the alias and cost limits to subscriptions', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(' ');
    const result = await overWebSocket(app.url, apiKey, `subscription { alertRaised { ${aliases} } }`);
    expect(JSON.stringify(result.errors)).toMatch(/QUERY_TOO_COMPLEX|aliases/);
  });

  it('answers no introspection and no field suggestions over the socket in production', async () => {
    const introspection = await overWebSocket(
      prod.url,
      prodKey,
      'subscription { __schema { types { name } } }',
    );
    expect(JSON.stringify(introspection.errors)).toMatch(/introspection/i);
    const typo = await overWebSocket(prod.url, prodKey, 'subscription { alertRaised { severty } }');
    expect(JSON.stringify(typo.errors)).toMatch(/Cannot query field/);
    expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean/);
  });

  it('checks subscription ID arguments up front', async () => {
    const result = await overWebSocket(
      app.url,
      apiKey,
      'subscription { alertRaised(filter: { printerId: "nope" }) { id } }',
    );
    expect(JSON.stringify(result.errors)).toMatch(/filter\.printerId: expected an id/);
  });
});

describe('subscriptions end with their credential', () => {
  const ALERTS = 'subscription { alertRaised { id } }';

  it('closes the socket (4403) when its API key is revoked', async () => {
    const created = await app.gql<{ createApiKey: { apiKey: { id: string }; key: string } }>(
      `mutation { createApiKey(input: { name: "tech", role: TECHNICIAN }) { apiKey { id } key } }`,
      {},
      apiKey,
    );
    const { key, apiKey: row } = created.data!.createApiKey;
    const sub = subscribe(app.url, key, ALERTS);
    await eventually(async () => (await app.gql('{ me { role } }', {}, key)).data);
    // The subscription is live (the server subscribed it) before the key is revoked.
    await untilListening(app, resellerId, 'raised', 1);
    expect(sub.closeCode).toBeNull();
    const revoked = await app.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: row.id },
      apiKey,
    );
    expect(revoked.errors).toBeUndefined();
    await eventually(async () => sub.closeCode === 4403);
    await sub.close();
    await untilListening(app, resellerId, 'raised', 0);
  });

  it('closes the socket when its user is disabled', async () => {
    const email = `tech-${randomUUID()}@example.com`;
    const created = await app.gql<{ createUser: { id: string } }>(
      `mutation($e: String!) { createUser(input: { email: $e, name: "Tech", role: TECHNICIAN, password: "correct horse battery" }) { id } }`,
      { e: email },
      apiKey,
    );
    expect(created.errors).toBeUndefined();
    const login = await app.gql<{ login: { accessToken: string } }>(
      `mutation($e: String!) { login(email: $e, password: "correct horse battery") { accessToken } }`,
      { e: email },
    );
    const sub = subscribe(app.url, login.data!.login.accessToken, ALERTS);
    await untilListening(app, resellerId, 'raised', 1);
    expect(sub.closeCode).toBeNull();
    await app.gql(
      `mutation($id: ID!) { updateUser(id: $id, input: { disabled: true }) { id } }`,
      {
        id: created.data!.createUser.id,
      },
      apiKey,
    );
    await eventually(async () => sub.closeCode === 4403);
    await sub.close();
    await untilListening(app, resellerId, 'raised', 0);
  });

  it('closes the socket (4401) when its access token expires', async () => {
    const created = await app.gql<{ createUser: { id: string } }>(
      `mutation($e: String!) { createUser(input: { email: $e, name: "Tech", role: TECHNICIAN, password: "correct horse battery" }) { id } }`,
      { e: `tech-${randomUUID()}@example.com` },
      apiKey,
    );
    const now = Math.floor(Date.now() / 1000);
    const token = app.services.secrets.signToken({
      sub: created.data!.createUser.id,
      rid: resellerId,
      role: 'technician',
      exp: now + 2,
      typ: 'access',
    });
    const sub = subscribe(app.url, token, ALERTS);
    await eventually(async () => sub.closeCode === 4401, 8_000);
    await sub.close();
  });
});

describe("a collector writes only its own customer's LAN printers", () => {
  it("refuses another customer's printer and a direct-connect printer, stores nothing of them, and tells the reseller", async () => {
    const em = app.services.orm.em;
    const customer1 = await newCustomer(em, resellerId, 'Customer 1');
    const customer2 = await newCustomer(em, resellerId, 'Customer 2');
    const collector1 = await newCollector(em, resellerId, customer1.id);
    const collector2 = await newCollector(em, resellerId, customer2.id);
    const direct = await newDirectPrinter(em, resellerId, customer2.id);
    const sql = <T>(q: string, p: unknown[] = []) => em.fork().execute<T[]>(q, p);

    // Customer 2's collector finds its LAN printer; the direct printer reports for itself.
    const lanSerial = `LAN${randomUUID().slice(0, 8)}`;
    const first = { ...exampleCollectorReport([lanSerial]), reportId: randomUUID() };
    expect((await sendSigned(app.url, collector2, '/ingest/v1/reports', first)).status).toBe(202);
    const directReport = exampleDirectReport({ serialNumber: direct.serialNumber, reportId: randomUUID() });
    expect((await sendSigned(app.url, direct, '/ingest/v1/reports', directReport)).status).toBe(202);
    await eventually(
      async () =>
        (
          await sql(`select 1 from printer where serial_number in (?, ?) and last_seen_at is not null`, [
            lanSerial,
            direct.serialNumber,
          ])
        ).length === 2,
    );
    const before = await sql<Record<string, unknown>>(
      `select serial_number, customer_id, collector_id, engine_state, last_seen_at, lifetime_pages from printer where serial_number in (?, ?) order by 1`,
      [lanSerial, direct.serialNumber],
    );
    const jobsBefore = await sql<{ n: string }>(
      `select count(*) as n from printer_job where printer_id in (select id from printer where serial_number in (?, ?))`,
      [lanSerial, direct.serialNumber],
    );

    // Customer 1's collector reports both serials, newer and different.
    const hostile = { ...exampleCollectorReport([lanSerial, direct.serialNumber]), reportId: randomUUID() };
    for (const entry of hostile.printers) {
      entry.collectedAt = new Date(Date.now() + 60_000).toISOString();
      entry.status.engineState = 'error';
      entry.usage.pages = 999_999;
      for (const job of entry.jobs) job.uuid = randomUUID();
    }
    expect((await sendSigned(app.url, collector1, '/ingest/v1/reports', hostile)).status).toBe(202);
    const alerts = await eventually(async () => {
      const rows = await sql<{ code: string; severity: string; message: string; customer_id: string }>(
        `select code, severity, message, customer_id from alert where subject_key = ? order by message`,
        [`collector:${collector1.collectorId}`],
      );
      return rows.length === 2 ? rows : null;
    });
    expect(alerts.map((a) => a.code)).toEqual(['collector.printer-refused', 'collector.printer-refused']);
    expect(alerts.every((a) => a.severity === 'error' && a.customer_id === customer1.id)).toBe(true);
    expect(alerts.map((a) => a.message).join('\n')).toMatch(/direct-connect printer/);
    expect(alerts.map((a) => a.message).join('\n')).toMatch(/another customer/);

    const after = await sql<Record<string, unknown>>(
      `select serial_number, customer_id, collector_id, engine_state, last_seen_at, lifetime_pages from printer where serial_number in (?, ?) order by 1`,
      [lanSerial, direct.serialNumber],
    );
    expect(after).toEqual(before);
    const jobsAfter = await sql<{ n: string }>(
      `select count(*) as n from printer_job where printer_id in (select id from printer where serial_number in (?, ?))`,
      [lanSerial, direct.serialNumber],
    );
    expect(jobsAfter).toEqual(jobsBefore);
    const [collectorRow] = await sql<{ health: { errors: { message: string }[] } }>(
      `select health from collector where id = ?`,
      [collector1.collectorId],
    );
    expect(collectorRow!.health.errors.map((e) => e.message).join('\n')).toMatch(
      new RegExp(`Printer ${lanSerial} was refused`),
    );

    // Its own new printer is still created for customer 1.
    const own = `OWN${randomUUID().slice(0, 8)}`;
    const ok = { ...exampleCollectorReport([own]), reportId: randomUUID() };
    expect((await sendSigned(app.url, collector1, '/ingest/v1/reports', ok)).status).toBe(202);
    const [created] = await eventually(async () => {
      const rows = await sql<{ customer_id: string }>(
        `select customer_id from printer where serial_number = ?`,
        [own],
      );
      return rows.length ? rows : null;
    });
    expect(created!.customer_id).toBe(customer1.id);
  });
});

describe('errors in production', () => {
  it('names a malformed id argument as BAD_USER_INPUT, on literals, variables and input fields', async () => {
    const literal = await prod.gql('{ customer(id: "x") { id } }', {}, prodKey);
    expect(literal.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const variable = await prod.gql(
      'query($id: ID!) { printer(id: $id) { id } }',
      { id: "1' or 1=1" },
      prodKey,
    );
    expect(variable.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const nested = await prod.gql('{ printers(filter: { customerId: "x" }) { totalCount } }', {}, prodKey);
    expect(nested.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.customerId',
    });
    expect(JSON.stringify([literal, variable, nested])).not.toMatch(/select|reseller_id|uuid =/i);
  });

  it('answers a NUL byte in a filter and a forged cursor as BAD_USER_INPUT, never a 500 with SQL', async () => {
    const nul = await prod.gql(
      'query($s: String) { printers(filter: { search: $s }) { totalCount } }',
      { s: 'a\u0000b' },
      prodKey,
    );
    expect(nul.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(nul)).not.toMatch(/select|from printer/i);
    const forged = Buffer.from(JSON.stringify(['x', 'not-a-uuid'])).toString('base64url');
    const cursor = await prod.gql(
      'query($c: String) { printers(after: $c) { totalCount } }',
      { c: forged },
      prodKey,
    );
    expect(cursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('keeps "Did you mean" out of variable coercion errors', async () => {
    const result = await prod.gql(
      'query($s: Severity) { alerts(filter: { minSeverity: $s }) { totalCount } }',
      { s: 'CRITICL' },
      prodKey,
    );
    expect(result.errors?.[0]?.message).toMatch(/Severity/);
    expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('masks unexpected errors behind a logged error id', () => {
    const logged: unknown[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const format = createErrorFormatter({ production: true, log });
    const original = new Error("select * from printer where reseller_id = '0193...' failed");
    const out = format(
      { message: original.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      original,
    );
    expect(out.message).toMatch(/^Internal server error \(error id [0-9a-f-]{36}\)$/);
    expect(JSON.stringify(out)).not.toMatch(/select|reseller_id/);
    expect(JSON.stringify(logged)).toContain((out.extensions as { errorId: string }).errorId);
    expect(JSON.stringify(logged)).toContain('select * from printer');
  });
});
