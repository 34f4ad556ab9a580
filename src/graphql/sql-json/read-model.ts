// The read model of the hot types: for each GraphQL type a hot page shows, where its fields live in
// PostgreSQL. compile.ts turns a selection over these types into one SQL expression that builds the
// JSON answer inside PostgreSQL (as PostGraphile does), so Node neither decodes rows nor resolves
// fields one by one.
//
// Only what is listed here is compiled. A field missing from this table (a new column, a field with
// arguments, anything computed in TypeScript) makes the whole document take the ordinary path
// (resolvers + DataLoaders), so a field added to a GraphQL type can never come back null through this
// path; test/api/sql-json.test.ts compares every field of these types through both paths.

/** SQL for a value of a row aliased `t` (a JSON-ready expression: json_build_object converts it). */
export type RowSql = (t: string) => string;

export type FieldSource =
  /** A scalar from a column; the GraphQL type decides the conversion (dates, enums, lists). */
  | { kind: 'column'; column: string }
  /** A scalar from an expression over the row. */
  | { kind: 'expression'; sql: RowSql }
  /** An object built from the same row (no join), e.g. a printer's lifetime counters. */
  | { kind: 'embedded'; type: string }
  /** An object from another table: the row of `table` matching `on(inner, outer)`, or null. */
  | { kind: 'one'; type: string; table: string; on: (inner: string, outer: string) => string }
  /** A list of objects from another table, in a fixed order. */
  | {
      kind: 'many';
      type: string;
      table: string;
      where: (inner: string, outer: string) => string;
      orderBy: (inner: string) => string;
    }
  /** A list of objects stored as a jsonb array in a column: their fields are the elements' keys. */
  | { kind: 'jsonArray'; type: string; column: string }
  /** A connection over another table with a `first` argument (no cursors in, cursor = the row id). */
  | {
      kind: 'firstConnection';
      type: string;
      table: string;
      where: (inner: string, outer: string) => string;
      /** The order, e.g. newest first; the reverse direction is never needed. */
      orderBy: (inner: string) => string;
      maxFirst: number;
    };

export interface ReadModelType {
  fields: Readonly<Record<string, FieldSource>>;
}

const column = (name: string): FieldSource => ({ kind: 'column', column: name });

/** GraphQL name -> column for the plain columns of a type (snake_case of the camelCase name). */
function columns(...names: string[]): Record<string, FieldSource> {
  return Object.fromEntries(
    names.map((n) => [n, column(n.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`))]),
  );
}

const byId = (foreignKey: string) => (inner: string, outer: string) => `${inner}.id = ${outer}.${foreignKey}`;

/** The open alerts of a printer, as the openAlerts DataLoader reads them (tenant filter included). */
const openAlertsOf = (inner: string, outer: string) =>
  `${inner}.printer_id = ${outer}.id and ${inner}.reseller_id = ${outer}.reseller_id and ${inner}.status <> 'RESOLVED'`;

export const READ_MODEL: Readonly<Record<string, ReadModelType>> = {
  Printer: {
    fields: {
      ...columns(
        'id',
        'serialNumber',
        'productNumber',
        'productName',
        'displayName',
        'firmwareVersion',
        'connectionType',
        'engineState',
        'statusMessage',
        'statusReasons',
        'lastSeenAt',
        'createdAt',
        'jobCategoryThresholds',
        'printCategories',
      ),
      lifetimeCounters: { kind: 'embedded', type: 'LifetimeCounters' },
      customer: { kind: 'one', type: 'Customer', table: 'customer', on: byId('customer_id') },
      site: { kind: 'one', type: 'Site', table: 'site', on: byId('site_id') },
      cartridges: {
        kind: 'many',
        type: 'Cartridge',
        table: 'cartridge',
        where: (i, o) => `${i}.printer_id = ${o}.id and ${i}.removed_at is null`,
        orderBy: (i) => `${i}.slot nulls last, ${i}.color, ${i}.id`,
      },
      printheads: {
        kind: 'many',
        type: 'Printhead',
        table: 'printhead',
        where: (i, o) => `${i}.printer_id = ${o}.id and ${i}.removed_at is null`,
        orderBy: (i) => `${i}.slot nulls last, ${i}.id`,
      },
      openAlerts: {
        kind: 'firstConnection',
        type: 'Alert',
        table: 'alert',
        where: openAlertsOf,
        orderBy: (i) => `${i}.raised_at desc, ${i}.id desc`,
        maxFirst: 100,
      },
    },
  },
  LifetimeCounters: {
    fields: {
      jobs: column('lifetime_jobs'),
      pages: column('lifetime_pages'),
      inkMl: column('lifetime_ink_ml'),
      mediaAreaM2: column('lifetime_media_area_m2'),
      scanAreaM2: column('lifetime_scan_area_m2'),
      scannedAreaM2: column('lifetime_scan_area_m2'),
      at: column('counters_at'),
    },
  },
  Customer: {
    fields: columns('id', 'name', 'externalRef', 'offlineThresholdMinutes', 'createdAt', 'archivedAt'),
  },
  Site: {
    fields: {
      ...columns('id', 'name', 'address', 'timeZone', 'createdAt', 'archivedAt'),
      customer: { kind: 'one', type: 'Customer', table: 'customer', on: byId('customer_id') },
    },
  },
  Cartridge: {
    fields: columns(
      'id',
      'slot',
      'color',
      'status',
      'productNumber',
      'productName',
      'serialNumber',
      'manufacturer',
      'capacityMl',
      'levelPercent',
      'inkConsumedMl',
      'nonOemInkConsumedMl',
      'expiresAt',
      'firstSeenAt',
      'lastSeenAt',
    ),
  },
  Printhead: {
    fields: columns(
      'id',
      'slot',
      'colors',
      'status',
      'healthPercent',
      'productNumber',
      'productName',
      'serialNumber',
      'nonOemInkUsed',
      'expiresAt',
      'firstSeenAt',
      'lastSeenAt',
    ),
  },
  Alert: {
    fields: {
      ...columns(
        'id',
        'code',
        'severity',
        'status',
        'message',
        'component',
        'source',
        'raisedAt',
        'lastSeenAt',
        'occurrences',
        'acknowledgedAt',
        'resolvedAt',
        'snoozedUntil',
      ),
      printer: { kind: 'one', type: 'Printer', table: 'printer', on: byId('printer_id') },
      customer: { kind: 'one', type: 'Customer', table: 'customer', on: byId('customer_id') },
    },
  },
  Job: {
    fields: {
      ...columns(
        'id',
        'uuid',
        'sequenceNumber',
        'kind',
        'name',
        'projectId',
        'applicationId',
        'userDefined',
        'accountId',
        'userName',
        'submittedAt',
        'completedAt',
        'status',
        'source',
        'inkCoverageCategory',
        'printQuality',
        'pages',
        'copies',
        'durationSeconds',
        'inkTotalMl',
        'mediaAreaM2',
        'printedAreaM2',
        'mediaLengthM',
        'mediaType',
        'nonWhitePixelCoverage',
        'colorPixelCoverage',
        'scannedAreaM2',
      ),
      inkByColor: { kind: 'jsonArray', type: 'InkUse', column: 'ink_by_color' },
      categories: { kind: 'jsonArray', type: 'JobCategoryUsage', column: 'categories' },
      printer: { kind: 'one', type: 'Printer', table: 'printer', on: byId('printer_id') },
      customer: { kind: 'one', type: 'Customer', table: 'customer', on: byId('customer_id') },
    },
  },
};
