// closeBillingPeriod: prices one contract's period from stored readings and jobs and stores the
// statement as a DRAFT (or refreshes the existing draft). Approved and exported statements never
// change: to correct one, void it and close the period again, which creates the next version.
//
// Per covered printer, usage is measured over the billed window clipped to the printer's coverage
// (a printer that joined mid-period counts from when it joined). Job totals are reconciled against
// counters; a gap over the contract's threshold is flagged on the statement and raises a warning
// alert on the printer (source 'system', code RECONCILIATION_GAP).
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type BillingPeriod,
  type JobUsage,
  type PrinterPeriodUsage,
  type Statement,
  type ContractInput,
  billingPeriods,
  billingWindow,
  combineStatementParts,
  meterKey,
  normalizeContract,
  priceStatement,
} from '../../domain/billing';
import { BillingStatementLine } from '../../entities/billing-statement-line.entity';
import { BillingStatement } from '../../entities/billing-statement.entity';
import { Contract } from '../../entities/contract.entity';
import { Reseller } from '../../entities/reseller.entity';
import { upsertSystemAlert } from '../../repositories/alerts.repository';
import { DomainError } from '../../errors/domain-error';
import { asUserInput } from './billing-errors';
import { loadContractForWindow } from './contracts';
import { jobAreaTotals, loadJobs } from './job-usage';
import { type MeasuredPrinter, type PrinterWindow, measurePrinters } from './meter-readings';
import { offsetsForWindows } from './meter-offsets';
import { reconcilePrinters, describeGap } from './reconciliation';
import { unknownUsageReason, usageFigureOf } from './counter-sources';
import { createLineRecords } from './statement-record';

export const RECONCILIATION_ALERT_CODE = 'RECONCILIATION_GAP';

export interface ClosePeriodRequest {
  resellerId: string;
  contractId: string;
  /** "YYYY-MM" or "YYYY-Qn", per the contract's billing period. */
  periodKey: string;
  now?: Date;
}

export interface ClosedPeriod {
  statement: BillingStatement;
  priced: Statement;
  /** True when an existing draft was recomputed rather than a new version created. */
  refreshedDraft: boolean;
}

/** The period a key names under the contract's rule; a bad key is BAD_USER_INPUT on `period`. */
export function periodOf(contract: Contract, periodKey: string): BillingPeriod {
  return asUserInput(
    () =>
      billingPeriods({
        period: contract.billingPeriod,
        anchorDay: contract.anchorDay,
        timeZone: contract.timeZone,
      }).periodByKey(periodKey),
    'period',
  );
}

export async function closeBillingPeriod(
  em: EntityManager,
  request: ClosePeriodRequest,
): Promise<ClosedPeriod> {
  const now = request.now ?? new Date();
  return em.transactional(async (tx) => {
    // The row lock serialises concurrent closes of the same contract (job and user at once).
    const contract = await tx.findOne(
      Contract,
      { id: request.contractId, reseller: request.resellerId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!contract) throw new DomainError('NOT_FOUND', 'contract not found', 'contractId');
    const period = periodOf(contract, request.periodKey);
    const window = billingWindow(
      { validFrom: contract.validFrom, validTo: contract.validTo ?? null },
      period,
    );
    if (!window) {
      throw new DomainError('BAD_USER_INPUT', `contract is not valid during period ${period.key}`, 'period');
    }

    const existing = await tx.find(
      BillingStatement,
      { contract: contract.id, periodKey: period.key, reseller: request.resellerId },
      { orderBy: { version: 'desc' } },
    );
    const current = existing.find((s) => s.status !== 'VOID');
    if (current && current.status !== 'DRAFT') {
      throw new DomainError(
        'CONFLICT',
        `statement ${current.id} for ${period.key} is ${current.status}; approved statements never change — void it to rebill`,
        'period',
      );
    }

    const priced = await priceContractPeriod(tx, contract, period, window, now);
    const header =
      current ??
      tx.create(BillingStatement, {
        reseller: tx.getReference(Reseller, request.resellerId),
        contract,
        customer: contract.customer,
        periodKey: period.key,
        periodStart: period.start,
        periodEnd: period.end,
        billedFrom: window.start,
        billedTo: window.end,
        version: (existing[0]?.version ?? 0) + 1,
        currency: contract.currency,
        complete: false,
        generatedAt: now,
        replaces: existing[0] ?? null,
      });
    if (current) await tx.nativeDelete(BillingStatementLine, { statement: current.id });
    header.billedFrom = window.start;
    header.billedTo = window.end;
    header.subtotalMinor = priced.statement.subtotalMinor.toString();
    header.totalMinor = priced.statement.subtotalMinor.toString();
    header.complete = priced.statement.complete;
    header.flags = [...priced.statement.flags, ...priced.reconciliation.flags] as BillingStatement['flags'];
    header.reconciliation = priced.reconciliation.records;
    header.generatedAt = now;
    createLineRecords(tx, header, priced.statement);
    await tx.flush();

    for (const gap of priced.reconciliation.gaps) {
      await upsertSystemAlert(
        tx,
        {
          kind: 'printer',
          resellerId: request.resellerId,
          printerId: gap.printerId,
          customerId: contract.customer.id,
        },
        {
          code: RECONCILIATION_ALERT_CODE,
          severity: 'warning',
          message: `Job log does not match the counters for ${period.key}: ${gap.rows.map(describeGap).join('; ')}`,
          at: now.toISOString(),
          details: {
            statementId: header.id,
            contractId: contract.id,
            periodKey: period.key,
            meters: gap.rows.map((r) => r.meterKey),
          },
        },
      );
    }
    return { statement: header, priced: priced.statement, refreshedDraft: current !== undefined };
  });
}

/**
 * A line is never silently unpriced: each USAGE_UNKNOWN flag says, per printer, why its quantity is
 * unknown (no readings at all, or readings without the figure the meter needs).
 */
function explainUnknownUsage(statement: Statement, measured: Map<string, MeasuredPrinter>): void {
  for (const flag of statement.flags) {
    if (flag.code !== 'USAGE_UNKNOWN' || !flag.lineId) continue;
    const line = statement.lines.find((l) => l.lineId === flag.lineId);
    if (!line?.meter) continue;
    const figure = usageFigureOf(line.meter, line);
    const reasons = line.sources
      .filter((s) => s.quantity === null)
      .map(
        (s) =>
          `printer ${s.serialNumber ?? s.printerId}: ${unknownUsageReason(measured.get(s.printerId)?.usage, figure)}`,
      );
    flag.message = `${line.description}: usage unknown, line not priced — ${reasons.join('; ')}`;
  }
}

interface PricedPeriod {
  statement: Statement;
  reconciliation: ReturnType<typeof reconcilePrinters>;
}

async function priceContractPeriod(
  em: EntityManager,
  contract: Contract,
  period: BillingPeriod,
  window: { start: Date; end: Date },
  now: Date,
): Promise<PricedPeriod> {
  const loaded = await loadContractForWindow(em, contract, window);
  const normalized = asUserInput(() => normalizeContract(loaded.input), 'contract');
  const resellerId = contract.reseller.id;
  const windows: PrinterWindow[] = loaded.coverage.map((printer) => ({
    printerId: printer.printerId,
    start: new Date(Math.max(window.start.getTime(), printer.coveredFrom.getTime())),
    end: new Date(Math.min(window.end.getTime(), printer.coveredTo?.getTime() ?? Number.POSITIVE_INFINITY)),
  }));
  const offsets = await offsetsForWindows(em, resellerId, windows);
  for (const window of windows) window.offsets = offsets.get(window.printerId) ?? [];
  const measured = await measurePrinters(em, resellerId, windows);
  const jobLineKeys = normalized.priceLines
    .filter((line) => line.basis === 'JOBS')
    .map((line) => meterKey(line));
  let jobs: Map<string, JobUsage[]> | null = null;
  let areaTotals = null;
  if (jobLineKeys.length > 0) jobs = await loadJobs(em, resellerId, windows);
  else areaTotals = await jobAreaTotals(em, resellerId, windows);

  const usageOf = (measuredNow: Map<string, MeasuredPrinter>): PrinterPeriodUsage[] =>
    loaded.coverage
      .filter((printer) => measuredNow.has(printer.printerId))
      .map((printer) => ({
        printerId: printer.printerId,
        serialNumber: measuredNow.get(printer.printerId)?.serialNumber ?? printer.serialNumber,
        usage: measuredNow.get(printer.printerId)!.usage,
        jobs: jobs?.get(printer.printerId) ?? null,
      }));
  const usage = usageOf(measured);
  // Prices changed inside the window: each set of prices is applied to the usage of its own part,
  // measured between the readings at the part's boundaries.
  const priceParts: Array<{ from: Date; input: ContractInput; usage: PrinterPeriodUsage[] }> = [];
  if (loaded.priceVersions.length > 1) {
    for (const version of loaded.priceVersions) {
      const partWindows = windows
        .map((w) => ({
          ...w,
          start: new Date(Math.max(w.start.getTime(), version.from.getTime())),
          end: new Date(Math.min(w.end.getTime(), version.to.getTime())),
        }))
        .filter((w) => w.end > w.start);
      const partUsage = usageOf(await measurePrinters(em, resellerId, partWindows));
      priceParts.push({
        from: version.from,
        usage: partUsage,
        input: {
          ...loaded.input,
          validFrom: version.from,
          validTo: version.to,
          printerIds: partUsage.map((u) => u.printerId),
          priceLines: version.priceLines,
          fixedFeeMinor: null,
          nonOemSurchargeMinorPerMl: null,
        },
      });
    }
  }
  const meta = { period: { key: period.key, start: period.start, end: period.end }, now };
  const statement = asUserInput(
    () =>
      loaded.priceVersions.length <= 1
        ? priceStatement(loaded.input, usage, meta)
        : combineStatementParts(
            // The parts are measured and priced first; the contract-level lines over the whole window.
            priceParts.map((part) => ({
              from: part.from,
              statement: priceStatement(part.input, part.usage, meta),
            })),
            priceStatement({ ...loaded.input, priceLines: [] }, usage, meta),
          ),
    'contract',
  );
  explainUnknownUsage(statement, measured);
  const reconciliation = reconcilePrinters({
    windows,
    measured,
    jobLineKeys,
    jobs,
    areaTotals,
    thresholdPercent: loaded.reconcileThresholdPercent,
  });
  return { statement, reconciliation };
}
