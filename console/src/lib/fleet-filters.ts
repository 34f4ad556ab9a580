// The fleet list's filters live in the URL (shareable, survive reload); these functions translate
// between the URL's search parameters and the API's PrinterFilter.
import type { PrinterFilter } from '../gql/graphql';

export interface FleetFilters {
  search: string;
  customerId: string;
  siteId: string;
  model: string;
  engineState: string;
  connectionType: '' | 'DIRECT' | 'COLLECTOR';
  hasOpenAlerts: boolean;
  /** A cartridge or printhead below its low threshold (the server applies the reseller's thresholds). */
  suppliesLow: boolean;
  /** Hours without a report: "" (any), or a number of hours. */
  silentHours: string;
}

export const EMPTY_FILTERS: FleetFilters = {
  search: '',
  customerId: '',
  siteId: '',
  model: '',
  engineState: '',
  connectionType: '',
  hasOpenAlerts: false,
  suppliesLow: false,
  silentHours: '',
};

export const SILENT_CHOICES = ['1', '6', '24', '168'] as const;

export function filtersFromParams(params: URLSearchParams): FleetFilters {
  const connection = params.get('connection');
  const silent = params.get('silent') ?? '';
  return {
    search: params.get('q') ?? '',
    customerId: params.get('customer') ?? '',
    siteId: params.get('site') ?? '',
    model: params.get('model') ?? '',
    engineState: params.get('state') ?? '',
    connectionType: connection === 'DIRECT' || connection === 'COLLECTOR' ? connection : '',
    hasOpenAlerts: params.get('alerts') === '1',
    suppliesLow: params.get('low') === '1',
    silentHours: (SILENT_CHOICES as readonly string[]).includes(silent) ? silent : '',
  };
}

export function filtersToParams(filters: FleetFilters): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string) => {
    if (value) params.set(key, value);
  };
  set('q', filters.search.trim());
  set('customer', filters.customerId);
  // A site only means something within its customer.
  if (filters.customerId) set('site', filters.siteId);
  set('model', filters.model.trim());
  set('state', filters.engineState);
  set('connection', filters.connectionType);
  if (filters.hasOpenAlerts) params.set('alerts', '1');
  if (filters.suppliesLow) params.set('low', '1');
  set('silent', filters.silentHours);
  return params;
}

/** The API filter; `now` fixes "silent for N hours" to a timestamp. */
export function toPrinterFilter(filters: FleetFilters, now: Date): PrinterFilter {
  const filter: PrinterFilter = {};
  if (filters.search.trim()) filter.search = filters.search.trim();
  if (filters.customerId) filter.customerId = filters.customerId;
  if (filters.customerId && filters.siteId) filter.siteId = filters.siteId;
  if (filters.model.trim()) filter.model = filters.model.trim();
  if (filters.engineState) filter.engineState = filters.engineState;
  if (filters.connectionType) filter.connectionType = filters.connectionType;
  if (filters.hasOpenAlerts) filter.hasOpenAlerts = true;
  if (filters.suppliesLow) filter.suppliesLow = true;
  if (filters.silentHours) {
    filter.lastSeenBefore = new Date(now.getTime() - Number(filters.silentHours) * 3_600_000).toISOString();
  }
  return filter;
}

export function activeFilterCount(filters: FleetFilters): number {
  return [...filtersToParams(filters).keys()].length;
}

/**
 * The default low level, for marking a row's lowest cartridge; the "supplies low" filter itself is
 * the server's, with the reseller's own thresholds and printheads included.
 */
export const LOW_SUPPLY_PERCENT = 10;

export function lowestLevel(cartridges: ReadonlyArray<{ levelPercent?: number | null }>): number | null {
  const levels = cartridges.map((c) => c.levelPercent).filter((l): l is number => typeof l === 'number');
  return levels.length ? Math.min(...levels) : null;
}
