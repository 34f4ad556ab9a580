// Unit conversion, PIWS/LEDM parsing (own fixtures and real LEDM captures) and severity rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseConsumableConfig,
  parseProductConfig,
  parseProductStatus,
  parseProductUsage,
  ledmUsagePartial,
} from '../src/adapters/ledm/ledm.parse';
import {
  parseAccessories,
  parseInkSystem,
  parseJobSnapshot,
  parsePaperList,
  xmlSettingsToJson,
} from '../src/adapters/piws/piws.parse';
import { classifySeverity } from '../src/severity';
import { toIsoTimestamp } from '../src/timestamps';
import { toMetres, toMillilitres, toMillimetres, toSquareMetres } from '../src/units';
import { XmlError } from '../src/xml';

const fixture = (p: string) => readFileSync(join(__dirname, 'fixtures', p), 'utf8');
const CAPTURES = join(__dirname, 'fixtures/third-party/ledm/hp_officejet_pro_9022e');

describe('units', () => {
  it('converts printer units to SI and refuses unknown units instead of guessing', () => {
    expect(toMetres(10, 'feet')).toBeCloseTo(3.048, 10);
    expect(toMillimetres(36, 'inch')).toBe(914.4);
    expect(toSquareMetres(1, 'sq inch')).toBeCloseTo(0.00064516, 12);
    expect(toSquareMetres(2, 'square feet')).toBeCloseTo(0.18580608, 10);
    expect(toMillilitres(5, 'cc')).toBe(5);
    expect(toMillilitres(1.5, 'liters')).toBe(1500);
    expect(toMillilitres(12, 'tenths of ml')).toBeCloseTo(1.2, 10);
    expect(toMillilitres(3, 'gallons')).toBeNull();
    expect(toMetres(3, null)).toBeNull();
    expect(toMetres(Number.NaN, 'm')).toBeNull();
  });

  it('normalises timestamps to UTC ISO and rejects garbage', () => {
    expect(toIsoTimestamp('2025-03-01T08:00:00+02:00')).toBe('2025-03-01T06:00:00.000Z');
    expect(toIsoTimestamp('2025-03-01 08:00:00')).toBe('2025-03-01T08:00:00.000Z');
    expect(toIsoTimestamp('2027-03-01')).toBe('2027-03-01T00:00:00.000Z');
    expect(toIsoTimestamp('yesterday')).toBeNull();
  });
});

describe('PIWS parsing', () => {
  it('derives non-HP ink per cartridge type from InkUsed − HPInkUsed and per cartridge from the brand', () => {
    const ink = parseInkSystem(fixture('piws/InkSystem.xml'));
    expect(ink.usage.inkByCartridgeType).toEqual([
      { productNumber: 'P2V68A', totalMl: 1520.5, oemMl: 1400.5, nonOemMl: 120, insertions: 7 },
      { productNumber: 'P2V71A', totalMl: 2800, oemMl: 2800, nonOemMl: 0, insertions: 12 },
    ]);
    expect(ink.usage.totalInkMl).toBe(4320.5);
    const [cyan, black] = ink.cartridges;
    expect(cyan).toMatchObject({
      color: 'cyan',
      capacityMl: 130,
      levelPercent: 75,
      inkConsumedMl: 32.5,
      nonOemInkConsumedMl: 0,
      expiresAt: '2027-03-01T00:00:00.000Z',
    });
    expect(black).toMatchObject({ manufacturer: 'RefillCo', levelPercent: 8, nonOemInkConsumedMl: 276 });
  });

  it('keeps an unknown counter null: one slot without InkUsed makes the total unknown', () => {
    const xml = fixture('piws/InkSystem.xml').replace(/<piws:InkUsed>.*?<\/piws:InkUsed>/, '');
    const ink = parseInkSystem(xml);
    expect(ink.usage.totalInkMl).toBeNull();
    expect(ink.usage.inkByCartridgeType[0]).toMatchObject({ totalMl: null, nonOemMl: null, oemMl: 1400.5 });
  });

  it('skips jobs that are not finished and bare envelopes from the incremental listing', () => {
    const tpl = fixture('piws/job.xml.tpl');
    const job = (uuid: string, status: string, completion: string) =>
      tpl
        .replaceAll('{{JOB_UUID}}', uuid)
        .replaceAll('{{SEQ}}', '4')
        .replaceAll('{{NAME}}', 'x')
        .replaceAll('{{STATUS}}', status)
        .replaceAll('{{COMPLETION}}', completion);
    const xml = `<JobQueueSnapshot><ModificationNumber>77</ModificationNumber><Jobs>
      ${job('a0000000-0000-4000-8000-000000000001', 'Completed', 'OK')}
      ${job('a0000000-0000-4000-8000-000000000002', 'Printing', '')}
      <Job><Job2DPrint><UUID>a0000000-0000-4000-8000-000000000003</UUID></Job2DPrint></Job>
      ${job('a0000000-0000-4000-8000-000000000004', 'Deleted', 'Cancelled')}
    </Jobs></JobQueueSnapshot>`;
    const snap = parseJobSnapshot(xml, new Date());
    expect(snap.modificationNumber).toBe(77);
    expect(snap.jobs.map((j) => [j.uuid.slice(-1), j.status])).toEqual([
      ['1', 'printed'],
      ['4', 'cancelled'],
    ]);
    expect(snap.pendingUuids.map((u) => u.slice(-1))).toEqual(['2', '3']);
  });

  it('reads localised media names and names the document it expected on a wrong root', () => {
    expect(parsePaperList(fixture('piws/PaperList.xml'))[0]).toEqual({
      id: 'HP-BOND',
      names: { en: 'Bond and Coated Paper', de: 'Normal- und gestrichenes Papier' },
    });
    expect(() => parseInkSystem(fixture('piws/PaperList.xml'))).toThrow(XmlError);
    expect(() => parseInkSystem(fixture('piws/PaperList.xml'))).toThrow(
      /expected a <InkSystem> document, found <PaperList>/,
    );
  });
});

describe('PIWS accessories and settings', () => {
  it('reads accessories and turns a settings document into plain JSON without namespaces', () => {
    const ns = 'xmlns="http://www.hp.com/schemas/piws/v2_0"';
    expect(
      parseAccessories(
        `<Accessories ${ns}><Accessory><Name>Take-up reel</Name><Status>Installed</Status></Accessory><Accessory><Status>x</Status></Accessory></Accessories>`,
      ),
    ).toEqual([{ name: 'Take-up reel', status: 'installed' }]); // an accessory without a name is skipped
    expect(
      xmlSettingsToJson(
        `<p:PrintCategories xmlns:p="urn:x"><p:Category><p:Id>lines</p:Id><p:Enabled>true</p:Enabled></p:Category></p:PrintCategories>`,
        'PrintCategories',
      ),
    ).toEqual({ category: { id: 'lines', enabled: 'true' } });
    expect(() => xmlSettingsToJson('<Other/>', 'PrintCategories')).toThrow(/expected a <PrintCategories>/);
  });
});

describe('LEDM parsing', () => {
  it('clamps a negative raw level to 0 and says so, and reads printheads apart from inks', () => {
    const c = parseConsumableConfig(fixture('ledm/ConsumableConfigDyn.xml'));
    expect(c.cartridges.map((x) => [x.color, x.levelPercent])).toEqual([
      ['cyan', 74],
      ['matte black', 0],
    ]);
    expect(c.clamped).toEqual(['MK: level -2']);
    expect(c.printheads).toEqual([
      expect.objectContaining({ colors: ['cyan', 'matte black'], healthPercent: 88 }),
    ]);
  });

  it('sums cumulative ink across units (mL and litres); no HP figure means the HP part is unknown', () => {
    const usage = parseProductUsage(fixture('ledm/ProductUsageDyn.xml'));
    expect(usage).toMatchObject({ pages: 15230, totalInkMl: 4320.5, hpInkMl: null });
    expect(ledmUsagePartial(usage, [])).toEqual({
      pages: 15230,
      totalInkMl: 4320.5,
      inkByCartridgeType: [
        { productNumber: 'slot-cyan', totalMl: 1520.5, oemMl: null, nonOemMl: null, insertions: null },
        { productNumber: 'slot-matteblack', totalMl: 2800, oemMl: null, nonOemMl: null, insertions: null },
      ],
    });
  });

  it('measures ink per station (all, HP, insertions) and names the type from ConsumableConfigDyn', () => {
    const usage = parseProductUsage(fixture('ledm/ProductUsageDyn-stations.xml'));
    expect(usage.pages).toBe(8410);
    expect(usage.slots).toEqual([
      { station: 1, color: 'cyan', inkMl: 412.5, hpInkMl: 400, insertions: 3 },
      { station: 2, color: 'matte black', inkMl: 1200, hpInkMl: 1200, insertions: 5 },
    ]); // the printhead station is not ink
    expect(usage.totalInkMl).toBe(1612.5);
    expect(usage.hpInkMl).toBe(1600);
    const cartridges = parseConsumableConfig(fixture('ledm/ConsumableConfigDyn.xml')).cartridges;
    const partial = ledmUsagePartial(usage, cartridges);
    // Each station's counters go to the product number the consumable table names for that station.
    expect(partial.inkByCartridgeType).toEqual([
      {
        productNumber: 'P2V68A',
        totalMl: 412.5,
        oemMl: 400,
        nonOemMl: 12.5,
        insertions: 3,
      },
      {
        productNumber: 'P2V71A',
        totalMl: 1200,
        oemMl: 1200,
        nonOemMl: 0,
        insertions: 5,
      },
    ]);
  });

  it('reads a real OfficeJet capture: identity, redacted serial is unknown, power-save status', () => {
    const config = parseProductConfig(readFileSync(join(CAPTURES, 'ProductConfigDyn.xml')));
    expect(config).toMatchObject({
      makeAndModel: 'HP OfficeJet Pro 9020 series',
      productNumber: '226Y0B',
      serialNumber: null,
      firmwareVersion: 'MANHHIPP1N005.2623A.00',
    });
    const status = parseProductStatus(readFileSync(join(CAPTURES, 'ProductStatusDyn.xml')), new Date());
    expect(status.engineState).toBe('sleep');
    expect(status.alerts).toEqual([]);
  });
});

describe('severity', () => {
  it('raises jams, empty ink and missing printheads to critical; low supplies and empty trays to warning', () => {
    expect(classifySeverity('error', 'paperJam')).toBe('critical');
    expect(classifySeverity('info', 'marker-supply-empty')).toBe('critical');
    expect(classifySeverity('warning', 'printhead missing')).toBe('critical');
    expect(classifySeverity('info', 'InkCartridgeLow')).toBe('warning');
    expect(classifySeverity('info', 'input tray empty')).toBe('warning');
    expect(classifySeverity('error', 'door open')).toBe('error'); // never lowered
  });
});
