// Printer-MIB (RFC 3805) and HOST-RESOURCES-MIB (RFC 2790) values of a simulated printer, served by a
// net-snmp agent on the printer's address. `refresh()` copies the live state into the MIB; the LAN
// printer calls it after every advance. The agent is read-only: it registers no writable object.
import snmp from 'net-snmp';
import type { SimPrinter } from '../sim-printer';

const S = snmp.ObjectType;
const RO = snmp.MaxAccess['read-only'];
const NA = snmp.MaxAccess['not-accessible'];

// PrtMarkerSuppliesTypeTC ink = 6; PrtMarkerSuppliesSupplyUnitTC percent = 19; impressions = 7.
const SUPPLY_TYPE_INK = 6;
const UNIT_PERCENT = 19;
const COUNTER_UNIT_IMPRESSIONS = 7;
// PrtAlertSeverityLevelTC: critical 3, warning 4. PrtAlertTrainingLevelTC: fieldService 5, trained 4.
const ALERT_CODES: Record<string, number> = {
  mediaJam: 8,
  markerSupplyEmpty: 1101,
  markerSupplyLow: 1104,
  mediaEmpty: 808,
  printheadFailure: 1501,
};

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

export class PrinterSnmpAgent {
  private agent: NetSnmpAgent | null = null;
  private alertRows: number[] = [];

  constructor(
    readonly printer: SimPrinter,
    readonly host: string,
    readonly port: number,
    readonly community = 'public',
  ) {}

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const agent = snmp.createAgent(
        { port: this.port, address: this.host, disableAuthorization: false },
        (error: Error | null) => {
          if (error) reject(error);
        },
      ) as NetSnmpAgent & {
        listener?: { dgram?: { once(ev: string, cb: (...args: unknown[]) => void): void } };
      };
      agent.getAuthorizer().addCommunity(this.community);
      this.agent = agent;
      this.register(agent.getMib());
      this.refresh();
      // net-snmp binds asynchronously and reports bind errors through the socket; give it a tick.
      setImmediate(resolve);
    });
  }

  private register(mib: NetSnmpMib): void {
    const p = this.printer;
    mib.registerProvider({
      name: 'sysDescr',
      type: snmp.MibProviderType.Scalar,
      oid: '1.3.6.1.2.1.1.1',
      scalarType: S.OctetString,
      maxAccess: RO,
    });
    const column = (number: number, name: string, type: number, access = RO) => ({
      number,
      name,
      type,
      maxAccess: access,
    });
    const table = (name: string, oid: string, columns: ReturnType<typeof column>[], index: string[]) =>
      mib.registerProvider({
        name,
        type: snmp.MibProviderType.Table,
        oid,
        maxAccess: NA,
        tableColumns: columns,
        tableIndex: index.map((columnName) => ({ columnName })),
      });
    // Index columns the MIB defines elsewhere (hrDeviceIndex) are declared with a column number the
    // table does not use, so net-snmp keeps them out of the served columns.
    table(
      'hrDeviceEntry',
      '1.3.6.1.2.1.25.3.2.1',
      [
        column(1, 'hrDeviceIndex', S.Integer),
        column(3, 'hrDeviceDescr', S.OctetString),
        column(5, 'hrDeviceStatus', S.Integer),
      ],
      ['hrDeviceIndex'],
    );
    table(
      'hrPrinterEntry',
      '1.3.6.1.2.1.25.3.5.1',
      [column(99, 'hrPrinterIndex', S.Integer, NA), column(1, 'hrPrinterStatus', S.Integer)],
      ['hrPrinterIndex'],
    );
    table(
      'prtGeneralEntry',
      '1.3.6.1.2.1.43.5.1.1',
      [column(99, 'prtGeneralIndex', S.Integer, NA), column(17, 'prtGeneralSerialNumber', S.OctetString)],
      ['prtGeneralIndex'],
    );
    table(
      'prtMarkerEntry',
      '1.3.6.1.2.1.43.10.2.1',
      [
        column(99, 'hrDev', S.Integer, NA),
        column(1, 'prtMarkerIndex', S.Integer, NA),
        column(3, 'prtMarkerCounterUnit', S.Integer),
        column(4, 'prtMarkerLifeCount', S.Counter),
      ],
      ['hrDev', 'prtMarkerIndex'],
    );
    table(
      'prtMarkerSuppliesEntry',
      '1.3.6.1.2.1.43.11.1.1',
      [
        column(99, 'hrDev', S.Integer, NA),
        column(1, 'prtMarkerSuppliesIndex', S.Integer, NA),
        column(4, 'class', S.Integer),
        column(5, 'type', S.Integer),
        column(6, 'description', S.OctetString),
        column(7, 'unit', S.Integer),
        column(8, 'max', S.Integer),
        column(9, 'level', S.Integer),
      ],
      ['hrDev', 'prtMarkerSuppliesIndex'],
    );
    table(
      'prtAlertEntry',
      '1.3.6.1.2.1.43.18.1.1',
      [
        column(99, 'hrDev', S.Integer, NA),
        column(1, 'prtAlertIndex', S.Integer, NA),
        column(2, 'severity', S.Integer),
        column(3, 'training', S.Integer),
        column(7, 'code', S.Integer),
        column(8, 'description', S.OctetString),
      ],
      ['hrDev', 'prtAlertIndex'],
    );
    // HP's private device-id string (enterprise 11) sits after the Printer-MIB, as on real HP printers.
    // Without an object past the printer tables a walk of an empty alert table reaches the end of the
    // MIB, and net-snmp's subtree walk then never completes.
    mib.registerProvider({
      name: 'hpDeviceId',
      type: snmp.MibProviderType.Scalar,
      oid: '1.3.6.1.4.1.11.2.3.9.1.1.7',
      scalarType: S.OctetString,
      maxAccess: RO,
    });
    mib.setScalarValue(
      'hpDeviceId',
      `MFG:HP;MDL:${p.model.productName.replace(/^HP /, '')};SN:${p.serialNumber};`,
    );
    mib.setScalarValue('sysDescr', `${p.model.productName}, FW ${p.firmwareVersion}`);
    mib.addTableRow('hrDeviceEntry', [1, p.model.productName, 2]);
    mib.addTableRow('hrPrinterEntry', [1, 3]);
    mib.addTableRow('prtGeneralEntry', [1, p.serialNumber]);
    mib.addTableRow('prtMarkerEntry', [1, 1, COUNTER_UNIT_IMPRESSIONS, p.counters.pages]);
    p.cartridges.forEach((k, i) =>
      mib.addTableRow('prtMarkerSuppliesEntry', [
        1,
        i + 1,
        3,
        SUPPLY_TYPE_INK,
        k.spec.productName,
        UNIT_PERCENT,
        100,
        100,
      ]),
    );
  }

  /** Copies the printer's live state into the MIB. */
  refresh(): void {
    const mib = this.agent?.getMib();
    if (!mib) return;
    const p = this.printer;
    const stopped = p.stoppedBy() !== null;
    // hrDeviceStatus: running 2, warning 3, down 5. hrPrinterStatus: idle 3, other 1.
    mib.setTableSingleCell('hrDeviceEntry', 5, [1], stopped ? 5 : p.alerts.size > 0 ? 3 : 2);
    mib.setTableSingleCell('hrPrinterEntry', 1, [1], stopped ? 1 : 3);
    mib.setTableSingleCell('prtMarkerEntry', 4, [1, 1], p.counters.pages % 2 ** 32);
    p.cartridges.forEach((k, i) => {
      mib.setTableSingleCell('prtMarkerSuppliesEntry', 6, [1, i + 1], k.spec.productName);
      mib.setTableSingleCell(
        'prtMarkerSuppliesEntry',
        9,
        [1, i + 1],
        Math.round((k.levelMl / k.spec.capacityMl) * 100),
      );
    });
    for (const index of this.alertRows) mib.deleteTableRow('prtAlertEntry', [1, index]);
    this.alertRows = [];
    [...p.alerts.values()].forEach((a, i) => {
      const critical = a.severity === 'critical' || a.severity === 'error';
      mib.addTableRow('prtAlertEntry', [
        1,
        i + 1,
        critical ? 3 : 4,
        a.code === 'printheadFailure' ? 5 : 4,
        ALERT_CODES[a.code] ?? 1,
        a.message,
      ]);
      this.alertRows.push(i + 1);
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
