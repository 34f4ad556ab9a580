// An in-process SNMP agent (net-snmp createAgent) serving Printer-MIB and HOST-RESOURCES values on a
// high port, recording the PDU type of every request so tests can assert no SET ever arrives.
import snmp from 'net-snmp';

export interface PrinterMibValues {
  description: string;
  serial: string;
  lifeCountImpressions: number;
  supplies: Array<{
    index: number;
    type: number;
    description: string;
    unit: number;
    max: number;
    level: number;
  }>;
  alerts: Array<{ index: number; severity: number; training: number; code: number; description: string }>;
}

const S = snmp.ObjectType;
const RO = snmp.MaxAccess['read-only'];

export class TestSnmpAgent {
  readonly operations: number[] = [];
  private agent: { close: () => void; getMib: () => any } | null = null; // eslint-disable-line @typescript-eslint/no-explicit-any

  constructor(
    readonly host: string,
    readonly port: number,
    readonly values: PrinterMibValues,
  ) {}

  start(): void {
    const record = (req: { operation: number; done: () => void }) => {
      this.operations.push(req.operation);
      req.done();
    };
    const agent = snmp.createAgent(
      { port: this.port, address: this.host, disableAuthorization: true },
      () => undefined,
    );
    agent.getAuthorizer().addCommunity('public');
    const mib = agent.getMib();
    const scalar = (name: string, oid: string, type: number) =>
      mib.registerProvider({
        name,
        type: snmp.MibProviderType.Scalar,
        oid,
        scalarType: type,
        maxAccess: RO,
        handler: record,
      });
    scalar('sysDescr', '1.3.6.1.2.1.1.1', S.OctetString);
    mib.setScalarValue('sysDescr', this.values.description);
    const column = (number: number, name: string, type: number) => ({ number, name, type, maxAccess: RO });
    const table = (name: string, oid: string, columns: ReturnType<typeof column>[], index: string[]) =>
      mib.registerProvider({
        name,
        type: snmp.MibProviderType.Table,
        oid,
        maxAccess: snmp.MaxAccess['not-accessible'],
        tableColumns: columns,
        tableIndex: index.map((columnName) => ({ columnName })),
        handler: record,
      });
    // hrDeviceTable (index hrDeviceIndex): description, status
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
    mib.addTableRow('hrDeviceEntry', [1, this.values.description, 2]);
    table(
      'hrPrinterEntry',
      '1.3.6.1.2.1.25.3.5.1',
      [column(99, 'hrPrinterIndex', S.Integer), column(1, 'hrPrinterStatus', S.Integer)],
      ['hrPrinterIndex'],
    );
    mib.addTableRow('hrPrinterEntry', [1, 3]);
    table(
      'prtGeneralEntry',
      '1.3.6.1.2.1.43.5.1.1',
      [column(99, 'prtGeneralIndex', S.Integer), column(17, 'prtGeneralSerialNumber', S.OctetString)],
      ['prtGeneralIndex'],
    );
    mib.addTableRow('prtGeneralEntry', [1, this.values.serial]);
    table(
      'prtMarkerEntry',
      '1.3.6.1.2.1.43.10.2.1',
      [
        column(99, 'hrDev', S.Integer),
        column(1, 'prtMarkerIndex', S.Integer),
        column(3, 'prtMarkerCounterUnit', S.Integer),
        column(4, 'prtMarkerLifeCount', S.Counter),
      ],
      ['hrDev', 'prtMarkerIndex'],
    );
    mib.addTableRow('prtMarkerEntry', [1, 1, 7, this.values.lifeCountImpressions]);
    table(
      'prtMarkerSuppliesEntry',
      '1.3.6.1.2.1.43.11.1.1',
      [
        column(99, 'hrDev', S.Integer),
        column(1, 'prtMarkerSuppliesIndex', S.Integer),
        column(4, 'class', S.Integer),
        column(5, 'type', S.Integer),
        column(6, 'description', S.OctetString),
        column(7, 'unit', S.Integer),
        column(8, 'max', S.Integer),
        column(9, 'level', S.Integer),
      ],
      ['hrDev', 'prtMarkerSuppliesIndex'],
    );
    for (const s of this.values.supplies)
      mib.addTableRow('prtMarkerSuppliesEntry', [
        1,
        s.index,
        3,
        s.type,
        s.description,
        s.unit,
        s.max,
        s.level,
      ]);
    table(
      'prtAlertEntry',
      '1.3.6.1.2.1.43.18.1.1',
      [
        column(99, 'hrDev', S.Integer),
        column(1, 'prtAlertIndex', S.Integer),
        column(2, 'severity', S.Integer),
        column(3, 'training', S.Integer),
        column(7, 'code', S.Integer),
        column(8, 'description', S.OctetString),
      ],
      ['hrDev', 'prtAlertIndex'],
    );
    for (const a of this.values.alerts)
      mib.addTableRow('prtAlertEntry', [1, a.index, a.severity, a.training, a.code, a.description]);
    this.agent = agent;
  }

  stop(): void {
    this.agent?.close();
    this.agent = null;
  }
}
