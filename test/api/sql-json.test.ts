// SQL-built pages (src/graphql/sql-json): every field of every type of the read model answers exactly
// what the ordinary path (resolvers + DataLoaders) answers, alone and through pagination, filters,
// aliases and fragments. Fields are discovered from the schema, so a field added to a hot type later is
// covered without touching this test: either the read model maps it (and it must equal the resolver's
// answer) or the document falls back to the ordinary path (and this test says so).
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import {
  getNamedType,
  isLeafType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraphQLSchema } from '../../src/graphql/build-schema';
import { planSqlJsonPage, type PlanInput } from '../../src/graphql/sql-json/pages';
import { READ_MODEL } from '../../src/graphql/sql-json/read-model';
import { sqlJsonPages } from '../../src/graphql/sql-json/plugin';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

describe('SQL-built pages, planning', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGraphQLSchema();
  });
  const input = (query: string, over: Partial<PlanInput> = {}): PlanInput => ({
    schema,
    document: parse(query),
    variables: {},
    principal: { role: 'admin', resellerId: randomUUID() } as PlanInput['principal'],
    reseller: randomUUID(),
    guarded: new Set(),
    authorized: () => true,
    ...over,
  });
  const fleet = `{ printers(first: 10) { edges { node { serialNumber customer { name } } } } }`;

  it('compiles a fleet page into the tenant statement and one page statement', () => {
    const plan = planSqlJsonPage(input(fleet))!;
    expect(plan.statements).toHaveLength(2);
    expect(plan.statements[0]!.sql).toContain(`set_config('role'`);
    expect(plan.statements[1]!.sql).toContain('printer.reseller_id = ?');
    expect(plan.statements[1]!.sql).toContain('json_build_object');
  });

  it('leaves to the resolvers what it cannot answer the same way', () => {
    const not = (query: string, over: Partial<PlanInput> = {}) =>
      expect(planSqlJsonPage(input(query, over)), query).toBeNull();
    // A field guarded by field-level authorization: graphql-js must run its check.
    not(fleet, { guarded: new Set(['Customer.name']) });
    not(fleet, { guarded: new Set(['Query.printers']) });
    // The caller fails the root field's @Authorized: the resolver raises the error.
    not(fleet, { authorized: () => false });
    // Fields outside the read model, directives, arguments out of range, other roots, mutations.
    not(`{ printers { edges { node { mediaSources { kind } } } } }`);
    not(`query($x: Boolean!) { printers { edges { node { id @include(if: $x) } } } }`, {
      variables: { x: true },
    });
    not(`{ printers { edges { node { openAlerts(first: 101) { edges { node { code } } } } } } }`);
    not(`{ printers(first: 501) { edges { node { id } } } }`);
    not(`{ printers(filter: { suppliesLow: true }) { edges { node { id } } } }`);
    not(`{ customers { edges { node { id } } } }`);
    not(`{ printers { edges { node { id } } } jobs { edges { node { id } } } }`);
    not(`mutation { logout }`);
  });
});

describe('SQL-built pages against the ordinary path, real schema and data', () => {
  let app: TestApp;
  let key: string;
  let schema: GraphQLSchema;
  let customerId: string;

  beforeAll(async () => {
    app = await startTestApp();
    schema = await buildGraphQLSchema();
    const created = await newReseller(app.services.orm.em);
    key = created.apiKey;
    customerId = (await newCustomer(app.services.orm.em, created.reseller.id, 'Projection')).id;
    const printer = await newDirectPrinter(app.services.orm.em, created.reseller.id, customerId);
    const site = await app.gql<{ createSite: { id: string } }>(
      `mutation { createSite(input: {customerId: "${customerId}", name: "Hall", address: "1 Main St"}) { id } }`,
      {},
      key,
    );
    const assigned = await app.gql(
      `mutation { updatePrinter(id: "${printer.printerId}", input: {siteId: "${site.data!.createSite.id}", displayName: "P1"}) { id } }`,
      {},
      key,
    );
    expect(assigned.errors).toBeUndefined();
    await sendSigned(
      app.url,
      printer,
      '/ingest/v1/reports',
      exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() }),
    );
    await eventually(async () => {
      const r = await app.gql<{ jobs: { edges: unknown[] } }>(
        `{ jobs(first: 5) { edges { cursor } } }`,
        {},
        key,
      );
      return (r.data?.jobs.edges.length ?? 0) > 0;
    });
    // A second printer (of another customer, without a site) and open and resolved alerts on both,
    // several per printer so that pages of open alerts have a next page.
    const other = await newCustomer(app.services.orm.em, created.reseller.id, 'Other');
    await newDirectPrinter(app.services.orm.em, created.reseller.id, other.id);
    await app.services.orm.em.fork().execute(
      `insert into alert (id, reseller_id, customer_id, printer_id, subject_key, code, dedupe_key, severity, status, source, message, component, raised_at, last_seen_at, occurrences, snoozed_until)
       select gen_random_uuid(), reseller_id, customer_id, id, 'printer:' || id || code, code, code || id, s, st, 'device', 'm ' || code, 'ink', now() - (n || ' minutes')::interval, now(), n, null
       from printer, unnest(array['a.one', 'a.two', 'a.three', 'a.gone'], array['warning', 'critical', 'info', 'error'], array['OPEN', 'ACKNOWLEDGED', 'OPEN', 'RESOLVED']) with ordinality as x(code, s, st, n)
       where reseller_id = ?`,
      [created.reseller.id],
    );
    // A printer of another reseller, which no page of this one may show.
    const stranger = await newReseller(app.services.orm.em);
    const strangerCustomer = await newCustomer(app.services.orm.em, stranger.reseller.id, 'Stranger');
    await newDirectPrinter(app.services.orm.em, stranger.reseller.id, strangerCustomer.id);
  });
  afterAll(async () => {
    sqlJsonPages.enabled = true;
    await app?.close();
  });

  /** Selections for a type's fields that take no required arguments, each as a GraphQL fragment. */
  function fieldSelections(typeName: string): Array<[field: string, selection: string]> {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    return Object.values(type.getFields())
      .filter((f: GraphQLField<unknown, unknown>) =>
        f.args.every((a) => a.defaultValue !== undefined || !String(a.type).endsWith('!')),
      )
      .map((f): [string, string] | null => {
        const named = getNamedType(f.type);
        if (isLeafType(named)) return [f.name, f.name];
        // Objects: their leaf fields (enough to prove the parent row carried what they need).
        if (!isObjectType(named)) return null;
        const leaves = Object.values(named.getFields()).filter(
          (g) => isLeafType(getNamedType(g.type)) && g.args.length === 0,
        );
        return leaves.length ? [f.name, `${f.name} { ${leaves.map((g) => g.name).join(' ')} }`] : null;
      })
      .filter((s): s is [string, string] => s !== null);
  }

  /** The answer through the ordinary path and through the SQL-built page, and whether it was one. */
  async function bothWays(query: string, variables: Record<string, unknown> = {}) {
    sqlJsonPages.enabled = false;
    const ordinary = await app.gql(query, variables, key);
    sqlJsonPages.enabled = true;
    const before = sqlJsonPages.answered;
    const built = await app.gql(query, variables, key);
    return { ordinary, built, compiled: sqlJsonPages.answered > before };
  }

  // Where each type of the read model appears: a query template with `%` for the selection.
  const PLACES: Array<[string, string]> = [
    ['Printer', `{ printers(first: 10) { edges { node { % } } } }`],
    ['Cartridge', `{ printers(first: 10) { edges { node { cartridges { % } } } } }`],
    ['Printhead', `{ printers(first: 10) { edges { node { printheads { % } } } } }`],
    [
      'Alert',
      `{ printers(first: 10) { edges { node { openAlerts(first: 10) { edges { node { % } } } } } } }`,
    ],
    ['Customer', `{ printers(first: 10) { edges { node { customer { % } } } } }`],
    ['Site', `{ printers(first: 10) { edges { node { site { % } } } } }`],
    ['LifetimeCounters', `{ printers(first: 10) { edges { node { lifetimeCounters { % } } } } }`],
    ['Job', `{ jobs(first: 20) { edges { node { % } } } }`],
    ['Printer', `{ jobs(first: 20) { edges { node { printer { % } } } } }`],
    ['Customer', `{ jobs(first: 20) { edges { node { customer { % } } } } }`],
    [
      'Printer',
      `{ printers(first: 10) { edges { node { openAlerts(first: 2) { edges { node { printer { % } } } } } } } }`,
    ],
  ];

  it('covers every type of the read model', () => {
    expect(new Set(PLACES.map(([type]) => type))).toEqual(
      new Set(Object.keys(READ_MODEL).filter((t) => !['InkUse', 'JobCategoryUsage'].includes(t))),
    );
  });

  it.each(PLACES)('%s in %s: every field answers what the resolvers answer', async (type, template) => {
    const fields = fieldSelections(type);
    expect(fields.length).toBeGreaterThan(2);
    const compiledFields: string[] = [];
    const id = fields.some(([name]) => name === 'id') ? 'id ' : '';
    for (const [name, selection] of fields) {
      const { ordinary, built, compiled } = await bothWays(template.replace('%', `${id}${selection}`));
      expect(ordinary.errors, selection).toBeUndefined();
      expect(built, selection).toEqual(ordinary);
      // A field the read model lists must be answered by PostgreSQL, not silently by the fallback.
      if (READ_MODEL[type]!.fields[name]) expect(compiled, `${type}.${name} compiled`).toBe(true);
      if (compiled) compiledFields.push(selection);
    }
    // Every compiled field together: one page, same answer, and real data in it.
    const all = await bothWays(template.replace('%', `${id}${compiledFields.join(' ')}`));
    expect(all.compiled).toBe(true);
    expect(all.built).toEqual(all.ordinary);
    expect(JSON.stringify(all.ordinary.data)).toMatch(/":"/);
  });

  it('pages, orders, filters, counts and aliases exactly as the resolvers do', async () => {
    const same = async (query: string, variables: Record<string, unknown> = {}) => {
      const { ordinary, built, compiled } = await bothWays(query, variables);
      expect(ordinary.errors, query).toBeUndefined();
      expect(compiled, query).toBe(true);
      expect(built, query).toEqual(ordinary);
      // Same keys in the same order, as a client reading the JSON text would see them.
      expect(JSON.stringify(built.data), query).toBe(JSON.stringify(ordinary.data));
      return ordinary.data as Record<string, { pageInfo: { endCursor: string }; totalCount: number }>;
    };
    const page = `edges { cursor node { id serialNumber createdAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;
    const first = await same(`{ printers(first: 1) { ${page} } }`);
    expect(first.printers.totalCount).toBe(2);
    const cursor = first.printers.pageInfo.endCursor as string;
    await same(`query($c: String) { printers(first: 1, after: $c) { ${page} } }`, { c: cursor });
    await same(`query($c: String) { printers(last: 1, before: $c) { ${page} } }`, { c: cursor });
    await same(`{ printers(last: 1) { ${page} } }`);
    await same(`{ printers(first: 5, orderBy: { field: CREATED_AT, direction: DESC }) { ${page} } }`);
    const byCreation = await same(`{ printers(first: 1, orderBy: { field: CREATED_AT }) { ${page} } }`);
    await same(
      `query($c: String) { printers(first: 1, after: $c, orderBy: { field: CREATED_AT }) { ${page} } }`,
      {
        c: byCreation.printers.pageInfo.endCursor,
      },
    );
    await same(
      `query($c: ID) { printers(filter: { customerId: $c, hasOpenAlerts: true, search: "" }) { ${page} } }`,
      {
        c: customerId,
      },
    );
    await same(`{ printers(filter: { model: "designjet" }) { totalCount } }`);
    const jobs = `edges { cursor node { id completedAt printer { serialNumber } } } pageInfo { hasNextPage endCursor } totalCount`;
    const firstJobs = await same(`{ jobs(first: 1) { ${jobs} } }`);
    await same(`query($c: String) { jobs(first: 1, after: $c) { ${jobs} } }`, {
      c: firstJobs.jobs.pageInfo.endCursor,
    });
    await same(
      `query($c: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { jobs(first: 5, filter: { customerId: $c, from: $from, to: $to }) { ${jobs} } }`,
      { c: customerId, from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' },
    );
    await same(`{ __typename p: printers(first: 5) { __typename e: edges { __typename c: cursor n: node { ...F x: serialNumber } } } }
      fragment F on Printer { __typename id customer { __typename name } ... on Printer { cartridges { color } } }`);
    await same(
      `query($n: Int!) { printers { edges { node {
        a: openAlerts(first: $n) { edges { cursor node { code severity status } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount }
        b: openAlerts(first: 0) { edges { cursor } pageInfo { hasNextPage startCursor } }
        c: openAlerts { __typename edges { __typename node { __typename code } } } } } } }`,
      { n: 1 },
    );
  });

  it("shows none of another reseller's rows and refuses a caller without credentials the same way", async () => {
    const { built } = await bothWays(
      `{ printers { totalCount edges { node { serialNumber customer { name } } } } }`,
    );
    const data = built.data as { printers: { edges: Array<{ node: { customer: { name: string } } }> } };
    const names = data.printers.edges.map((e) => e.node.customer.name).sort();
    expect(names).toEqual(['Other', 'Projection']);
    sqlJsonPages.enabled = true;
    const anonymous = await app.gql(`{ printers { totalCount } }`, {}, undefined);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
