// The fleet filter "supplies low": printers with an installed cartridge at or below its reseller's
// low level (or reporting a low / empty status) or a printhead below its minimum health — the same
// thresholds and status words the alert rules use (src/domain/alert-rules.ts), so the filter and the
// cartridge.low / printhead.health_low alerts agree. Two EXISTS probes on the components' unique
// (printer_id, component_key) index: no per-printer work in JavaScript, fine for 10,000 printers.
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  DEFAULT_RULE_THRESHOLDS,
  EMPTY_STATUSES,
  LOW_STATUSES,
  MISSING_STATUSES,
  type RuleThresholds,
} from '../domain/alert-rules';
import { loadThresholds } from '../repositories/alert-rules.repository';

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** Status words compared as the rules compare them: lower case, letters and digits only. */
const normalized = (column: string) => `regexp_replace(lower(${column}), '[^a-z0-9]', '', 'g')`;

/**
 * The condition on the `printer` table for "supplies low" (or its negation). With a reseller scope the
 * reseller's thresholds are parameters; for an operator reading across resellers each printer is
 * judged by its own reseller's thresholds (a CASE over the resellers that changed the defaults).
 */
export async function suppliesLowCondition(
  em: EntityManager,
  resellerId: string | undefined,
  low: boolean,
): Promise<SqlCondition> {
  const ids = resellerId
    ? [resellerId]
    : (
        await em.execute<{ id: string }[]>(
          `select id from reseller where settings -> 'alertThresholds' is not null`,
        )
      ).map((r) => r.id);
  const thresholds = await loadThresholds(em, ids);
  const params: unknown[] = [];
  // Each helper appends its parameters, so the SQL below is assembled in parameter order.
  const words = (list: readonly string[]) => {
    params.push(`{${list.join(',')}}`);
    return '?::text[]';
  };
  const limit = (key: keyof RuleThresholds): string => {
    if (resellerId) {
      params.push(thresholds.get(resellerId)!.thresholds[key]);
      return '?::float8';
    }
    const whens = ids.map((id) => {
      params.push(id, thresholds.get(id)!.thresholds[key]);
      return 'when ?::uuid then ?::float8';
    });
    params.push(DEFAULT_RULE_THRESHOLDS[key]);
    return whens.length ? `(case printer.reseller_id ${whens.join(' ')} else ?::float8 end)` : '?::float8';
  };
  const installed = (alias: string) =>
    `${alias}.printer_id = printer.id and ${alias}.reseller_id = printer.reseller_id and ${alias}.removed_at is null and not ${normalized(`${alias}.status`)} = any(${words(MISSING_STATUSES)})`;
  const cartridge = `exists (select 1 from cartridge c where ${installed('c')} and (c.level_percent <= ${limit('cartridgeLowPercent')} or ${normalized('c.status')} = any(${words([...LOW_STATUSES, ...EMPTY_STATUSES])})))`;
  const printhead = `exists (select 1 from printhead h where ${installed('h')} and h.health_percent < ${limit('printheadHealthMinPercent')})`;
  const sql = `(${cartridge} or ${printhead})`;
  return { sql: low ? sql : `not ${sql}`, params };
}
