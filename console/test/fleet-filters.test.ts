// The fleet filters round-trip through the URL and become the API's PrinterFilter.
import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  EMPTY_FILTERS,
  filtersFromParams,
  filtersToParams,
  lowestLevel,
  toPrinterFilter,
} from '../src/lib/fleet-filters';

describe('fleet filters', () => {
  it('round-trip through the URL', () => {
    const filters = {
      ...EMPTY_FILTERS,
      search: 'CN12',
      customerId: 'c1',
      siteId: 's1',
      engineState: 'error',
      connectionType: 'DIRECT' as const,
      hasOpenAlerts: true,
      suppliesLow: true,
      silentHours: '24',
    };
    const params = filtersToParams(filters);
    expect(params.toString()).toBe(
      'q=CN12&customer=c1&site=s1&state=error&connection=DIRECT&alerts=1&low=1&silent=24',
    );
    expect(filtersFromParams(params)).toEqual(filters);
    expect(activeFilterCount(filters)).toBe(8);
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
  });

  it('drops a site without its customer and ignores values the API would refuse', () => {
    expect(filtersToParams({ ...EMPTY_FILTERS, siteId: 's1' }).toString()).toBe('');
    const parsed = filtersFromParams(new URLSearchParams('connection=WIFI&silent=5&alerts=yes&low=true'));
    expect(parsed).toEqual(EMPTY_FILTERS);
  });

  it('becomes a PrinterFilter with only what is set, trimmed', () => {
    const now = new Date('2026-03-05T12:00:00Z');
    expect(toPrinterFilter(EMPTY_FILTERS, now)).toEqual({});
    expect(
      toPrinterFilter(
        { ...EMPTY_FILTERS, search: '  ab ', model: ' T1700 ', silentHours: '6', customerId: 'c' },
        now,
      ),
    ).toEqual({ search: 'ab', model: 'T1700', customerId: 'c', lastSeenBefore: '2026-03-05T06:00:00.000Z' });
    expect(toPrinterFilter({ ...EMPTY_FILTERS, suppliesLow: true }, now)).toEqual({ suppliesLow: true });
  });

  it('finds the lowest known cartridge level', () => {
    expect(lowestLevel([{ levelPercent: 40 }, { levelPercent: 8 }, { levelPercent: null }])).toBe(8);
    expect(lowestLevel([{ levelPercent: null }])).toBeNull();
    expect(lowestLevel([])).toBeNull();
  });
});
