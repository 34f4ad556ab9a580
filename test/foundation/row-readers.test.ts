// Row readers generated from MikroORM metadata (src/db/row-readers.ts): for every entity with stored
// rows, a raw `select *` row read through the generated reader equals the same row read as an entity
// by the ORM, property by property (references as ids). A column the reader dropped or converted
// differently (a timestamp left as text, a bigint turned into a number) fails here, and so does a
// column of the table that no property reads or a property the reader skips.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import type { EntityMetadata, EntityProperty } from '@mikro-orm/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { columnReaders, entityRowReader } from '../../src/db/row-readers';
import { persistReport } from '../../src/repositories/reports.repository';
import { useTestOrm } from '../support/orm';
import { directSender, newCustomer, newDirectPrinter, newReseller } from '../support/factories';

const file = useTestOrm();

beforeAll(async () => {
  const em = file.orm.em;
  const resellerId = (await newReseller(em)).reseller.id;
  const customerId = (await newCustomer(em, resellerId)).id;
  const printer = await newDirectPrinter(em, resellerId, customerId);
  // A report fills printers, components, media, readings, jobs, alerts and the raw archive.
  await persistReport(
    em.fork(),
    {
      receiptId: randomUUID(),
      sender: directSender(resellerId, printer),
      receivedAt: new Date().toISOString(),
      bodyBytes: 1000,
      report: exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() }),
    },
    ['DesignJet'],
  );
});

/** The properties a row reader must produce: persisted scalars and owning references. */
const readable = (meta: EntityMetadata) =>
  meta.props.filter(
    (p: EntityProperty) =>
      p.persist !== false &&
      !p.formula &&
      (p.kind === 'scalar' || p.kind === 'm:1' || (p.kind === '1:1' && p.owner)),
  );

/** An entity as the plain shape a row reader gives: each readable property, references as `{ id }`. */
function plain(meta: EntityMetadata, entity: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of readable(meta)) {
    const value = entity[prop.name];
    out[prop.name] =
      prop.kind === 'scalar' ? (value ?? null) : value ? { id: (value as { id: string }).id } : null;
  }
  return out;
}

describe('row readers generated from the entity metadata', () => {
  it('read every column of every entity as the ORM reads the entity', async () => {
    const checked: string[] = [];
    for (const meta of Object.values(file.orm.getMetadata().getAll())) {
      // Rows are matched by id (the partitioned tables' keys are (id, time); id alone is unique).
      const pk = meta.primaryKeys.length === 1 ? meta.primaryKeys[0]! : 'id';
      if (meta.abstract || meta.embeddable || !meta.class || !meta.primaryKeys.includes(pk)) continue;
      const em = file.orm.em.fork();
      const rows = await em.execute<Record<string, unknown>[]>(
        `select * from "${meta.tableName}" order by 1 limit 3`,
      );
      if (rows.length === 0) continue;
      const read = entityRowReader(file.orm.em, meta.class as new () => object);
      // Every column of the table is read by some property: a column a migration added without a
      // property on the entity would otherwise never reach the API.
      const readers = columnReaders(meta, file.orm.em.getPlatform());
      expect(
        Object.keys(rows[0]!).filter((c) => !(c in readers)),
        `${meta.className}: columns without a property`,
      ).toEqual([]);
      const column = meta.properties[pk]!.fieldNames[0]!;
      const entities = await em.find(meta.class, { [pk]: { $in: rows.map((r) => r[column]) } } as never);
      const byId = new Map(entities.map((e) => [String((e as Record<string, unknown>)[pk]), e]));
      for (const row of rows) {
        const entity = byId.get(String(row[column]));
        expect(entity, `${meta.className} ${String(row[column])}`).toBeDefined();
        const fields = read(row) as Record<string, unknown>;
        // Key for key, not only value for value: a skipped property is a missing key, which toEqual
        // would accept where the entity's value is undefined.
        expect(Object.keys(fields).sort(), `${meta.className}: properties read`).toEqual(
          readable(meta)
            .map((p) => p.name)
            .sort(),
        );
        expect(fields, meta.className).toEqual(plain(meta, entity as Record<string, unknown>));
      }
      checked.push(meta.className);
    }
    // The scenario reached the tables the API reads as plain rows.
    expect(checked).toEqual(
      expect.arrayContaining(['Printer', 'Customer', 'Cartridge', 'Printhead', 'Alert', 'PrinterJob']),
    );
  });

  it('a projected row gives only the fields of its columns', () => {
    const meta = file.orm.getMetadata().get('Printer');
    const readers = columnReaders(meta, file.orm.em.getPlatform());
    expect(readers.serial_number).toEqual(['serialNumber']);
    expect(readers.customer_id?.[0]).toBe('customer');
    const read = entityRowReader(file.orm.em, meta.class as new () => object);
    expect(read({ id: 'x', last_seen_at: '2026-12-01T00:00:00Z', lifetime_pages: '12' })).toEqual({
      id: 'x',
      lastSeenAt: new Date('2026-12-01T00:00:00Z'),
      lifetimePages: '12',
    });
  });

  it('reads every bigint column as a decimal string, on the entity and through the reader (entities/base.ts)', () => {
    const beyondDoubles = '9007199254740993'; // 2^53 + 1: a JS number would round it
    const bigints: string[] = [];
    for (const meta of Object.values(file.orm.getMetadata().getAll())) {
      if (meta.abstract || meta.embeddable || !meta.class) continue;
      const readers = columnReaders(meta, file.orm.em.getPlatform());
      for (const prop of readable(meta)) {
        if (prop.kind !== 'scalar' || prop.columnTypes?.[0] !== 'bigint') continue;
        const name = `${meta.className}.${prop.name}`;
        bigints.push(name);
        const convert = readers[prop.fieldNames[0]!]?.[1];
        expect(convert?.(beyondDoubles), name).toBe(beyondDoubles);
        expect(prop.customType?.convertToJSValue(beyondDoubles, file.orm.em.getPlatform()), name).toBe(
          beyondDoubles,
        );
      }
    }
    expect(bigints).toEqual(expect.arrayContaining(['Printer.lifetimePages', 'BillingStatement.totalMinor']));
  });
});
