// The fleet page's parts read together with the page. The printers resolver knows every printer of
// the page and what the query selects below it, so it asks the loaders for customers, cartridges,
// printheads and open alerts of all of them at once (one round trip through the statement batch) and
// hangs the results on the rows. The field resolvers then answer from them synchronously: no DataLoader
// round and no promise per printer and field (~400 on a fleet page), which graphql-js would otherwise
// have to wait on one by one.
import { getArgumentValues, isObjectType, type GraphQLResolveInfo } from 'graphql';
import type { Alert } from '../entities/alert.entity';
import type { Customer } from '../entities/customer.entity';
import type { Printer } from '../entities/printer.entity';
import type { GraphQLContext } from '../graphql/context';
import { projectedKey } from '../graphql/loaders';
import { selectedFieldNames, selectedFieldNodes } from '../graphql/projection';
import { selectedColumns } from '../graphql/projections';
import type { CartridgeType, PrintheadType } from '../schema/printer.type';

export interface PrefetchedParts {
  customer?: Customer | null;
  cartridges?: CartridgeType[];
  printheads?: PrintheadType[];
  /** Open alerts fetched for `first` (one more than asked, to know whether there is a next page). */
  openAlerts?: { first: number; alerts: Alert[] };
}

/** A printer row of a page, with its parts when the page prefetched them. */
export type PrinterWithParts = Printer & { prefetched?: PrefetchedParts };

export async function prefetchParts(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  printers: PrinterWithParts[],
): Promise<void> {
  if (printers.length === 0) return;
  const node = ['edges', 'node'];
  const selected = selectedFieldNames(info.fieldNodes, node, info.fragments);
  const loads: Array<Promise<void>> = [];
  const each = <V>(
    load: (p: PrinterWithParts) => Promise<V>,
    put: (parts: PrefetchedParts, v: V) => void,
  ) => {
    for (const printer of printers) {
      const parts = (printer.prefetched ??= {});
      loads.push(load(printer).then((value) => put(parts, value)));
    }
  };
  if (selected.has('customer')) {
    const columns = selectedColumns(ctx, info, 'customer', [...node, 'customer']);
    each(
      (p) => ctx.loaders.customer.load(projectedKey(p.customer.id, columns)),
      (parts, v) => (parts.customer = v),
    );
  }
  if (selected.has('cartridges')) {
    const columns = selectedColumns(ctx, info, 'cartridge', [...node, 'cartridges']);
    each(
      (p) => ctx.loaders.cartridges.load(projectedKey(p.id, columns)),
      (parts, v) => (parts.cartridges = v),
    );
  }
  if (selected.has('printheads')) {
    const columns = selectedColumns(ctx, info, 'printhead', [...node, 'printheads']);
    each(
      (p) => ctx.loaders.printheads.load(projectedKey(p.id, columns)),
      (parts, v) => (parts.printheads = v),
    );
  }
  const first = selected.has('openAlerts') ? openAlertsFirst(info) : null;
  if (first !== null) {
    const columns = selectedColumns(ctx, info, 'alert', [...node, 'openAlerts', 'edges', 'node']);
    each(
      (p) => ctx.loaders.openAlerts.load(`${projectedKey(p.id, columns)}|${first + 1}`),
      (parts, alerts) => (parts.openAlerts = { first, alerts }),
    );
  }
  await Promise.all(loads);
}

/**
 * The `first` argument of the page's openAlerts selections, or null when there are several with
 * different arguments or it is out of range (the field resolver then loads and validates as usual).
 */
function openAlertsFirst(info: GraphQLResolveInfo): number | null {
  const printerType = info.schema.getType('Printer');
  if (!isObjectType(printerType)) return null;
  const definition = printerType.getFields().openAlerts;
  if (!definition) return null;
  const nodes = selectedFieldNodes(info.fieldNodes, ['edges', 'node'], info.fragments).filter(
    (field) => field.name.value === 'openAlerts',
  );
  const values = new Set(
    nodes.map((n) => Number(getArgumentValues(definition, n, info.variableValues).first)),
  );
  if (values.size !== 1) return null;
  const [first] = values;
  return Number.isInteger(first) && first! >= 0 && first! <= 100 ? first! : null;
}
