// HP PIWS documents (/LFPWebServices/PI/*, namespace piws/v2_0) rendered from a simulated printer's
// live state, with the element names the collector reads (docs/collector.md "PIWS documents").
import { MEDIA_TYPES } from '../catalog';
import { cartridgeStatus } from '../report-builder';
import type { SimJob, SimPrinter } from '../sim-printer';
import { XML_DECLARATION, el, esc, measure } from './xml';

const NS = 'xmlns="http://www.hp.com/schemas/piws/v2_0"';

const SEVERITY_WORD = { info: 'Info', warning: 'Warning', error: 'Error', critical: 'Critical' } as const;

export function identificationXml(p: SimPrinter): string {
  const model = p.model.productName.replace(/^HP /, '').split(' ')[1] ?? p.model.key;
  return `${XML_DECLARATION}
<Identification ${NS}>
  ${el('ModelName', p.model.productName)}${el('ModelNumber', model)}${el('PartNumber', p.model.productNumber)}${el('Manufacturer', 'HP')}
  ${el('SerialNumber', p.serialNumber)}${el('PrinterName', `${p.model.key}-${p.serialNumber.slice(-4)}`)}
  ${measure('PrinterWidth', p.model.maxWidthMm, 'mm')}
  ${el('FwReleaseName', p.firmwareVersion)}${el('UUID', p.uuid)}
</Identification>`;
}

export function deviceStatusXml(p: SimPrinter): string {
  const alert = p.mostRelevantAlert();
  return `${XML_DECLARATION}
<DeviceStatus ${NS}>
  <StatusOverview>${el('MostRelevantStatus', alert?.code ?? 'Ready')}${el('StatusSeverity', alert ? SEVERITY_WORD[alert.severity] : 'Info')}</StatusOverview>
  <CurrentActivities>${alert ? '' : '<Activity><Name>Ready</Name></Activity>'}</CurrentActivities>
</DeviceStatus>`;
}

export function inkSystemXml(p: SimPrinter): string {
  const slots = p.cartridges.map((k, i) => {
    const counters = p.slotCounters[i]!;
    const status = cartridgeStatus(k.levelMl, k.spec.capacityMl);
    return `  <InkSlot>
    ${el('SlotId', k.slot)}${el('Color', k.spec.color)}
    <SlotInfo>${measure('InkUsed', counters.inkUsedMl, 'cc')}${measure('HPInkUsed', counters.hpInkUsedMl, 'cc')}${el('NumberOfInsertions', counters.insertions)}</SlotInfo>
    <Supply>
      ${el('Brand', k.manufacturer)}${k.oem ? el('PartNumber', k.spec.productNumber) : ''}${el('OrderNumber', k.spec.productNumber)}${el('Description', k.spec.productName)}
      ${el('SerialNumber', k.serialNumber)}${measure('Capacity', k.spec.capacityMl, 'cc')}${measure('Level', k.levelMl, 'cc')}
      ${el('LevelPercentage', Math.round((k.levelMl / k.spec.capacityMl) * 1000) / 10)}${el('State', status)}${el('Status', status)}
      ${el('InstallDate', k.installedAt.toISOString())}${el('ExpirationDate', k.expiresAt.toISOString())}
    </Supply>
  </InkSlot>`;
  });
  return `${XML_DECLARATION}\n<InkSystem ${NS}>\n${slots.join('\n')}\n</InkSystem>`;
}

export function printheadsXml(p: SimPrinter): string {
  const heads = p.printheads.map(
    (h) =>
      `  <Printhead>${el('SlotId', h.slot)}<Colors>${h.spec.colors.map((c) => el('Color', c)).join('')}</Colors>${el('Status', h.failed ? 'Failed' : 'OK')}${el('HealthPercentage', Math.round(h.healthPercent))}${el('OrderNumber', h.spec.productNumber)}${el('Description', h.spec.productName)}${el('SerialNumber', h.serialNumber)}${el('NonHPInkUsed', h.nonOemInkUsed)}${el('EndOfWarrantyDate', h.warrantyEndsAt.toISOString())}</Printhead>`,
  );
  return `${XML_DECLARATION}\n<PrintheadsStatus ${NS}>\n${heads.join('\n')}\n</PrintheadsStatus>`;
}

export function mediaSystemXml(p: SimPrinter): string {
  const sources = p.rolls.map((r) => {
    const loaded = r.remainingM > 0.5;
    return `  <MediaSource>${el('Id', r.id)}${el('Type', 'Roll')}${el('Status', loaded ? 'Loaded' : 'Empty')}${loaded ? el('MediaType', r.mediaType) : ''}${measure('Width', r.widthMm, 'mm')}${loaded ? measure('Length', r.remainingM, 'm') : ''}</MediaSource>`;
  });
  return `${XML_DECLARATION}\n<MediaSystem ${NS}>\n${sources.join('\n')}\n</MediaSystem>`;
}

export function paperListXml(): string {
  const papers = MEDIA_TYPES.map(
    (m) =>
      `  <Paper>${el('Id', m.id)}<Names>${Object.entries(m.names)
        .map(([locale, name]) => `<Name locale="${esc(locale)}">${esc(name)}</Name>`)
        .join('')}</Names></Paper>`,
  );
  return `${XML_DECLARATION}\n<PaperList ${NS}>\n${papers.join('\n')}\n</PaperList>`;
}

export function jobQueueCollectionXml(p: SimPrinter): string {
  return `${XML_DECLARATION}
<JobQueueCollection ${NS}>
  <Queue><Name>PRINT</Name><Type>Print</Type><URI>/LFPWebServices/PI/JQ/JobQueue/${esc(p.queueUuid)}</URI></Queue>
</JobQueueCollection>`;
}

function jobXml(s: SimJob): string {
  const j = s.job;
  const type = j.kind === 'scan' ? 'Scan' : j.kind === 'copy' ? 'Copy' : 'Print';
  const printing = j.kind !== 'scan';
  const completed = Date.parse(j.completedAt);
  const printingAt = new Date(completed - (j.durationSeconds ?? 0) * 1000).toISOString();
  const gray =
    j.nonWhitePixelCoverage === null || j.nonWhitePixelCoverage === undefined
      ? null
      : Math.max(0, j.nonWhitePixelCoverage - (j.colorPixelCoverage ?? 0));
  const page = `<Page><Settings><PageSize>${measure('Width', s.widthMm, 'mm')}${measure('Height', s.lengthMm, 'mm')}</PageSize>${el('MediaSource', s.rollId)}${el('MediaType', j.mediaType)}${el('PrintQuality', j.printQuality)}</Settings><Accounting>${el('GrayPixelCoverage', gray === null ? null : Math.round(gray * 100) / 100)}${el('ColorPixelCoverage', j.colorPixelCoverage)}</Accounting></Page>`;
  return `    <Job>
      <Job2DPrint>
        ${el('UUID', j.uuid)}${el('Type', type)}${el('SequenceNumber', j.sequenceNumber)}
        <Settings>${el('JobUUID', j.uuid)}${el('UserName', j.userName)}${el('Source', j.source)}${el('JobName', j.name)}${el('Account', j.accountId)}${el('ProjectId', j.projectId)}${el('UserDefined', j.userDefined)}${el('ApplicationName', j.applicationId)}${el('RequestedCopies', j.copies)}</Settings>
        <Status>${el('JobStatus', 'Completed')}${el('CompletionStatus', 'OK')}</Status>
        <Pages>${el('NumberOfPages', j.pages)}${printing ? page.repeat(j.pages) : ''}</Pages>
        <Accounting>
          ${el('SubmissionTimestamp', j.submittedAt)}${el('PrintingTimestamp', printingAt)}${el('CompletionTimestamp', j.completedAt)}
          ${printing ? `<MediaConsumption>${measure('SquareAmount', j.mediaAreaM2 ?? 0, 'm2')}${measure('LinearAmount', j.mediaLengthM ?? 0, 'm')}</MediaConsumption>` : ''}
          ${j.scannedAreaM2 ? measure('ScannedArea', j.scannedAreaM2, 'm2') : ''}${el('InkCoverageCategory', j.inkCoverageCategory)}
          <ApplicationCategoryConsumption>${j.categories.map((c) => `<CategoryConsumption>${el('Category', c.category)}${measure('SquareAmount', c.mediaAreaM2, 'm2')}${measure('PrintedArea', c.printedAreaM2, 'm2')}${measure('InkAmount', c.inkMl, 'cc')}${measure('LinearAmount', c.mediaLengthM, 'm')}</CategoryConsumption>`).join('')}</ApplicationCategoryConsumption>
          <InkCollectionConsumption>${j.inkByColor.map((i) => `<InkConsumption>${el('Color', i.color)}${measure('Amount', i.ml, 'cc')}</InkConsumption>`).join('')}</InkCollectionConsumption>
        </Accounting>
      </Job2DPrint>
    </Job>`;
}

/** `jobs/all[?fromModificationNumber=N]`: full entries for jobs changed after N, envelopes for the rest. */
export function jobSnapshotXml(p: SimPrinter, fromModification: number | null): string {
  const entries = p.jobs.map((s) =>
    fromModification !== null && s.modification <= fromModification
      ? `    <Job><Job2DPrint><UUID>${esc(s.job.uuid)}</UUID></Job2DPrint></Job>`
      : jobXml(s),
  );
  return `${XML_DECLARATION}
<JobQueueSnapshot ${NS}>
  ${el('ModificationNumber', p.modificationNumber)}
  <Status><JobQueueStatus>Running</JobQueueStatus>${el('NumberOfJobs', p.jobs.length)}</Status>
  <Jobs>
${entries.join('\n')}
  </Jobs>
</JobQueueSnapshot>`;
}

/** Installed accessories: every model has its output basket; PageWide XL adds a top stacker. */
export function accessoriesXml(p: SimPrinter): string {
  const items = [['Output basket', 'Installed']];
  if (p.model.family === 'pagewide-xl')
    items.push(['Top stacker', 'Installed'], ['Online folder', 'NotInstalled']);
  return `${XML_DECLARATION}\n<Accessories ${NS}>${items.map(([n, s]) => `<Accessory>${el('Name', n)}${el('Status', s)}</Accessory>`).join('')}</Accessories>`;
}

/** The coverage bounds the simulated printers classify jobs by (sim-printer.ts printJob). */
export function jobCategoryThresholdsXml(): string {
  const t = (category: string, max: number) =>
    `<Threshold>${el('Category', category)}${el('MaxInkCoveragePercent', max)}</Threshold>`;
  return `${XML_DECLARATION}\n<JobCategoryThresholds ${NS}>${t('lines', 15)}${t('mixed', 60)}${t('image', 100)}</JobCategoryThresholds>`;
}

export function printCategoriesXml(): string {
  const c = (id: string, name: string) =>
    `<Category>${el('Id', id)}${el('Name', name)}${el('Enabled', 'true')}</Category>`;
  return `${XML_DECLARATION}\n<PrintCategories ${NS}>${c('lines', 'Line drawings')}${c('mixed', 'Mixed')}${c('image', 'Images and posters')}</PrintCategories>`;
}
