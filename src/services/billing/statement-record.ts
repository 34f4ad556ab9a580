// Converts between the billing rules' `Statement` and its stored form (billing_statement +
// billing_statement_line rows). Quantities and prices are stored as exact decimals, amounts as integer
// minor units, so a statement read back is identical to the one that was priced: exports are built
// from stored statements and never re-priced.
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Fixed,
  type ResetStart,
  type Statement,
  type StatementFlag,
  type StatementLine,
  formatDecimal,
  parseDecimal,
} from '../../domain/billing';
import {
  BillingStatementLine,
  type StatementLineSourceRecord,
} from '../../entities/billing-statement-line.entity';
import type { BillingStatement } from '../../entities/billing-statement.entity';
import { Reseller } from '../../entities/reseller.entity';

const dec = (value: Fixed | null): string | null => (value === null ? null : formatDecimal(value));
const int = (value: bigint | null): string | null => (value === null ? null : value.toString());
const fixed = (value: string | null | undefined, field: string): Fixed | null =>
  value === null || value === undefined ? null : parseDecimal(value, field);
const big = (value: string | null | undefined): bigint | null =>
  value === null || value === undefined ? null : BigInt(value);

/** Creates the line rows of a priced statement (the caller flushes). */
export function createLineRecords(
  em: EntityManager,
  header: BillingStatement,
  statement: Statement,
): BillingStatementLine[] {
  const reseller = em.getReference(Reseller, header.reseller.id);
  return statement.lines.map((line, position) =>
    em.create(BillingStatementLine, {
      reseller,
      statement: header,
      position,
      lineId: line.lineId,
      kind: line.kind,
      priceLineId: line.priceLineId,
      meter: line.meter,
      mediaType: line.mediaType,
      category: line.category,
      basis: line.basis,
      description: line.description,
      unit: line.unit,
      quantity: dec(line.quantity),
      allowanceUsed: dec(line.allowanceUsed),
      billableQuantity: dec(line.billableQuantity),
      tierMode: line.tierMode,
      unitPriceMinor: dec(line.unitPriceMinor),
      amountMinor: int(line.amountMinor),
      trueUpMinor: int(line.trueUpMinor),
      totalMinor: int(line.totalMinor),
      breakdown: line.breakdown.map((band) => ({
        tier: band.tier,
        quantity: formatDecimal(band.quantity),
        unitPriceMinor: formatDecimal(band.unitPriceMinor),
        amountMinor: band.amountMinor.toString(),
      })),
      sources: line.sources.map((source): StatementLineSourceRecord => ({
        printerId: source.printerId,
        serialNumber: source.serialNumber,
        quantity: dec(source.quantity),
        readingIds: source.readingIds,
        jobIds: source.jobIds,
        flags: source.flags,
        resets: source.resets.map((reset) => ({ ...reset, startingCount: dec(reset.startingCount) })),
      })),
    }),
  );
}

/** Rebuilds the priced `Statement` from stored rows (lines in position order). */
export function statementFromRecords(
  header: BillingStatement,
  lines: readonly BillingStatementLine[],
): Statement {
  const ordered = [...lines].sort((a, b) => a.position - b.position);
  return {
    contractId: header.contract.id,
    customerId: header.customer.id,
    currency: header.currency.trim(),
    periodKey: header.periodKey,
    periodStart: header.periodStart,
    periodEnd: header.periodEnd,
    billedFrom: header.billedFrom,
    billedTo: header.billedTo,
    generatedAt: header.generatedAt,
    complete: header.complete,
    subtotalMinor: BigInt(header.subtotalMinor),
    flags: header.flags as StatementFlag[],
    lines: ordered.map((row): StatementLine => {
      const field = `billing_statement_line ${row.id}`;
      return {
        lineId: row.lineId,
        kind: row.kind as StatementLine['kind'],
        priceLineId: row.priceLineId ?? null,
        description: row.description,
        meter: (row.meter ?? null) as StatementLine['meter'],
        mediaType: row.mediaType ?? null,
        category: row.category ?? null,
        basis: (row.basis ?? null) as StatementLine['basis'],
        unit: (row.unit ?? null) as StatementLine['unit'],
        quantity: fixed(row.quantity, `${field}.quantity`),
        allowanceUsed: fixed(row.allowanceUsed, `${field}.allowanceUsed`),
        billableQuantity: fixed(row.billableQuantity, `${field}.billableQuantity`),
        tierMode: (row.tierMode ?? null) as StatementLine['tierMode'],
        unitPriceMinor: fixed(row.unitPriceMinor, `${field}.unitPriceMinor`),
        breakdown: row.breakdown.map((band) => ({
          tier: band.tier,
          quantity: parseDecimal(band.quantity, `${field}.breakdown.quantity`),
          unitPriceMinor: parseDecimal(band.unitPriceMinor, `${field}.breakdown.unitPriceMinor`),
          amountMinor: BigInt(band.amountMinor),
        })),
        amountMinor: big(row.amountMinor),
        trueUpMinor: big(row.trueUpMinor),
        totalMinor: big(row.totalMinor),
        sources: row.sources.map((source) => ({
          printerId: source.printerId,
          serialNumber: source.serialNumber,
          quantity: fixed(source.quantity, `${field}.sources.quantity`),
          readingIds: source.readingIds,
          jobIds: source.jobIds,
          flags: source.flags as StatementLine['sources'][number]['flags'],
          resets: (source.resets ?? []).map((reset) => ({
            afterReadingId: reset.afterReadingId,
            beforeReadingId: reset.beforeReadingId,
            start: reset.start as ResetStart,
            startingCount: fixed(reset.startingCount, `${field}.sources.resets.startingCount`),
            offsetId: reset.offsetId,
          })),
        })),
      };
    }),
  };
}
