// Column projection (src/graphql/projection.ts): every field of every projected type, selected on its
// own, answers exactly what it answers when every column is read. Fields are discovered from the
// schema, so a field added later is covered without touching this test.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  getNamedType,
  isLeafType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraphQLSchema } from '../../src/graphql/build-schema';
import {
  ALL_COLUMNS,
  columnsFor,
  projection,
  selectedFieldNames,
  type ProjectionSpec,
} from '../../src/graphql/projection';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

describe('column projection, unit', () => {
  const meta = {
    className: 'Thing',
    properties: {
      name: { kind: 'scalar', fieldNames: ['name'] },
      owner: { kind: 'm:1', fieldNames: ['owner_id'] },
      parts: { kind: '1:m', fieldNames: ['id'] },
      shadow: { kind: 'scalar', fieldNames: ['shadow'], persist: false },
    },
  } as unknown as ProjectionSpec['meta'];
  const spec: ProjectionSpec = { meta, always: ['id'], fields: { total: ['a', 'b'] } };

  it('maps properties, many-to-one keys and declared fields; anything else reads every column', () => {
    expect(columnsFor(new Set(['name', 'owner', '__typename']), spec)).toEqual(['id', 'name', 'owner_id']);
    expect(columnsFor(new Set(['total']), spec)).toEqual(['a', 'b', 'id']);
    expect(columnsFor(new Set(['name', 'unknown']), spec)).toBe(ALL_COLUMNS);
    expect(columnsFor(new Set(['parts']), spec)).toBe(ALL_COLUMNS);
    expect(columnsFor(new Set(['shadow']), spec)).toBe(ALL_COLUMNS);
  });

  it('collects fields through aliases, named and inline fragments, below a path', () => {
    const document =
      parse(`{ things { edges { node { n: name ...F ... on Thing { owner } } } pageInfo { x } } }
      fragment F on Thing { total ...G } fragment G on Thing { name }`);
    const [operation, ...definitions] = document.definitions as [
      OperationDefinitionNode,
      ...FragmentDefinitionNode[],
    ];
    const root = operation.selectionSet.selections[0] as FieldNode;
    const fragments = Object.fromEntries(definitions.map((d) => [d.name.value, d]));
    expect([...selectedFieldNames([root], ['edges', 'node'], fragments)].sort()).toEqual([
      'name',
      'owner',
      'total',
    ]);
    expect([...selectedFieldNames([root], [], fragments)].sort()).toEqual(['edges', 'pageInfo']);
  });
});

describe('column projection, against the real schema and data', () => {
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
  });
  afterAll(async () => {
    projection.enabled = true;
    await app?.close();
  });

  /** Selections for a type's fields that take no required arguments, each as a GraphQL fragment. */
  function fieldSelections(typeName: string): string[] {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    return Object.values(type.getFields())
      .filter((f: GraphQLField<unknown, unknown>) =>
        f.args.every((a) => a.defaultValue !== undefined || !String(a.type).endsWith('!')),
      )
      .map((f) => {
        const named = getNamedType(f.type);
        if (isLeafType(named)) return f.name;
        // Objects: their leaf fields (enough to prove the parent row carried the keys it needs).
        if (!isObjectType(named)) return null;
        const leaves = Object.values(named.getFields()).filter(
          (g) => isLeafType(getNamedType(g.type)) && g.args.length === 0,
        );
        return leaves.length ? `${f.name} { ${leaves.map((g) => g.name).join(' ')} }` : null;
      })
      .filter((s): s is string => s !== null);
  }

  // Where each projected type appears: a query template with `%` for the selection.
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
    ['Job', `{ jobs(first: 20) { edges { node { % } } } }`],
    ['Printer', `{ jobs(first: 20) { edges { node { printer { % } } } } }`],
    ['Customer', `{ jobs(first: 20) { edges { node { customer { % } } } } }`],
  ];

  it('prefetches open alerts per distinct first argument, with variables and aliases', async () => {
    const one = async (first: number) =>
      (
        await app.gql<{ printers: { edges: Array<{ node: { openAlerts: unknown } }> } }>(
          `query($n: Int!) { printers(first: 10) { edges { node { openAlerts(first: $n) { edges { node { code } } pageInfo { hasNextPage } } } } } }`,
          { n: first },
          key,
        )
      ).data!.printers.edges.map((e) => e.node.openAlerts);
    const [first1, first2] = [await one(1), await one(2)];
    expect(JSON.stringify(first2)).toContain('"code"');
    const both = await app.gql<{ printers: { edges: Array<{ node: { a: unknown; b: unknown } }> } }>(
      `{ printers(first: 10) { edges { node {
          a: openAlerts(first: 1) { edges { node { code } } pageInfo { hasNextPage } }
          b: openAlerts(first: 2) { edges { node { code } } pageInfo { hasNextPage } } } } } }`,
      {},
      key,
    );
    expect(both.errors).toBeUndefined();
    expect(both.data!.printers.edges.map((e) => e.node.a)).toEqual(first1);
    expect(both.data!.printers.edges.map((e) => e.node.b)).toEqual(first2);
  });

  it.each(PLACES)(
    '%s in %s: each field alone equals the value read with every column',
    async (type, template) => {
      const fields = fieldSelections(type).filter(
        (f) => !f.startsWith('usage') && !f.startsWith('openAlerts'),
      );
      expect(fields.length).toBeGreaterThan(2);
      const run = async (selection: string) => {
        const result = await app.gql(template.replace('%', `id ${selection}`), {}, key);
        expect(result.errors, selection).toBeUndefined();
        return result.data;
      };
      projection.enabled = false;
      const full = await Promise.all(fields.map(run));
      projection.enabled = true;
      const projected = await Promise.all(fields.map(run));
      for (let i = 0; i < fields.length; i++) expect(projected[i], fields[i]).toEqual(full[i]);
      // And the data is real: something non-null came back for most fields.
      expect(JSON.stringify(full)).toContain('"id"');
    },
  );
});
