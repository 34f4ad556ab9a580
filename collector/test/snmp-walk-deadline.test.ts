// An agent that never signals the end of a subtree (no endOfMibView after its last object, as the
// net-snmp agent does for an empty last table) must not hang a poll: the walk has a hard deadline and
// returns what arrived.
import { describe, expect, it } from 'vitest';
import { openSnmp } from '../src/adapters/snmp/snmp.client';
import { PrinterSnmpAgent } from '../../simulator/src/lan/snmp.agent';
import { freeUdpPort } from './support/free-ports';

const HOST = '127.0.0.9';

describe('SNMP walk deadline', () => {
  it('returns the rows it has when the agent never ends the walk, and fails an empty stalled walk', async () => {
    const PORT = await freeUdpPort(HOST);
    const agent = new PrinterSnmpAgent(HOST, PORT);
    await agent.start({
      description: 'HP DesignJet T830',
      serial: 'CN-WALK',
      lifeCountImpressions: 1,
      supplies: [{ index: 1, type: 5, description: 'Cyan Ink', unit: 19, max: 100, level: 50 }],
      alerts: [], // the alert table is the last thing served: walking it runs off the end of the MIB
    });
    const client = openSnmp({ host: HOST, port: PORT, community: 'public', timeoutMs: 300 });
    try {
      const started = Date.now();
      const supplies = await client.walk('1.3.6.1.2.1.43.11.1.1');
      expect(supplies.size).toBeGreaterThan(0);
      const alerts = client.walk('1.3.6.1.2.1.43.18.1.1');
      await expect(alerts).rejects.toThrow(/did not finish within 900 ms/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      client.close();
      await agent.stop();
    }
  });
});
