// The fleet as the GraphQL DataLoaders read it, a batch of ids per statement (src/graphql/loaders.ts):
// printers, customers and sites by id, and each printer's installed components and media types. Plain
// rows, not managed entities: a fleet page reads hundreds of them and materialising each as a tracked
// entity cost more CPU than the rest of the request (docs/performance.md, "API"). They run in the
// request's tenant transaction, so row-level security applies to them as to everything else.
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidArrayParam } from '../lib/ids';
import { query } from './sql';

type Row = Record<string, unknown>;

export async function printerRowsByIds(em: EntityManager, ids: readonly string[]): Promise<Row[]> {
  return query(em, `select * from printer where id = any(?::uuid[])`, [uuidArrayParam(ids)]);
}

export async function customerRowsByIds(em: EntityManager, ids: readonly string[]): Promise<Row[]> {
  return query(em, `select * from customer where id = any(?::uuid[])`, [uuidArrayParam(ids)]);
}

export async function siteRowsByIds(em: EntityManager, ids: readonly string[]): Promise<Row[]> {
  return query(em, `select * from site where id = any(?::uuid[])`, [uuidArrayParam(ids)]);
}

/** The installed (not removed) cartridges of the printers, by slot (unslotted last), color and id. */
export async function installedCartridgeRows(
  em: EntityManager,
  printerIds: readonly string[],
): Promise<Row[]> {
  return query(
    em,
    `select * from cartridge where printer_id = any(?::uuid[]) and removed_at is null
     order by slot nulls last, color, id`,
    [uuidArrayParam(printerIds)],
  );
}

/** The installed (not removed) printheads of the printers, by slot (unslotted last) and id. */
export async function installedPrintheadRows(
  em: EntityManager,
  printerIds: readonly string[],
): Promise<Row[]> {
  return query(
    em,
    `select * from printhead where printer_id = any(?::uuid[]) and removed_at is null
     order by slot nulls last, id`,
    [uuidArrayParam(printerIds)],
  );
}

/** The media types each printer knows: media type rows with the `printer_id` they belong to, by code. */
export async function printerMediaTypeRows(
  em: EntityManager,
  printerIds: readonly string[],
): Promise<Array<Row & { printer_id: string }>> {
  return query(
    em,
    `select pmt.printer_id, mt.id, mt.code, mt.names
     from printer_media_type pmt join media_type mt on mt.id = pmt.media_type_id
     where pmt.printer_id = any(?::uuid[]) order by mt.code`,
    [uuidArrayParam(printerIds)],
  );
}
