// A simulated printer's IPP attributes (RFC 8011, PWG 5100.9 alerts, PWG 5100.13 supplies) and its
// completed-job history for Get-Jobs.
import type { SimJob, SimPrinter } from '../sim-printer';
import { TAG, type IppAttribute } from './ipp.codec';

/** IPP printer-state-reasons keywords for the simulator's alert codes. */
const REASONS: Record<string, string> = {
  mediaJam: 'media-jam-error',
  markerSupplyEmpty: 'marker-supply-empty-error',
  markerSupplyLow: 'marker-supply-low-warning',
  mediaEmpty: 'media-empty-warning',
  printheadFailure: 'printhead-failure-error',
};

export function printerAttributes(p: SimPrinter): IppAttribute[] {
  const alerts = [...p.alerts.values()];
  const reasons = alerts.map(
    (a) => REASONS[a.code] ?? `${a.code}-${a.severity === 'warning' ? 'warning' : 'error'}`,
  );
  const stopped = p.stoppedBy();
  return [
    { tag: TAG.text, name: 'printer-make-and-model', values: [p.model.productName] },
    { tag: TAG.uri, name: 'printer-uuid', values: [`urn:uuid:${p.uuid}`] },
    {
      tag: TAG.text,
      name: 'printer-device-id',
      values: [
        `MFG:HP;MDL:${p.model.productName.replace(/^HP /, '')};SN:${p.serialNumber};PN:${p.model.productNumber};`,
      ],
    },
    { tag: TAG.text, name: 'printer-firmware-string-version', values: [p.firmwareVersion] },
    { tag: TAG.enum, name: 'printer-state', values: [stopped ? 5 : 3] },
    { tag: TAG.keyword, name: 'printer-state-reasons', values: reasons.length > 0 ? reasons : ['none'] },
    { tag: TAG.text, name: 'printer-state-message', values: [stopped?.message ?? 'Ready'] },
    {
      tag: TAG.octetString,
      name: 'printer-supply',
      values: p.cartridges.map(
        (k, i) =>
          `index=${i + 1};class=supplyThatIsConsumed;type=ink;unit=percent;maxcapacity=100;level=${Math.round((k.levelMl / k.spec.capacityMl) * 100)};colorantname=${k.spec.color};`,
      ),
    },
    {
      tag: TAG.text,
      name: 'printer-supply-description',
      values: p.cartridges.map((k) => k.spec.productName),
    },
    {
      tag: TAG.octetString,
      name: 'printer-alert',
      values: alerts.map(
        (a) =>
          `code=${a.code};severity=${a.severity === 'warning' ? 'warning' : 'critical'};group=${a.component?.split('/')[0] ?? 'general'};`,
      ),
    },
    { tag: TAG.text, name: 'printer-alert-description', values: alerts.map((a) => a.message) },
    { tag: TAG.integer, name: 'printer-impressions-completed', values: [p.counters.pages] },
  ];
}

function jobAttributes(s: SimJob): IppAttribute[] {
  const j = s.job;
  const completed = new Date(j.completedAt);
  return [
    { tag: TAG.integer, name: 'job-id', values: [j.sequenceNumber] },
    { tag: TAG.uri, name: 'job-uuid', values: [`urn:uuid:${j.uuid}`] },
    { tag: TAG.name, name: 'job-name', values: [j.name] },
    { tag: TAG.name, name: 'job-originating-user-name', values: j.userName ? [j.userName] : [] },
    { tag: TAG.name, name: 'job-account-id', values: j.accountId ? [j.accountId] : [] },
    { tag: TAG.enum, name: 'job-state', values: [9] },
    { tag: TAG.integer, name: 'job-impressions-completed', values: [j.pages * j.copies] },
    { tag: TAG.integer, name: 'copies', values: [j.copies] },
    {
      tag: TAG.dateTime,
      name: 'date-time-at-creation',
      values: j.submittedAt ? [new Date(j.submittedAt)] : [],
    },
    {
      tag: TAG.dateTime,
      name: 'date-time-at-processing',
      values: [new Date(completed.getTime() - (j.durationSeconds ?? 0) * 1000)],
    },
    { tag: TAG.dateTime, name: 'date-time-at-completed', values: [completed] },
  ];
}

/** Printers keep a short IPP job history; the newest `limit` completed jobs. */
export function completedJobs(p: SimPrinter, limit = 100): IppAttribute[][] {
  return p.jobs.slice(-limit).map(jobAttributes);
}
