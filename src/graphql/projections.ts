// What each hot read path may project (see projection.ts): per GraphQL type, the columns always read
// and the columns of fields that are not plain entity properties (field resolvers).
import type { GraphQLResolveInfo } from 'graphql';
import { PRINTER_COUNTER_COLUMNS } from '../entities/printer.entity';
import type { GraphQLContext } from './context';
import { projectedColumns, specCache, type Columns } from './projection';

export const projectionSpecs = specCache((meta) => ({
  printer: {
    meta: meta('Printer'),
    // Pagination sorts by serial number or creation time, then id.
    always: ['id', 'serial_number', 'created_at'],
    fields: {
      customer: ['customer_id'],
      site: ['site_id'],
      collector: ['collector_id'],
      statusReasons: ['status_reasons'],
      lifetimeCounters: PRINTER_COUNTER_COLUMNS,
      usage: ['site_id'],
      // Loaded by printer id.
      cartridges: [],
      printheads: [],
      mediaSources: [],
      accessories: [],
      supportedMediaTypes: [],
      openAlerts: [],
    },
  },
  cartridge: { meta: meta('Cartridge'), always: ['id', 'printer_id'] },
  printhead: { meta: meta('Printhead'), always: ['id', 'printer_id'] },
  alert: {
    meta: meta('Alert'),
    always: ['id', 'printer_id', 'customer_id'],
    fields: {
      printer: ['printer_id'],
      customer: ['customer_id'],
      assignedTo: ['assigned_to_id'],
      history: [
        'source',
        'raised_at',
        'acknowledged_at',
        'acknowledged_by_id',
        'resolved_at',
        'resolved_by_id',
      ],
    },
  },
  customer: { meta: meta('Customer'), always: ['id'], fields: { sites: [] } },
  site: { meta: meta('Site'), always: ['id'], fields: { customer: ['customer_id'] } },
  job: {
    meta: meta('PrinterJob'),
    // The cursor is (completed_at, id); printer and customer are loaded by id.
    always: ['id', 'completed_at', 'printer_id', 'customer_id'],
    fields: { printer: ['printer_id'], customer: ['customer_id'] },
  },
}));

export type ProjectedType = keyof ReturnType<typeof projectionSpecs>;

/** The columns of `type` that the current field's selection (at `path` below it) needs. */
export function selectedColumns(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  type: ProjectedType,
  path: readonly string[] = [],
): Columns {
  return projectedColumns(info, path, projectionSpecs(ctx.em.getMetadata())[type]);
}
