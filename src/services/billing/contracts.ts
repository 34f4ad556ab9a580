// Contracts as stored (contract, price_line, contract_printer) and as the billing rules read them:
// creating one validates it with `normalizeContract` first, so a contract that could not be priced is
// never stored; loading one for a period gives the `ContractInput` plus each printer's coverage.
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type BillingPeriodRule,
  type ContractInput,
  type ContractPriceLineInput,
  type Meter,
  type QuantityBasis,
  type TierMode,
  normalizeContract,
  parseMinor,
  toQuantity,
} from '../../domain/billing';
import { ContractPrinter } from '../../entities/contract-printer.entity';
import { Contract } from '../../entities/contract.entity';
import { Customer } from '../../entities/customer.entity';
import { PriceLine } from '../../entities/price-line.entity';
import { Printer } from '../../entities/printer.entity';
import { Reseller } from '../../entities/reseller.entity';
import { DomainError } from '../../errors/domain-error';
import { asUserInput } from './billing-errors';

export interface PriceLineData {
  description?: string | null;
  meter: Meter;
  mediaType?: string | null;
  category?: string | null;
  basis?: QuantityBasis | null;
  /** Minor units per unit, decimal string (e.g. "4.5" = 4.5 cents per m² in EUR). */
  unitPriceMinor?: string | null;
  allowance?: string | null;
  tiers?: Array<{ upTo: string | null; unitPriceMinor: string }> | null;
  tierMode?: TierMode | null;
  /** Whole minor units per period, as a digit string. */
  minimumCommitmentMinor?: string | null;
}

export interface CreateContractData {
  customerId: string;
  name: string;
  currency: string;
  billingPeriod: BillingPeriodRule;
  validFrom: Date;
  validTo?: Date | null;
  printerIds: string[];
  fixedFeeMinor?: string | null;
  nonOemSurchargeMinorPerMl?: string | null;
  graceDays?: number | null;
  reconcileThresholdPercent?: string | null;
  priceLines: PriceLineData[];
}

export const MAX_GRACE_DAYS = 60;

/** Validates and stores a contract with its price lines and covered printers (one transaction). */
export async function createContract(
  em: EntityManager,
  resellerId: string,
  data: CreateContractData,
): Promise<Contract> {
  const name = (data.name ?? '').trim();
  if (!name || name.length > 200)
    throw new DomainError('BAD_USER_INPUT', 'name must be 1-200 characters', 'input.name');
  const currency = (data.currency ?? '').trim().toUpperCase();
  const graceDays = data.graceDays ?? 3;
  if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > MAX_GRACE_DAYS) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `graceDays must be a whole number 0..${MAX_GRACE_DAYS}`,
      'input.graceDays',
    );
  }
  const threshold = asUserInput(() =>
    toQuantity(data.reconcileThresholdPercent ?? '5', 'contract.reconcileThresholdPercent'),
  );
  if (threshold < 0n) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'reconcileThresholdPercent must not be negative',
      'input.reconcileThresholdPercent',
    );
  }
  // Validate everything the statement code will rely on before anything is written.
  const normalized = asUserInput(() =>
    normalizeContract({
      id: 'new',
      customerId: data.customerId,
      currency,
      validFrom: data.validFrom,
      validTo: data.validTo ?? null,
      printerIds: data.printerIds,
      billingPeriod: data.billingPeriod,
      fixedFeeMinor: data.fixedFeeMinor ?? null,
      nonOemSurchargeMinorPerMl: data.nonOemSurchargeMinorPerMl ?? null,
      priceLines: data.priceLines.map((line, index) => ({
        ...priceLineInput(line, index),
        id: `line-${index}`,
      })),
    }),
  );

  return em.transactional(async (tx) => {
    const customer = await tx.findOne(Customer, {
      id: data.customerId,
      reseller: resellerId,
      archivedAt: null,
    });
    if (!customer) throw new DomainError('NOT_FOUND', 'customer not found', 'input.customerId');
    const printers = await tx.find(Printer, {
      id: { $in: normalized.printerIds },
      reseller: resellerId,
      archivedAt: null,
    });
    normalized.printerIds.forEach((printerId, index) => {
      const printer = printers.find((p) => p.id === printerId);
      if (!printer)
        throw new DomainError('NOT_FOUND', `printer ${printerId} not found`, `input.printerIds[${index}]`);
      if (printer.customer.id !== customer.id) {
        throw new DomainError(
          'BAD_USER_INPUT',
          `printer ${printer.serialNumber} belongs to another customer`,
          `input.printerIds[${index}]`,
        );
      }
    });
    await assertNotCoveredElsewhere(
      tx,
      resellerId,
      normalized.printerIds,
      data.validFrom,
      data.validTo ?? null,
    );

    const reseller = tx.getReference(Reseller, resellerId);
    const contract = tx.create(Contract, {
      reseller,
      customer,
      name,
      currency,
      billingPeriod: data.billingPeriod.period,
      anchorDay: data.billingPeriod.anchorDay,
      timeZone: data.billingPeriod.timeZone,
      validFrom: data.validFrom,
      validTo: data.validTo ?? null,
      fixedFeeMinor: normalized.fixedFeeMinor === null ? null : normalized.fixedFeeMinor.toString(),
      nonOemSurchargeMinorPerMl: data.nonOemSurchargeMinorPerMl?.trim() || null,
      graceDays,
      reconcileThresholdPercent: (data.reconcileThresholdPercent ?? '5').trim(),
    });
    createPriceLines(tx, reseller, contract, data.priceLines, null);
    for (const printerId of normalized.printerIds) {
      tx.create(ContractPrinter, {
        reseller,
        contract,
        printer: tx.getReference(Printer, printerId),
        coveredFrom: data.validFrom,
        coveredTo: data.validTo ?? null,
      });
    }
    await tx.flush();
    return contract;
  });
}

/** Stores price lines in the given order; `effectiveFrom` null means from the contract's start. */
export function createPriceLines(
  em: EntityManager,
  reseller: Reseller,
  contract: Contract,
  lines: readonly PriceLineData[],
  effectiveFrom: Date | null,
): PriceLine[] {
  return lines.map((line, position) =>
    em.create(PriceLine, {
      reseller,
      contract,
      position,
      description: line.description?.trim() || null,
      meter: line.meter,
      mediaType: line.mediaType ?? null,
      applicationCategory: line.category ?? null,
      basis: line.basis ?? 'COUNTERS',
      unitPriceMinor: line.unitPriceMinor?.trim() || null,
      allowance: line.allowance?.trim() || '0',
      tiers: (line.tiers ?? []).map((tier) => ({
        upTo: tier.upTo?.trim() ?? null,
        unitPriceMinor: tier.unitPriceMinor.trim(),
      })),
      tierMode: line.tierMode ?? 'GRADUATED',
      minimumCommitmentMinor: line.minimumCommitmentMinor?.trim() || null,
      effectiveFrom,
      effectiveTo: null,
    }),
  );
}

/** A printer billed under two contracts at once would be billed twice. */
export async function assertNotCoveredElsewhere(
  em: EntityManager,
  resellerId: string,
  printerIds: string[],
  from: Date,
  to: Date | null,
  fieldOf: (index: number) => string = (index) => `input.printerIds[${index}]`,
): Promise<void> {
  if (printerIds.length === 0) return;
  const clash = await em.findOne(
    ContractPrinter,
    {
      reseller: resellerId,
      printer: { $in: printerIds },
      contract: { archivedAt: null },
      $and: [
        { $or: [{ coveredTo: null }, { coveredTo: { $gt: from } }] },
        ...(to ? [{ coveredFrom: { $lt: to } }] : []),
      ],
    },
    { populate: ['printer'] },
  );
  if (clash) {
    const index = printerIds.indexOf(clash.printer.id);
    throw new DomainError(
      'CONFLICT',
      `printer ${clash.printer.serialNumber} is already covered by contract ${clash.contract.id} during that time`,
      fieldOf(index),
    );
  }
}

export function priceLineInput(line: PriceLineData, index: number): Omit<ContractPriceLineInput, 'id'> {
  const minimum =
    line.minimumCommitmentMinor == null || line.minimumCommitmentMinor.trim() === ''
      ? null
      : parseMinor(line.minimumCommitmentMinor, `contract.priceLines[${index}].minimumCommitmentMinor`);
  return {
    description: line.description ?? null,
    meter: line.meter,
    mediaType: line.mediaType ?? null,
    category: line.category ?? null,
    basis: line.basis ?? null,
    unitPriceMinor: line.unitPriceMinor?.trim() || null,
    allowance: line.allowance?.trim() || null,
    tiers: line.tiers ?? null,
    tierMode: line.tierMode ?? null,
    minimumCommitmentMinor: minimum,
  };
}

export interface CoveredPrinter {
  printerId: string;
  serialNumber: string;
  coveredFrom: Date;
  coveredTo: Date | null;
}

/** One set of prices and the part of the loaded window it applies to. */
export interface PriceVersion {
  from: Date;
  to: Date;
  priceLines: ContractPriceLineInput[];
}

export interface LoadedContract {
  entity: Contract;
  /** The contract with every price line that applies somewhere in the window. */
  input: ContractInput;
  /** The window split where the prices change (one entry when they do not), in time order. */
  priceVersions: PriceVersion[];
  /** Printers whose coverage overlaps the requested window; several coverage rows of one printer are merged. */
  coverage: CoveredPrinter[];
  reconcileThresholdPercent: string;
}

/** The contract as the billing rules read it, with the printers it covers inside [start, end). */
export async function loadContractForWindow(
  em: EntityManager,
  contract: Contract,
  window: { start: Date; end: Date },
): Promise<LoadedContract> {
  const [lines, rows] = await Promise.all([
    em.find(
      PriceLine,
      {
        contract: contract.id,
        reseller: contract.reseller.id,
        $and: [
          { $or: [{ effectiveFrom: null }, { effectiveFrom: { $lt: window.end } }] },
          { $or: [{ effectiveTo: null }, { effectiveTo: { $gt: window.start } }] },
        ],
      },
      { orderBy: { position: 'asc' } },
    ),
    em.find(
      ContractPrinter,
      {
        contract: contract.id,
        reseller: contract.reseller.id,
        coveredFrom: { $lt: window.end },
        $or: [{ coveredTo: null }, { coveredTo: { $gt: window.start } }],
      },
      { populate: ['printer'], fields: ['coveredFrom', 'coveredTo', 'printer.id', 'printer.serialNumber'] },
    ),
  ]);
  const coverage = new Map<string, CoveredPrinter>();
  for (const row of rows) {
    const existing = coverage.get(row.printer.id);
    const to = row.coveredTo ?? null;
    if (!existing) {
      coverage.set(row.printer.id, {
        printerId: row.printer.id,
        serialNumber: row.printer.serialNumber,
        coveredFrom: row.coveredFrom,
        coveredTo: to,
      });
      continue;
    }
    existing.coveredFrom = existing.coveredFrom < row.coveredFrom ? existing.coveredFrom : row.coveredFrom;
    existing.coveredTo =
      existing.coveredTo === null || to === null ? null : existing.coveredTo > to ? existing.coveredTo : to;
  }
  const printers = [...coverage.values()].sort((a, b) => a.serialNumber.localeCompare(b.serialNumber));
  // Lines of one version share their start; a version ends where the next begins.
  const starts = [...new Set(lines.map((line) => (line.effectiveFrom ?? contract.validFrom).getTime()))].sort(
    (a, b) => a - b,
  );
  const priceVersions = starts.map((startMs, index): PriceVersion => {
    const versionLines = lines.filter((l) => (l.effectiveFrom ?? contract.validFrom).getTime() === startMs);
    const endMs = Math.min(window.end.getTime(), starts[index + 1] ?? Number.POSITIVE_INFINITY);
    return {
      from: new Date(Math.max(startMs, window.start.getTime())),
      to: new Date(endMs),
      priceLines: versionLines.map(priceLineRule),
    };
  });
  return {
    entity: contract,
    priceVersions,
    coverage: printers,
    reconcileThresholdPercent: contract.reconcileThresholdPercent,
    input: {
      id: contract.id,
      customerId: contract.customer.id,
      currency: contract.currency.trim(),
      validFrom: contract.validFrom,
      validTo: contract.validTo ?? null,
      printerIds: printers.map((p) => p.printerId),
      billingPeriod: {
        period: contract.billingPeriod,
        anchorDay: contract.anchorDay,
        timeZone: contract.timeZone,
      },
      fixedFeeMinor: contract.fixedFeeMinor ?? null,
      nonOemSurchargeMinorPerMl: contract.nonOemSurchargeMinorPerMl ?? null,
      priceLines: lines.map(priceLineRule),
    },
  };
}

function priceLineRule(line: PriceLine): ContractPriceLineInput {
  return {
    id: line.id,
    description: line.description ?? null,
    meter: line.meter,
    mediaType: line.mediaType ?? null,
    category: line.applicationCategory ?? null,
    basis: line.basis,
    unitPriceMinor: line.tiers.length > 0 ? null : (line.unitPriceMinor ?? null),
    allowance: line.allowance,
    tiers:
      line.tiers.length > 0
        ? line.tiers.map((t) => ({ upTo: t.upTo, unitPriceMinor: t.unitPriceMinor }))
        : null,
    tierMode: line.tierMode,
    minimumCommitmentMinor: line.minimumCommitmentMinor ?? null,
  };
}
