// The adapters the collector knows, in precedence order (most trusted first). merge.ts takes each
// field from the first source in this order that knows it; discovery probes in this order too.
import type { Adapter, AdapterName } from './adapter';
import { ippAdapter } from './ipp.adapter';
import { ledmAdapter } from './ledm.adapter';
import { piwsAdapter } from './piws.adapter';
import { snmpAdapter } from './snmp.adapter';

export const ADAPTERS: readonly Adapter[] = [piwsAdapter, ledmAdapter, ippAdapter, snmpAdapter];

export const PRECEDENCE: readonly AdapterName[] = ADAPTERS.map((a) => a.name);
