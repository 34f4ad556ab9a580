// A read-only SNMP v2c client: the only operations it exposes are GET and subtree walks (GETNEXT /
// GETBULK). net-snmp's session.set() is never reachable from the collector, which is the SNMP half
// of the "never change a printer" guarantee.
import snmp from 'net-snmp';

export interface SnmpTarget {
  host: string;
  port: number;
  community: string;
  timeoutMs: number;
}

export interface ReadOnlySnmp {
  /** Values by OID; missing OIDs (noSuchObject etc.) are absent from the map. */
  get(oids: string[]): Promise<Map<string, unknown>>;
  /** Every varbind under `oid`, keyed by the OID suffix after it ("5.1.3"). */
  walk(oid: string): Promise<Map<string, unknown>>;
  close(): void;
}

/** A subtree walk may take this many request timeouts in all before it is cut off. */
const WALK_DEADLINE_FACTOR = 3;

function decode(value: unknown): unknown {
  return Buffer.isBuffer(value) ? value.toString('utf8').replace(/\0+$/, '') : value;
}

export function openSnmp(target: SnmpTarget): ReadOnlySnmp {
  const session = snmp.createSession(target.host, target.community, {
    port: target.port,
    version: snmp.Version2c,
    timeout: target.timeoutMs,
    retries: 1,
  });
  // A closed UDP socket emits 'error' if a late answer arrives; nothing to do about it.
  session.on('error', () => undefined);
  return {
    get(oids) {
      return new Promise((resolve, reject) => {
        session.get(oids, (err, varbinds) => {
          if (err) return reject(err);
          const out = new Map<string, unknown>();
          for (const vb of varbinds ?? []) {
            if (!snmp.isVarbindError(vb)) out.set(vb.oid, decode(vb.value));
          }
          resolve(out);
        });
      });
    },
    walk(oid) {
      return new Promise((resolve, reject) => {
        const out = new Map<string, unknown>();
        let settled = false;
        const finish = (err: Error | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          if (err) reject(err);
          else resolve(out);
        };
        // Some agents never signal the end of a subtree (no endOfMibView after their last object), and
        // net-snmp then keeps waiting. A walk gets a hard deadline: what arrived by then is the table.
        const deadline = setTimeout(() => {
          if (out.size > 0) finish(null);
          else
            finish(
              new Error(
                `SNMP walk of ${oid} on ${target.host} did not finish within ${WALK_DEADLINE_FACTOR * target.timeoutMs} ms`,
              ),
            );
        }, WALK_DEADLINE_FACTOR * target.timeoutMs);
        session.subtree(
          oid,
          20,
          (varbinds) => {
            for (const vb of varbinds) {
              if (!snmp.isVarbindError(vb)) out.set(vb.oid.slice(oid.length + 1), decode(vb.value));
            }
          },
          (err) => finish(err ?? null),
        );
      });
    },
    close() {
      try {
        session.close();
      } catch {
        /* already closed */
      }
    },
  };
}
