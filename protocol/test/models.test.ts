import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTOR_CONFIG, isSupportedModel } from '@plotmeter/protocol';

const families = DEFAULT_COLLECTOR_CONFIG.supportedModels;

describe('isSupportedModel', () => {
  it.each([
    'HP DesignJet T1700dr PS',
    'HP PageWide XL 5200',
    'HP Designjet T920',
    'Hewlett-Packard DesignJet 500',
    'HP DESIGNJET Z6 PostScript',
    'HP PageWide-XL 4100 MFP',
    'DesignJet T830 MFP', // firmware that leaves out the make
  ])('accepts %j', (name) => {
    expect(isSupportedModel(name, families)).toBe(true);
  });

  it.each([
    'HP OfficeJet Pro 9020',
    'Canon imagePROGRAF TM-300',
    'HP PageWide Pro 477dw', // PageWide, but not the XL family
    'Epson SureColor SC-T5400 (DesignJet replacement)', // names the family but not HP
    'HPE DesignJet clone', // "HPE" is not the word "HP"
    '',
  ])('rejects %j', (name) => {
    expect(isSupportedModel(name, families)).toBe(false);
  });

  it('only accepts families in the configured list', () => {
    expect(isSupportedModel('HP PageWide XL 5200', ['DesignJet'])).toBe(false);
    expect(isSupportedModel('HP Latex 335', ['Latex'])).toBe(true);
    expect(isSupportedModel('HP DesignJet T1700', [])).toBe(false);
    expect(isSupportedModel('HP DesignJet T1700', [''])).toBe(false);
  });
});
