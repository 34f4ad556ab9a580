// Statement as plain JSON for the JSON export and API responses. bigint and `Fixed` do not survive
// JSON.stringify, and a JSON number would invite float parsing of money, so every quantity and
// amount becomes a decimal string: quantities and unit prices as exact decimals, amounts both as
// integer minor units and as major units with the currency's decimals. Instants are ISO 8601 UTC.

import { formatMinor } from './currency';
import { type Fixed, formatDecimal } from './decimal';
import type { Statement, StatementFlag, StatementLine } from './statement';

export interface StatementJson {
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
  sources: {
    printerId: string;
    serialNumber: string | null;
    quantity: string | null;
    readingIds: string[];
    jobIds: string[];
    flags: string[];
  }[];
}

const dec = (value: Fixed | null): string | null => (value === null ? null : formatDecimal(value));
const int = (value: bigint | null): string | null => (value === null ? null : value.toString());

export function statementToJson(statement: Statement): StatementJson {
  const { currency } = statement;
  return {
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
      sources: line.sources.map((source) => ({
        printerId: source.printerId,
        serialNumber: source.serialNumber,
        quantity: dec(source.quantity),
        readingIds: [...source.readingIds],
        jobIds: [...source.jobIds],
        flags: [...source.flags],
      })),
    })),
  };
}
