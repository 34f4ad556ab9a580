// Tenant isolation, tested from the schema itself: every root query and mutation (discovered from the
// schema, so new fields are covered automatically) is called as reseller B with reseller A's ids in
// every ID argument and ID input field. Nothing of A may come back, and nothing of A may change.
import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraphQLSchema } from '../../src/graphql/build-schema';
import { createCollectorEnrollment } from '../../src/services/devices';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCollector, newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

let app: TestApp;
let schema: GraphQLSchema;
let resellerA: string;
let keyB: string;
const idsOfA = new Set<string>();
const MARKER = 'ALPHA-SECRET';

// Every table that carries a tenant id, read from the database so a new table is covered without edits.
const tenantTables = async (): Promise<string[]> =>
  (
    await app.services.orm.em.fork().execute<{ table_name: string }[]>(
      `select c.table_name from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
         where c.table_schema = 'public' and c.column_name = 'reseller_id' and t.table_type = 'BASE TABLE'
           and c.table_name not in (select inhrelid::regclass::text from pg_inherits) order by 1`,
    )
  ).map((r) => r.table_name);

async function snapshotOfA(): Promise<string> {
  const em = app.services.orm.em.fork();
  const parts: unknown[] = [
    await em.execute(`select to_jsonb(r) as row from reseller r where id = ?`, [resellerA]),
  ];
  const tables = await tenantTables();
  expect(tables).toEqual(
    expect.arrayContaining([
      'printer',
      'printer_job',
      'usage_reading',
      'alert',
      'billing_statement',
      'api_key',
    ]),
  );
  for (const table of tables) {
    parts.push(
      await em.execute(
        `select to_jsonb(t) as row from "${table}" t where reseller_id = ? order by to_jsonb(t)::text`,
        [resellerA],
      ),
    );
  }
  return JSON.stringify(parts);
}

beforeAll(async () => {
  app = await startTestApp();
  schema = await buildGraphQLSchema();
  const em = app.services.orm.em;
  const a = await newReseller(em, MARKER);
  resellerA = a.reseller.id;
  keyB = (await newReseller(em, 'Bravo')).apiKey;

  const customer = await newCustomer(em, resellerA, `${MARKER} customer`);
  const printer = await newDirectPrinter(em, resellerA, customer.id, 'ALPHASERIAL01');
  const collector = await newCollector(em, resellerA, customer.id);
  await createCollectorEnrollment(em.fork(), 'test', resellerA, customer.id);
  const report = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() });
  expect((await sendSigned(app.url, printer, '/ingest/v1/reports', report)).status).toBe(202);
  await eventually(
    async () =>
      Number(
        (
          await em
            .fork()
            .execute<{ n: string }[]>(`select count(*) as n from printer_job where printer_id = ?`, [
              printer.printerId,
            ])
        )[0]!.n,
      ) > 0,
  );
  const site = await app.gql<{ createSite: { id: string } }>(
    `mutation { createSite(input: {customerId: "${customer.id}", name: "${MARKER} site"}) { id } }`,
    {},
    a.apiKey,
  );
  expect(site.errors).toBeUndefined();

  // Every id of A that a client could know.
  const rows = await em.fork().execute<{ id: string }[]>(
    `select id::text from customer where reseller_id = ?1 union all select id::text from site where reseller_id = ?1
     union all select id::text from printer where reseller_id = ?1 union all select id::text from collector where reseller_id = ?1
     union all select id::text from alert where reseller_id = ?1 union all select id::text from api_key where reseller_id = ?1
     union all (select id::text from printer_job where reseller_id = ?1 limit 2) union all select id::text from cartridge where reseller_id = ?1 limit 40`.replace(
      /\?1/g,
      `'${resellerA}'`,
    ),
  );
  for (const row of rows) idsOfA.add(row.id);
  idsOfA.add(resellerA);
  idsOfA.add(collector.collectorId);
  expect(idsOfA.size).toBeGreaterThan(8);
});
afterAll(async () => app?.close());

/** A value for an argument: ID-like values are the target id of A; everything else minimal but valid. */
function valueFor(type: GraphQLInputType, target: string, name: string, depth = 0): unknown {
  if (isNonNullType(type)) return valueFor(type.ofType, target, name, depth);
  if (isListType(type)) return [valueFor(type.ofType, target, name, depth)];
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return name === 'role' ? values.find((v) => v !== 'OPERATOR') : values[0];
  }
  if (isInputObjectType(type)) {
    if (depth > 2) return {};
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (isNonNullType(field.type) || named.name === 'ID')
        out[field.name] = valueFor(field.type, target, field.name, depth + 1);
    }
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return target;
      case 'Int':
        return name === 'first' || name === 'last' ? 5 : 60;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'DateTimeISO':
        return '2026-11-01T00:00:00.000Z';
      default:
        return /url/i.test(name)
          ? 'https://example.invalid/hook'
          : /ipRange/i.test(name)
            ? '10.0.0.0/24'
            : `walker-${name}`;
    }
  }
  return null;
}

/** Scalars of the returned type, plus one level of nested objects and connection edges. */
function selection(type: GraphQLOutputType, depth = 0): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields()).filter((f) =>
    f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined),
  );
  const parts: string[] = [];
  for (const field of fields) {
    const inner = getNamedType(field.type);
    if (isScalarType(inner) || isEnumType(inner)) parts.push(field.name);
    else if (depth < 3) {
      const nested = selection(field.type, depth + 1);
      if (nested) parts.push(`${field.name} ${nested}`);
    }
  }
  return parts.length ? `{ ${parts.join(' ')} }` : '{ __typename }';
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, target: string) {
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args: string[] = [];
  for (const arg of field.args) {
    if (
      !isNonNullType(arg.type) &&
      getNamedType(arg.type).name !== 'ID' &&
      !isInputObjectType(getNamedType(arg.type))
    )
      continue;
    variables[arg.name] = valueFor(arg.type, target, arg.name);
    definitions.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  const query = `${kind} Walk${definitions.length ? `(${definitions.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${selection(field.type)} }`;
  return { query, variables };
}

describe('tenant isolation across the whole schema', () => {
  it('returns nothing of reseller A and changes nothing of A, for every root field called as reseller B', async () => {
    const before = await snapshotOfA();
    const roots: Array<['query' | 'mutation', GraphQLField<unknown, unknown>[]]> = [
      ['query', Object.values(schema.getQueryType()!.getFields())],
      ['mutation', Object.values(schema.getMutationType()?.getFields() ?? {})],
    ];
    let calls = 0;
    const leaks: string[] = [];
    for (const [kind, fields] of roots) {
      for (const field of fields) {
        const usesIds =
          JSON.stringify(field.args.map((a) => String(a.type))).includes('ID') ||
          field.args.some((a) => isInputObjectType(getNamedType(a.type)));
        const targets = usesIds ? [...idsOfA] : ['00000000-0000-0000-0000-000000000000'];
        for (const target of targets) {
          const { query, variables } = operationFor(kind, field, target);
          const response = await app.gql(query, variables, keyB);
          calls += 1;
          const text = JSON.stringify(response.data ?? null);
          for (const id of idsOfA)
            if (text.includes(id)) leaks.push(`${field.name}(${target}) returned A's id ${id}`);
          if (text.includes(MARKER) || text.includes('ALPHASERIAL01'))
            leaks.push(`${field.name}(${target}) returned A's data`);
          expect(
            response.status,
            `${field.name} answered ${response.status}: ${JSON.stringify(response.errors)}`,
          ).toBeLessThan(500);
          for (const error of response.errors ?? []) {
            expect(error.extensions?.code, `${field.name}: ${error.message}`).not.toBe(
              'INTERNAL_SERVER_ERROR',
            );
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(calls).toBeGreaterThan(50);
    expect(await snapshotOfA()).toBe(before);
    // Well over a hundred sequential operations: give a busy CI machine room (about 7 s when idle).
  }, 120_000);

  it('row-level security hides A even from a query without a tenant filter', async () => {
    // Simulate a resolver that forgot its filter: raw SQL inside B's tenant transaction.
    const em = app.services.orm.em.fork();
    await em.begin();
    try {
      const keyRow = await em.execute<{ reseller_id: string }[]>(
        `select reseller_id from api_key where reseller_id <> ? limit 1`,
        [resellerA],
      );
      await em.execute(
        `select set_config('role', 'plotmeter_app', true), set_config('plotmeter.reseller_id', ?, true)`,
        [keyRow[0]!.reseller_id],
      );
      const visible = await em.execute<{ n: string }[]>(
        `select count(*) as n from printer where reseller_id = ?`,
        [resellerA],
      );
      expect(Number(visible[0]!.n)).toBe(0);
      const jobs = await em.execute<{ n: string }[]>(`select count(*) as n from printer_job`);
      expect(Number(jobs[0]!.n)).toBe(0);
      await expect(
        em.execute(`update printer set display_name = 'x' where reseller_id = ?`, [resellerA]),
      ).resolves.toBeDefined();
    } finally {
      await em.rollback();
    }
    const [row] = await app.services.orm.em
      .fork()
      .execute<{ display_name: string | null }[]>(
        `select display_name from printer where serial_number = 'ALPHASERIAL01'`,
      );
    expect(row!.display_name).toBeNull();
  });
});
