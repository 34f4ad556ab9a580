// Public API of the billing rules: pure functions over plain data (no I/O, no clock). Persistence,
// GraphQL, the period-closing job and the export endpoint call these; see docs/billing.md.

export { BillingInputError } from './errors';
export {
  type Fixed,
  type RoundingMode,
  FIXED_SCALE,
  ROUNDING,
  ZERO,
  add,
  divideRounded,
  formatDecimal,
  fromMeasured,
  parseDecimal,
  roundScaled,
  subtract,
  sum,
  toQuantity,
} from './decimal';
export {
  MINOR_UNIT_EXPONENTS,
  formatMinor,
  minorUnitExponent,
  parseMajor,
  parseMinor,
  unitPriceFromMajor,
} from './currency';
export {
  type BillingPeriod,
  type BillingPeriodRule,
  type BillingPeriods,
  type PeriodKind,
  billingPeriods,
} from './periods';
export { type Meter, type MeterSelector, type MeterUnit, METERS, METER_UNITS, meterKey } from './meters';
export {
  type CounterDeltas,
  type CounterReading,
  type Counters,
  type MeterOffset,
  type MeterUsage,
  type MeterUsageOptions,
  type ResetStart,
  type ResetStartCount,
  type SegmentBreak,
  type UsageFlag,
  type UsageSegment,
  type UsageWindow,
  DEFAULT_BOUNDARY_TOLERANCE_MS,
  meterUsage,
  quantityOf,
} from './meter-usage';
export {
  type JobUsage,
  type JobCategoryUsage,
  jobTotalFor,
  jobTotals,
  isJobMeasurableKey,
} from './job-totals';
export {
  type DecimalInput,
  type PricedLine,
  type PriceTermsInput,
  type TierBand,
  type TierInput,
  type TierMode,
  priceLine,
} from './pricing';
export {
  type BillingWindow,
  type Contract,
  type ContractInput,
  type ContractPriceLineInput,
  type QuantityBasis,
  type PeriodShare,
  billingWindow,
  normalizeContract,
  periodShare,
  prorateMinor,
  prorateQuantity,
} from './contract';
export {
  type LineSource,
  type LineStatus,
  type PrinterPeriodUsage,
  type SourceReset,
  type StatementPart,
  combineStatementParts,
  type Statement,
  type StatementFlag,
  type StatementFlagCode,
  type StatementLine,
  type StatementMeta,
  lineStatus,
  priceStatement,
  unknownLineCount,
} from './statement';
export { type StatementJson, type StatementRecordJson, statementToJson } from './statement-json';
export {
  type MeterReconciliation,
  type ReconcileInput,
  type ReconcileStatus,
  DEFAULT_RECONCILE_THRESHOLD_PERCENT,
  reconcile,
} from './reconcile';
export { type CsvCellKind, type CsvColumn, type CsvValue, toCsv } from './csv';
export {
  type StatementCsvRow,
  type StatementSourceCsvRow,
  statementCsvColumns,
  statementCsvRows,
  statementSourceCsvColumns,
  statementSourceCsvRows,
  statementsToCsv,
} from './statement-csv';
