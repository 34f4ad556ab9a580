// SNMP Printer-MIB / HOST-RESOURCES-MIB: the last-resort source for identity, status, supplies,
// alerts and the lifetime impression counter of printers that answer nothing richer.
import type {
  Adapter,
  AdapterContext,
  AdapterCursor,
  PollResult,
  PrinterIdentity,
  PrinterPartial,
} from './adapter';
import { openSnmp, type ReadOnlySnmp } from './snmp/snmp.client';
import { OID, snmpAlerts, snmpCartridges, snmpEngineState, snmpPages } from './snmp/snmp.map';

function session(host: string, ctx: AdapterContext): ReadOnlySnmp {
  return openSnmp({ host, port: ctx.ports.snmp, community: ctx.snmpCommunity, timeoutMs: ctx.timeoutMs });
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

async function identity(s: ReadOnlySnmp) {
  const v = await s.get([OID.sysDescr, OID.hrDeviceDescr1, OID.prtGeneralSerialNumber1]);
  return {
    makeAndModel: str(v.get(OID.hrDeviceDescr1)) ?? str(v.get(OID.sysDescr)) ?? '',
    serialNumber: str(v.get(OID.prtGeneralSerialNumber1)),
  };
}

export const snmpAdapter: Adapter = {
  name: 'snmp',

  async probe(host: string, ctx: AdapterContext): Promise<PrinterIdentity | null> {
    const s = session(host, ctx);
    try {
      const id = await identity(s);
      if (id.makeAndModel === '') return null;
      return { adapter: 'snmp', ...id, productNumber: null, firmwareVersion: null, uuid: null };
    } catch {
      return null;
    } finally {
      s.close();
    }
  },

  async poll(host: string, ctx: AdapterContext, _cursor: AdapterCursor): Promise<PollResult> {
    const now = ctx.now();
    const s = session(host, ctx);
    try {
      const id = await identity(s);
      const v = await s.get([
        OID.hrDeviceStatus1,
        OID.hrPrinterStatus1,
        OID.prtMarkerLifeCountUnit11,
        OID.prtMarkerLifeCount11,
      ]);
      const partial: PrinterPartial = {
        device: {
          productName: id.makeAndModel === '' ? null : id.makeAndModel,
          productNumber: null,
          serialNumber: id.serialNumber,
          firmwareVersion: null,
        },
        status: {
          engineState: snmpEngineState(v.get(OID.hrDeviceStatus1), v.get(OID.hrPrinterStatus1)),
          message: null,
          reasons: [],
        },
        usage: { pages: snmpPages(v.get(OID.prtMarkerLifeCountUnit11), v.get(OID.prtMarkerLifeCount11)) },
        warnings: [],
      };
      try {
        partial.cartridges = snmpCartridges(await s.walk(OID.prtMarkerSuppliesEntry));
      } catch (err) {
        partial.warnings.push(`SNMP supplies table: ${(err as Error).message}`);
      }
      try {
        partial.alerts = snmpAlerts(await s.walk(OID.prtAlertEntry), now);
      } catch (err) {
        partial.warnings.push(`SNMP alert table: ${(err as Error).message}`);
      }
      return { partial, cursor: null };
    } finally {
      s.close();
    }
  },
};
