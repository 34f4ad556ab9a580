// Batched loading: the fleet query costs the same number of SQL statements for 10 and 100 printers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newReseller } from '../support/factories';
import { StatementBatch } from '../../src/graphql/statement-batch';

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
  }
}

describe('DataLoader batching', () => {
  it('issues the same number of SQL statements for 10 and 100 printers', async () => {
    // The first request looks the API key up; later ones find it in the cache (src/auth/api-key-cache.ts).
    await app.gql(`{ me { role } }`, {}, apiKey);
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(ten.printers).toBe(10);
    expect(hundred.printers).toBe(100);
    expect(hundred.count).toBe(ten.count);
    // Tenant setup, the printer page, and one round trip for all its loaders (statement-batch.ts).
    expect(ten.count).toBe(3);
  });
});

describe('StatementBatch', () => {
  it('sends the statements of one turn as one query and routes each result to its caller', async () => {
    const em = app.services.orm.em.fork();
    const connection = em.getConnection();
    const original = connection.execute.bind(connection);
    const sent: string[] = [];
    connection.execute = ((...args: Parameters<typeof original>) => {
      sent.push(String(args[0]));
      return original(...args);
    }) as typeof connection.execute;
    try {
      const batch = new StatementBatch(() => em);
      const [a, b, c] = await Promise.all([
        batch.rows<{ n: number }>('select ?::int as n', [1]),
        batch.rows<{ s: string }>('select ? as s', ["it's ? quoted"]),
        batch.rows<{ n: number }>('select generate_series(1, 3) as n'),
      ]);
      expect(a).toEqual([{ n: 1 }]);
      expect(b).toEqual([{ s: "it's ? quoted" }]);
      expect(c.map((r) => r.n)).toEqual([1, 2, 3]);
      expect(sent).toHaveLength(1);

      // A failing statement fails every caller of its batch; the next turn starts afresh.
      const results = await Promise.allSettled([
        batch.rows('select 1 as ok'),
        batch.rows('select * from no_such_table'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(await batch.rows<{ ok: number }>('select 1 as ok')).toEqual([{ ok: 1 }]);
    } finally {
      connection.execute = original;
    }
  });
});
