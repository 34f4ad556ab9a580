// Statement as plain JSON for the JSON export and API responses. bigint and `Fixed` do not survive
// JSON.stringify, and a JSON number would invite float parsing of money, so every quantity and
// amount becomes a decimal string: quantities and unit prices as exact decimals, amounts both as
// integer minor units and as major units with the currency's decimals. Instants are ISO 8601 UTC.
//
// This is the one definition of a statement's JSON: the ERP export adds the stored statement's
// identity (`StatementRecordJson`) through the same function. An ERP summing line amounts must not
// be able to bill less without noticing, so every statement carries its total and completeness, and
// every line says whether it is PRICED or UNKNOWN (with the reason).

import { formatMinor } from './currency';
import { type Fixed, formatDecimal } from './decimal';
import { type LineStatus, lineStatus, unknownLineCount } from './statement';
import type { Statement, StatementFlag, StatementLine } from './statement';

/** The stored statement's identity, present in the ERP export. */
export interface StatementRecordJson {
  statementId: string;
  version: number;
  status: string;
  approvedAt: string | null;
  exportedAt: string | null;
  customerExternalRef: string | null;
}

export interface StatementJson extends Partial<StatementRecordJson> {
  contractId: string;
  customerId: string;
  currency: string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  billedFrom: string;
  billedTo: string;
  generatedAt: string;
  complete: boolean;
  subtotalMinor: string;
  subtotalMajor: string;
  /** What to invoice: the sum of the priced lines (equals the subtotal; no taxes are applied here). */
  totalMinor: string;
  totalMajor: string;
  /** COMPLETE, or INCOMPLETE when usage is missing or a line is UNKNOWN: the total then bills less. */
  completeness: 'COMPLETE' | 'INCOMPLETE';
  unknownLineCount: number;
  flags: StatementFlag[];
  lines: StatementLineJson[];
}

export interface StatementLineJson {
  lineId: string;
  kind: StatementLine['kind'];
  priceLineId: string | null;
  description: string;
  meter: string | null;
  mediaType: string | null;
  category: string | null;
  basis: string | null;
  unit: string | null;
  quantity: string | null;
  allowanceUsed: string | null;
  billableQuantity: string | null;
  tierMode: string | null;
  unitPriceMinor: string | null;
  breakdown: { tier: number; quantity: string; unitPriceMinor: string; amountMinor: string }[];
  amountMinor: string | null;
  trueUpMinor: string | null;
  totalMinor: string | null;
  totalMajor: string | null;
  /** PRICED, or UNKNOWN: usage unknown, no amount, not in the total. */
  status: LineStatus['status'];
  statusReason: string | null;
  sources: {
    printerId: string;
    serialNumber: string | null;
    quantity: string | null;
    readingIds: string[];
    jobIds: string[];
    flags: string[];
    resets: {
      afterReadingId: string;
      beforeReadingId: string;
      start: string;
      startingCount: string | null;
      offsetId: string | null;
    }[];
  }[];
}

const dec = (value: Fixed | null): string | null => (value === null ? null : formatDecimal(value));
const int = (value: bigint | null): string | null => (value === null ? null : value.toString());

export function statementToJson(statement: Statement, record?: StatementRecordJson): StatementJson {
  const { currency } = statement;
  return {
    ...record,
    contractId: statement.contractId,
    customerId: statement.customerId,
    currency,
    periodKey: statement.periodKey,
    periodStart: statement.periodStart.toISOString(),
    periodEnd: statement.periodEnd.toISOString(),
    billedFrom: statement.billedFrom.toISOString(),
    billedTo: statement.billedTo.toISOString(),
    generatedAt: statement.generatedAt.toISOString(),
    complete: statement.complete,
    subtotalMinor: statement.subtotalMinor.toString(),
    subtotalMajor: formatMinor(statement.subtotalMinor, currency),
    totalMinor: statement.subtotalMinor.toString(),
    totalMajor: formatMinor(statement.subtotalMinor, currency),
    completeness: statement.complete ? 'COMPLETE' : 'INCOMPLETE',
    unknownLineCount: unknownLineCount(statement),
    flags: statement.flags.map((flag) => ({ ...flag })),
    lines: statement.lines.map((line) => ({
      lineId: line.lineId,
      kind: line.kind,
      priceLineId: line.priceLineId,
      description: line.description,
      meter: line.meter,
      mediaType: line.mediaType,
      category: line.category,
      basis: line.basis,
      unit: line.unit,
      quantity: dec(line.quantity),
      allowanceUsed: dec(line.allowanceUsed),
      billableQuantity: dec(line.billableQuantity),
      tierMode: line.tierMode,
      unitPriceMinor: dec(line.unitPriceMinor),
      breakdown: line.breakdown.map((band) => ({
        tier: band.tier,
        quantity: formatDecimal(band.quantity),
        unitPriceMinor: formatDecimal(band.unitPriceMinor),
        amountMinor: band.amountMinor.toString(),
      })),
      amountMinor: int(line.amountMinor),
      trueUpMinor: int(line.trueUpMinor),
      totalMinor: int(line.totalMinor),
      totalMajor: line.totalMinor === null ? null : formatMinor(line.totalMinor, currency),
      status: lineStatus(line).status,
      statusReason: lineStatus(line).reason,
      sources: line.sources.map((source) => ({
        printerId: source.printerId,
        serialNumber: source.serialNumber,
        quantity: dec(source.quantity),
        readingIds: [...source.readingIds],
        jobIds: [...source.jobIds],
        flags: [...source.flags],
        resets: source.resets.map((reset) => ({ ...reset, startingCount: dec(reset.startingCount) })),
      })),
    })),
  };
}
