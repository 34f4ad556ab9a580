// PostgreSQL going away while the API serves: every GraphQL request answers 503 with Retry-After and a
// SERVICE_UNAVAILABLE error that says to retry (never a 500, never SQL), whether authentication or the
// operation needed the database, and the API serves again once PostgreSQL is back. Runs against a
// PostgreSQL server of its own (test/support/private-postgres.ts), so stopping it disturbs nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';
import {
  postgresBinDir,
  startMigratedPrivatePostgres,
  type PrivatePostgres,
} from '../support/private-postgres';

let pg: PrivatePostgres;
let app: TestApp;
let apiKey: string;
let accessToken: string;

async function post(query: string, token: string) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    },
  };
}

describe.skipIf(!postgresBinDir())('the API while PostgreSQL is down', () => {
  beforeAll(async () => {
    pg = await startMigratedPrivatePostgres();
    const url = pg.url('plotmeter');
    app = await startTestApp({
      roles: ['api'],
      db: { name: 'plotmeter', url, serverUrl: pg.serverUrl('plotmeter'), drop: async () => undefined },
    });
    apiKey = (await newReseller(app.services.orm.em)).apiKey;
    const email = `admin-${Date.now()}@example.com`;
    const created = await app.gql(
      `mutation($e: String!) { createUser(input: { email: $e, name: "Admin", role: ADMIN, password: "correct horse battery" }) { id } }`,
      { e: email },
      apiKey,
    );
    expect(created.errors).toBeUndefined();
    const login = await app.gql<{ login: { accessToken: string } }>(
      `mutation($e: String!) { login(email: $e, password: "correct horse battery") { accessToken } }`,
      { e: email },
    );
    accessToken = login.data!.login.accessToken;
  }, 120_000);
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    pg?.destroy();
  });

  it('answers 503 with Retry-After and SERVICE_UNAVAILABLE, then serves again when it is back', async () => {
    expect((await post('{ printers { totalCount } }', apiKey)).status).toBe(200);
    pg.stop();

    // The API key is still cached: the operation's own transaction finds the database gone.
    const operation = await post('{ printers { totalCount } }', apiKey);
    expect(operation.status).toBe(503);
    expect(operation.retryAfter).toBe('5');
    expect(operation.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(operation.body.errors?.[0]?.message).toMatch(/temporarily unavailable; retry/);
    // A user's token is checked against the database on every request: refused before Apollo, alike.
    const authentication = await post('{ me { role } }', accessToken);
    expect(authentication.status).toBe(503);
    expect(authentication.retryAfter).toBe('5');
    expect(authentication.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify([operation.body, authentication.body])).not.toMatch(
      /select|ECONNREFUSED|127\.0\.0\.1/i,
    );

    pg.start();
    const back = await eventually(
      async () => {
        const answer = await post('{ printers { totalCount } }', apiKey);
        return answer.status === 200 ? answer : null;
      },
      10_000,
      200,
    );
    expect(back.status).toBe(200);
    expect(back.body.errors).toBeUndefined();
  }, 120_000);
});
