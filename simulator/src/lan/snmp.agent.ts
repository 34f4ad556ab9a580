// A read-only SNMP v2c agent (net-snmp) serving a printer's Printer-MIB (RFC 3805) and
// HOST-RESOURCES-MIB (RFC 2790) objects from plain values. The simulated LAN printer feeds it the
// live state of a SimPrinter (snmp.values.ts); the collector's tests feed it fixed values and read
// `operations` to prove no SET ever arrives. It registers no writable object.
import snmp from 'net-snmp';

export interface PrinterMibSupply {
  index: number;
  /** PrtMarkerSuppliesTypeTC (ink 6, ink cartridge 5, waste ink 4). */
  type: number;
  description: string;
  /** PrtMarkerSuppliesSupplyUnitTC (percent 19, tenths of ml 15). */
  unit: number;
  max: number;
  level: number;
}

export interface PrinterMibAlert {
  index: number;
  /** PrtAlertSeverityLevelTC: critical 3, warning 4. */
  severity: number;
  /** PrtAlertTrainingLevelTC: trained 4, fieldService 5. */
  training: number;
  code: number;
  description: string;
}

export interface PrinterMibValues {
  /** sysDescr. */
  description: string;
  /** hrDeviceDescr; sysDescr when absent. */
  deviceDescription?: string;
  /** hrDeviceStatus: running 2 (when absent), warning 3, down 5. */
  deviceStatus?: number;
  /** hrPrinterStatus: other 1, idle 3 (when absent). */
  printerStatus?: number;
  serial: string;
  /** prtMarkerLifeCount, counted in impressions. */
  lifeCountImpressions: number;
  supplies: PrinterMibSupply[];
  alerts: PrinterMibAlert[];
  /**
   * HP's private device-id string (enterprise 11), served after the Printer-MIB as on real HP
   * printers. Without an object past the printer tables a walk of an empty alert table runs off the
   * end of the MIB and net-snmp's agent never ends the walk (the collector's walk deadline test
   * needs exactly that agent, so it leaves this out).
   */
  hpDeviceId?: string;
}

export interface PrinterSnmpAgentOptions {
  community?: string;
  /** Keep the PDU type of every request in `operations` (tests); off for long-running fleets. */
  recordOperations?: boolean;
}

const S = snmp.ObjectType;
const RO = snmp.MaxAccess['read-only'];
const NA = snmp.MaxAccess['not-accessible'];

interface MibColumn {
  number: number;
  name: string;
  type: number;
  maxAccess: number;
}

interface MibTable {
  name: string;
  oid: string;
  /** Index columns, first in every row. */
  index: MibColumn[];
  columns: MibColumn[];
  rows(values: PrinterMibValues): unknown[][];
}

/** A served column; Integer unless said. */
const column = (number: number, name: string, type: number = S.Integer): MibColumn => ({
  number,
  name,
  type,
  maxAccess: RO,
});
const text = (number: number, name: string) => column(number, name, S.OctetString);
const indexOnly = (number: number, name: string): MibColumn => ({
  number,
  name,
  type: S.Integer,
  maxAccess: NA,
});
// Index columns the MIB defines in another table (hrDeviceIndex as hrDev) take a column number the
// table does not use, so net-snmp keeps them out of the served columns.
const foreignIndex = (name: string) => indexOnly(99, name);

// prtMarkerSuppliesClass consumed 3; prtMarkerCounterUnit impressions 7.
const SUPPLY_CLASS_CONSUMED = 3;
const COUNTER_UNIT_IMPRESSIONS = 7;

const TABLES: MibTable[] = [
  {
    name: 'hrDeviceEntry',
    oid: '1.3.6.1.2.1.25.3.2.1',
    index: [column(1, 'hrDeviceIndex')],
    columns: [text(3, 'hrDeviceDescr'), column(5, 'hrDeviceStatus')],
    rows: (v) => [[1, v.deviceDescription ?? v.description, v.deviceStatus ?? 2]],
  },
  {
    name: 'hrPrinterEntry',
    oid: '1.3.6.1.2.1.25.3.5.1',
    index: [foreignIndex('hrPrinterIndex')],
    columns: [column(1, 'hrPrinterStatus')],
    rows: (v) => [[1, v.printerStatus ?? 3]],
  },
  {
    name: 'prtGeneralEntry',
    oid: '1.3.6.1.2.1.43.5.1.1',
    index: [foreignIndex('prtGeneralIndex')],
    columns: [text(17, 'prtGeneralSerialNumber')],
    rows: (v) => [[1, v.serial]],
  },
  {
    name: 'prtMarkerEntry',
    oid: '1.3.6.1.2.1.43.10.2.1',
    index: [foreignIndex('hrDev'), indexOnly(1, 'prtMarkerIndex')],
    columns: [column(3, 'prtMarkerCounterUnit'), column(4, 'prtMarkerLifeCount', S.Counter)],
    // A Counter32 wraps, as the printer's own does.
    rows: (v) => [[1, 1, COUNTER_UNIT_IMPRESSIONS, v.lifeCountImpressions % 2 ** 32]],
  },
  {
    name: 'prtMarkerSuppliesEntry',
    oid: '1.3.6.1.2.1.43.11.1.1',
    index: [foreignIndex('hrDev'), indexOnly(1, 'prtMarkerSuppliesIndex')],
    columns: [
      column(4, 'class'),
      column(5, 'type'),
      text(6, 'description'),
      column(7, 'unit'),
      column(8, 'max'),
      column(9, 'level'),
    ],
    rows: (v) =>
      v.supplies.map((s) => [
        1,
        s.index,
        SUPPLY_CLASS_CONSUMED,
        s.type,
        s.description,
        s.unit,
        s.max,
        s.level,
      ]),
  },
  {
    name: 'prtAlertEntry',
    oid: '1.3.6.1.2.1.43.18.1.1',
    index: [foreignIndex('hrDev'), indexOnly(1, 'prtAlertIndex')],
    columns: [column(2, 'severity'), column(3, 'training'), column(7, 'code'), text(8, 'description')],
    rows: (v) => v.alerts.map((a) => [1, a.index, a.severity, a.training, a.code, a.description]),
  },
];

interface NetSnmpMib {
  registerProvider(provider: unknown): void;
  setScalarValue(name: string, value: unknown): void;
  addTableRow(table: string, row: unknown[]): void;
  deleteTableRow(table: string, rowIndex: unknown[]): void;
  setTableSingleCell(table: string, column: number, rowIndex: unknown[], value: unknown): void;
}

interface NetSnmpAgent {
  getMib(): NetSnmpMib;
  getAuthorizer(): { addCommunity(community: string): void };
  close(callback?: () => void): void;
}

interface MibRequest {
  operation: number;
  done(): void;
}

export class PrinterSnmpAgent {
  /** PDU types of the requests served (snmp.PduType), when `recordOperations` is on. */
  readonly operations: number[] = [];
  private agent: NetSnmpAgent | null = null;
  /** The rows each table serves now (index values first), so an update can tell what changed. */
  private rows = new Map<string, unknown[][]>();
  private hpDeviceIdRegistered = false;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly options: PrinterSnmpAgentOptions = {},
  ) {}

  /** Starts serving `values`; resolves once the agent is listening. */
  start(values: PrinterMibValues): Promise<void> {
    return new Promise((resolve, reject) => {
      const agent = snmp.createAgent(
        { port: this.port, address: this.host, disableAuthorization: false },
        (error: Error | null) => {
          if (error) reject(error);
        },
      ) as NetSnmpAgent;
      agent.getAuthorizer().addCommunity(this.options.community ?? 'public');
      this.agent = agent;
      this.rows.clear();
      this.hpDeviceIdRegistered = false;
      this.register(agent.getMib());
      this.update(values);
      // net-snmp binds asynchronously and reports bind errors through the socket; give it a tick.
      setImmediate(resolve);
    });
  }

  private get handler(): ((req: MibRequest) => void) | undefined {
    if (!this.options.recordOperations) return undefined;
    return (req) => {
      this.operations.push(req.operation);
      req.done();
    };
  }

  private register(mib: NetSnmpMib): void {
    const handler = this.handler;
    mib.registerProvider({
      name: 'sysDescr',
      type: snmp.MibProviderType.Scalar,
      oid: '1.3.6.1.2.1.1.1',
      scalarType: S.OctetString,
      maxAccess: RO,
      handler,
    });
    for (const table of TABLES)
      mib.registerProvider({
        name: table.name,
        type: snmp.MibProviderType.Table,
        oid: table.oid,
        maxAccess: NA,
        tableColumns: [...table.index, ...table.columns],
        tableIndex: table.index.map((c) => ({ columnName: c.name })),
        handler,
      });
  }

  /** Serves `values` from now on. */
  update(values: PrinterMibValues): void {
    const mib = this.agent?.getMib();
    if (!mib) return;
    mib.setScalarValue('sysDescr', values.description);
    for (const table of TABLES) {
      const rows = table.rows(values);
      const current = this.rows.get(table.name) ?? [];
      const key = (row: unknown[]) => row.slice(0, table.index.length).join('.');
      if (rows.length === current.length && rows.every((row, i) => key(row) === key(current[i]!))) {
        // Same rows: write only the cells that changed. A simulated fleet refreshes every printer on
        // every tick, and replacing rows costs net-snmp ten times as much.
        rows.forEach((row, i) => this.writeChangedCells(mib, table, row, current[i]!));
      } else {
        for (const row of current) mib.deleteTableRow(table.name, row.slice(0, table.index.length));
        for (const row of rows) mib.addTableRow(table.name, row);
      }
      this.rows.set(table.name, rows);
    }
    if (values.hpDeviceId !== undefined) {
      if (!this.hpDeviceIdRegistered)
        mib.registerProvider({
          name: 'hpDeviceId',
          type: snmp.MibProviderType.Scalar,
          oid: '1.3.6.1.4.1.11.2.3.9.1.1.7',
          scalarType: S.OctetString,
          maxAccess: RO,
          handler: this.handler,
        });
      this.hpDeviceIdRegistered = true;
      mib.setScalarValue('hpDeviceId', values.hpDeviceId);
    }
  }

  private writeChangedCells(mib: NetSnmpMib, table: MibTable, row: unknown[], current: unknown[]): void {
    const rowIndex = row.slice(0, table.index.length);
    table.columns.forEach((column, i) => {
      const cell = table.index.length + i;
      if (row[cell] !== current[cell]) mib.setTableSingleCell(table.name, column.number, rowIndex, row[cell]);
    });
  }

  stop(): Promise<void> {
    const agent = this.agent;
    this.agent = null;
    if (!agent) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        agent.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
