// Safety limits: page size, depth, aliases, cost, and error codes clients can switch on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureOperation } from '../../src/graphql/limits';
import { getIntrospectionQuery, parse } from 'graphql';
import { startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';

let app: TestApp;
let apiKey: string;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  apiKey = (await newReseller(app.services.orm.em)).apiKey;
});
afterAll(async () => app?.close());

describe('query limits', () => {
  it('refuses page sizes over 500 with BAD_USER_INPUT naming the argument', async () => {
    const result = await app.gql('{ printers(first: 501) { totalCount } }', {}, apiKey);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const ok = await app.gql('{ printers(first: 500) { totalCount } }', {}, apiKey);
    expect(ok.errors).toBeUndefined();
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: me { role }`).join(' ');
    const result = await app.gql(`{ ${aliases} }`, {}, apiKey);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a query whose nested pages multiply past the cost budget, counting variables', async () => {
    const query = `query Q($n: Int!) { printers(first: $n) { edges { node { openAlerts(first: 100) { edges { node { printer { cartridges { color } } } } } } } } }`;
    const small = await app.gql(query, { n: 10 }, apiKey);
    expect(small.errors).toBeUndefined();
    const big = await app.gql(query, { n: 500 }, apiKey);
    expect(big.status).toBe(400);
    expect(big.errors?.[0]?.message).toMatch(/cost \d+ exceeds the limit/);
  });

  it('measures depth and cost of fragments and inline fragments', () => {
    const m = measureOperation(
      parse(
        `query { printers(first: 10) { ...P } } fragment P on PrinterConnection { edges { node { ... on Printer { customer { name } } } } }`,
      ),
      null,
      {},
    );
    expect(m.depth).toBe(5);
    expect(m.cost).toBeGreaterThan(10);
  });

  it('leaves the (deep) standard introspection query to the introspection setting', async () => {
    const result = await app.gql<{ __schema: { queryType: { name: string } } }>(
      getIntrospectionQuery(),
      {},
      apiKey,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.__schema.queryType.name).toBe('Query');
  });

  it('refuses over-deep queries', async () => {
    let selection = 'id';
    for (let i = 0; i < 8; i++)
      selection = `printer { customer { id } openAlerts(first: 1) { edges { node { ${selection} } } } }`;
    const result = await app.gql(`{ alerts(first: 1) { edges { node { ${selection} } } } }`, {}, apiKey);
    expect(result.errors?.[0]?.message).toMatch(/depth \d+ exceeds the limit of 12/);
  });
});
