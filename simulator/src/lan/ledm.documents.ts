// HP LEDM documents (/DevMgmt/*.xml) rendered from a simulated printer's live state: identity,
// status with the full alert table, consumables and lifetime usage.
import { cartridgeStatus } from '../report-builder';
import type { SimPrinter } from '../sim-printer';
import { XML_DECLARATION, el } from './xml';

const DD = 'xmlns:dd="http://www.hp.com/schemas/imaging/con/dictionaries/1.0/"';

export const LEDM_DOCUMENT_NAMES = [
  'ProductConfigDyn',
  'ProductStatusDyn',
  'ConsumableConfigDyn',
  'ProductUsageDyn',
] as const;

/** LEDM label codes for the simulator's colours (the collector maps them back). */
const LABELS: Record<string, string> = {
  black: 'K',
  'matte-black': 'MK',
  'photo-black': 'PK',
  cyan: 'C',
  magenta: 'M',
  yellow: 'Y',
  gray: 'G',
  'light-gray': 'LG',
  'chromatic-red': 'CR',
};
const label = (color: string) => LABELS[color] ?? color;

export function discoveryTreeXml(): string {
  const trees = LEDM_DOCUMENT_NAMES.map(
    (name) =>
      `  <ledm:SupportedTree><dd:ResourceURI>/DevMgmt/${name}.xml</dd:ResourceURI><dd:ResourceType>ledm:hpLedm${name}</dd:ResourceType></ledm:SupportedTree>`,
  );
  return `${XML_DECLARATION}\n<ledm:DiscoveryTree xmlns:ledm="http://www.hp.com/schemas/imaging/con/ledm/2007/09/21" ${DD}>\n${trees.join('\n')}\n</ledm:DiscoveryTree>`;
}

export function productConfigXml(p: SimPrinter): string {
  return `${XML_DECLARATION}
<prdcfgdyn:ProductConfigDyn xmlns:prdcfgdyn="http://www.hp.com/schemas/imaging/con/ledm/productconfigdyn/2007/11/05" ${DD}>
  <prdcfgdyn:ProductInformation><dd:Version>${el('dd:Revision', p.firmwareVersion)}</dd:Version>${el('dd:MakeAndModel', p.model.productName)}${el('dd:SerialNumber', p.serialNumber)}${el('dd:ProductNumber', p.model.productNumber)}</prdcfgdyn:ProductInformation>
</prdcfgdyn:ProductConfigDyn>`;
}

const LEDM_SEVERITY = { info: 'Info', warning: 'Warning', error: 'Error', critical: 'Error' } as const;

export function productStatusXml(p: SimPrinter): string {
  const alerts = [...p.alerts.values()].map(
    (a) =>
      `    <psdyn:Alert>${el('ad:ProductStatusAlertID', a.code)}${el('dd:StringId', a.message)}${el('dd:Severity', LEDM_SEVERITY[a.severity])}${a.component ? `<ad:AlertDetails>${el('ad:ComponentId', a.component)}</ad:AlertDetails>` : ''}</psdyn:Alert>`,
  );
  const category = p.stoppedBy() ? 'error' : 'ready';
  return `${XML_DECLARATION}
<psdyn:ProductStatusDyn xmlns:psdyn="http://www.hp.com/schemas/imaging/con/ledm/productstatusdyn/2007/10/31" ${DD} xmlns:ad="http://www.hp.com/schemas/imaging/con/ledm/alertdetails/2007/10/31">
  <dd:Status>${el('dd:StatusCategory', category)}</dd:Status>
  <psdyn:AlertTable>
${alerts.join('\n')}
  </psdyn:AlertTable>
</psdyn:ProductStatusDyn>`;
}

export function consumableConfigXml(p: SimPrinter): string {
  const inks = p.cartridges.map(
    (k) =>
      `  <ccdyn:ConsumableInfo>${el('dd:ConsumableTypeEnum', 'ink')}${el('dd:ConsumableLabelCode', label(k.spec.color))}${el('dd:ConsumableStation', k.slot)}${el('dd:ConsumablePercentageLevelRemaining', Math.round((k.levelMl / k.spec.capacityMl) * 100))}<dd:ConsumableLifeState>${el('dd:ConsumableState', cartridgeStatus(k.levelMl, k.spec.capacityMl))}</dd:ConsumableLifeState>${el('dd:ProductNumber', k.spec.productNumber)}${el('dd:SerialNumber', k.serialNumber)}${el('dd:Brand', k.manufacturer)}<dd:Capacity>${el('dd:MaxCapacity', k.spec.capacityMl)}${el('dd:Unit', 'milliliters')}</dd:Capacity></ccdyn:ConsumableInfo>`,
  );
  const heads = p.printheads.map(
    (h) =>
      `  <ccdyn:ConsumableInfo>${el('dd:ConsumableTypeEnum', 'printhead')}${el('dd:ConsumableLabelCode', h.spec.colors.map(label).join(''))}${el('dd:ConsumableStation', h.slot)}${el('dd:ConsumablePercentageLevelRemaining', Math.round(h.healthPercent))}<dd:ConsumableLifeState>${el('dd:ConsumableState', h.failed ? 'failed' : 'ok')}</dd:ConsumableLifeState>${el('dd:ProductNumber', h.spec.productNumber)}${el('dd:SerialNumber', h.serialNumber)}</ccdyn:ConsumableInfo>`,
  );
  return `${XML_DECLARATION}
<ccdyn:ConsumableConfigDyn xmlns:ccdyn="http://www.hp.com/schemas/imaging/con/ledm/consumableconfigdyn/2007/11/19" ${DD}>
${[...inks, ...heads].join('\n')}
</ccdyn:ConsumableConfigDyn>`;
}

const agent = (name: string, ml: number) =>
  `<dd2:${name}>${el('dd:ValueFloat', ml)}${el('dd:Unit', 'milliliters')}</dd2:${name}>`;

/**
 * Lifetime usage as HP inkjets publish it: total impressions, ink used (all and HP) for the printer and
 * per station with the supplies inserted there. No areas: LEDM counts impressions, not square metres.
 */
export function productUsageXml(p: SimPrinter): string {
  const consumables = p.cartridges.map((k, i) => {
    const slot = p.slotCounters[i]!;
    return `    <pudyn:Consumable>${el('dd:ConsumableStation', k.slot)}${el('dd:MarkerColor', label(k.spec.color))}${el('dd:ConsumableTypeEnum', 'inkCartridge')}${el('dd2:CumulativeConsumableCount', slot.insertions)}${agent('CumulativeMarkingAgentUsed', slot.inkUsedMl)}${agent('CumulativeHPMarkingAgentUsed', slot.hpInkUsedMl)}${el('dd:ConsumableRawPercentageLevelRemaining', Math.round((k.levelMl / k.spec.capacityMl) * 100))}</pudyn:Consumable>`;
  });
  const sum = (f: (i: number) => number) =>
    Math.round(p.slotCounters.reduce((s, _c, i) => s + f(i), 0) * 10_000) / 10_000;
  return `${XML_DECLARATION}
<pudyn:ProductUsageDyn xmlns:pudyn="http://www.hp.com/schemas/imaging/con/ledm/productusagedyn/2007/12/11" ${DD} xmlns:dd2="http://www.hp.com/schemas/imaging/con/dictionaries/2008/10/10">
  <pudyn:PrinterSubunit>${el('dd:TotalImpressions', p.counters.pages)}<pudyn:UsageByMarkingAgent>${agent(
    'CumulativeMarkingAgentUsed',
    sum((i) => p.slotCounters[i]!.inkUsedMl),
  )}${agent(
    'CumulativeHPMarkingAgentUsed',
    sum((i) => p.slotCounters[i]!.hpInkUsedMl),
  )}</pudyn:UsageByMarkingAgent></pudyn:PrinterSubunit>
  <pudyn:ConsumableSubunit>
${consumables.join('\n')}
  </pudyn:ConsumableSubunit>
</pudyn:ProductUsageDyn>`;
}
