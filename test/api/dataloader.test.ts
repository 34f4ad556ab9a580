// Batched loading: the fleet query costs the same number of SQL statements for 10 and 100 printers,
// through the ordinary path (resolvers + DataLoaders) and as a SQL-built page (one round trip).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newReseller } from '../support/factories';
import { sqlJsonPages } from '../../src/graphql/sql-json/plugin';
import { observeStatements } from '../../src/repositories/sql';

let app: TestApp;
let apiKey: string;

const FLEET_QUERY = `query Fleet($n: Int!) { printers(first: $n) { edges { node {
  customer { name } cartridges { color } printheads { status } openAlerts(first: 5) { edges { node { code } } } } } } }`;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  const em = app.services.orm.em;
  const created = await newReseller(em);
  apiKey = created.apiKey;
  const resellerId = created.reseller.id;
  const customers = [await newCustomer(em, resellerId, 'A'), await newCustomer(em, resellerId, 'B')];
  // 120 printers, each with 2 cartridges, 1 printhead and 2 open alerts, seeded in SQL.
  await em.fork().execute(
    `insert into printer (id, reseller_id, customer_id, connection_type, serial_number, product_number, engine_state, created_at)
     select gen_random_uuid(), ?, case when g % 2 = 0 then ?::uuid else ?::uuid end, 'direct', 'SN' || lpad(g::text, 5, '0'), '2RQ50A', 'idle', now()
     from generate_series(1, 120) g`,
    [resellerId, customers[0]!.id, customers[1]!.id],
  );
  await em.fork().execute(
    `insert into cartridge (id, reseller_id, printer_id, color, status, component_key, first_seen_at, last_seen_at)
     select gen_random_uuid(), reseller_id, id, c, 'ok', 'color:' || c, now(), now() from printer, unnest(array['cyan','black']) c where reseller_id = ?`,
    [resellerId],
  );
  await em.fork().execute(
    `insert into printhead (id, reseller_id, printer_id, colors, status, component_key, non_oem_ink_used, first_seen_at, last_seen_at)
     select gen_random_uuid(), reseller_id, id, '["cyan","black"]', 'ok', 'slot:1', false, now(), now() from printer where reseller_id = ?`,
    [resellerId],
  );
  await em.fork().execute(
    `insert into alert (id, reseller_id, customer_id, printer_id, subject_key, code, dedupe_key, severity, status, source, message, raised_at, last_seen_at, occurrences)
     select gen_random_uuid(), reseller_id, customer_id, id, 'printer:' || id, code, code, 'warning', 'OPEN', 'device', 'm', now(), now(), 1
     from printer, unnest(array['a.one','a.two']) code where reseller_id = ?`,
    [resellerId],
  );
});
afterAll(async () => app?.close());

async function statementsFor(n: number): Promise<{ count: number; printers: number }> {
  const connection = app.services.orm.em.getConnection();
  const original = connection.execute.bind(connection);
  let count = 0;
  connection.execute = ((...args: Parameters<typeof original>) => {
    count += 1;
    return original(...args);
  }) as typeof connection.execute;
  // The loaders' reads are repository statements, which run through query() (src/repositories/sql.ts).
  const stopObserving = observeStatements(() => {
    count += 1;
  });
  try {
    const result = await app.gql<{
      printers: { edges: Array<{ node: { cartridges: unknown[]; openAlerts: { edges: unknown[] } } }> };
    }>(FLEET_QUERY, { n }, apiKey);
    expect(result.errors).toBeUndefined();
    const edges = result.data!.printers.edges;
    expect(edges.every((e) => e.node.cartridges.length === 2 && e.node.openAlerts.edges.length === 2)).toBe(
      true,
    );
    return { count, printers: edges.length };
  } finally {
    connection.execute = original;
    stopObserving();
  }
}

describe('DataLoader batching', () => {
  afterAll(() => {
    sqlJsonPages.enabled = true;
  });

  it('issues the same number of SQL statements for 10 and 100 printers through the resolvers', async () => {
    sqlJsonPages.enabled = false;
    // The first request looks the API key up; later ones find it in the cache (src/auth/api-key-cache.ts).
    await app.gql(`{ me { role } }`, {}, apiKey);
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(ten.printers).toBe(10);
    expect(hundred.printers).toBe(100);
    expect(hundred.count).toBe(ten.count);
    // Tenant setup, the printer page, then one batch per loader: customers, cartridges, printheads and
    // open alerts.
    expect(ten.count).toBe(6);
  });

  it('answers the fleet page as a SQL-built page in one round trip, tenant settings included', async () => {
    sqlJsonPages.enabled = true;
    await app.gql(`{ me { role } }`, {}, apiKey);
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(hundred.printers).toBe(100);
    expect([ten.count, hundred.count]).toEqual([1, 1]);
  });
});
