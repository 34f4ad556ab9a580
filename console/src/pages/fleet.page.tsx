// The fleet: counts by state at a glance, filters kept in the URL, and the printer list.
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { DataTable, QueryView } from '../components/data-table';
import { InlineSelect, namedChoices, type Choice } from '../components/field';
import { ConnectionPager, usePager } from '../components/pager';
import { Badge, EngineState } from '../components/states';
import { graphql } from '../gql';
import type { FleetCountsQuery, FleetQuery } from '../gql/graphql';
import {
  activeFilterCount,
  EMPTY_FILTERS,
  filtersFromParams,
  filtersToParams,
  LOW_SUPPLY_PERCENT,
  lowestLevel,
  SILENT_CHOICES,
  toPrinterFilter,
  type FleetFilters,
} from '../lib/fleet-filters';
import { formatQuantity, formatRelative } from '../lib/format';
import { locale } from '../lib/use-session';

const PAGE_SIZE = 50;
export const ENGINE_STATES = [
  'idle',
  'printing',
  'processing',
  'warning',
  'error',
  'offline',
  'sleep',
  'unknown',
];

const CONNECTION_CHOICES: Array<Choice<Exclude<FleetFilters['connectionType'], ''>>> = [
  { value: 'DIRECT', label: 'Direct-connect' },
  { value: 'COLLECTOR', label: 'Data Collector' },
];

/** The counts at the top: each is a query alias of FleetCountsQuery and opens the list filtered so. */
const TILES: ReadonlyArray<{
  label: string;
  count: keyof Omit<FleetCountsQuery, '__typename'>;
  filter: Partial<FleetFilters>;
  tone: string;
}> = [
  { label: 'Printers', count: 'all', filter: {}, tone: 'neutral' },
  { label: 'Printing', count: 'printing', filter: { engineState: 'printing' }, tone: 'info' },
  { label: 'Warning', count: 'warning', filter: { engineState: 'warning' }, tone: 'warn' },
  { label: 'Error', count: 'error', filter: { engineState: 'error' }, tone: 'bad' },
  { label: 'Open alerts', count: 'withAlerts', filter: { hasOpenAlerts: true }, tone: 'bad' },
  { label: 'Supplies low', count: 'suppliesLow', filter: { suppliesLow: true }, tone: 'warn' },
  { label: 'Silent > 24 h', count: 'silent', filter: { silentHours: '24' }, tone: 'muted' },
];

const FleetQuery = graphql(`
  query Fleet($filter: PrinterFilter, $first: Int, $after: String) {
    printers(filter: $filter, first: $first, after: $after, orderBy: { field: SERIAL_NUMBER }) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          serialNumber
          displayName
          productName
          productNumber
          connectionType
          engineState
          lastSeenAt
          customer {
            id
            name
          }
          site {
            id
            name
          }
          cartridges {
            id
            color
            levelPercent
          }
          openAlerts(first: 1) {
            totalCount
          }
        }
      }
    }
  }
`);

const FleetCountsQuery = graphql(`
  query FleetCounts($silentSince: DateTimeISO!) {
    all: printers(first: 1) {
      totalCount
    }
    printing: printers(first: 1, filter: { engineState: "printing" }) {
      totalCount
    }
    warning: printers(first: 1, filter: { engineState: "warning" }) {
      totalCount
    }
    error: printers(first: 1, filter: { engineState: "error" }) {
      totalCount
    }
    withAlerts: printers(first: 1, filter: { hasOpenAlerts: true }) {
      totalCount
    }
    silent: printers(first: 1, filter: { lastSeenBefore: $silentSince }) {
      totalCount
    }
    suppliesLow: printers(first: 1, filter: { suppliesLow: true }) {
      totalCount
    }
  }
`);

export const FilterOptionsQuery = graphql(`
  query FilterOptions($customerId: ID, $withSites: Boolean!) {
    customers(first: 500) {
      edges {
        node {
          id
          name
        }
      }
    }
    sites(first: 500, filter: { customerId: $customerId }) @include(if: $withSites) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export default function FleetPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const update = (patch: Partial<FleetFilters>) =>
    setParams(filtersToParams({ ...filters, ...patch }), { replace: true });
  const filterKey = params.toString();
  // "Silent for N hours" is fixed when the filter changes, not on every render.
  const apiFilter = useMemo(() => toPrinterFilter(filters, new Date()), [filterKey]);
  const silentSince = useMemo(() => new Date(Date.now() - 24 * 3_600_000).toISOString(), []);
  const pager = usePager(filterKey);
  const [fleet, refetch] = useQuery({
    query: FleetQuery,
    variables: { filter: apiFilter, first: PAGE_SIZE, after: pager.after },
  });
  const [counts] = useQuery({ query: FleetCountsQuery, variables: { silentSince } });
  const [options] = useQuery({
    query: FilterOptionsQuery,
    variables: { customerId: filters.customerId || null, withSites: !!filters.customerId },
  });

  const c = counts.data;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Fleet</h1>
      </div>
      <ul className="tiles" aria-label="Printers by state">
        {TILES.map((t) => (
          <li key={t.label}>
            <button
              type="button"
              className={`tile ${t.tone}`}
              onClick={() => setParams(filtersToParams({ ...EMPTY_FILTERS, ...t.filter }))}
            >
              <span className="tile-value">{c?.[t.count].totalCount ?? '…'}</span>
              <span className="tile-label">{t.label}</span>
            </button>
          </li>
        ))}
      </ul>
      <form
        className="filters"
        role="search"
        aria-label="Filter printers"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Search
          <input
            type="search"
            placeholder="Serial number or name"
            value={filters.search}
            onChange={(e) => update({ search: e.target.value })}
          />
        </label>
        <InlineSelect
          label="Customer"
          value={filters.customerId}
          onChange={(customerId) => update({ customerId, siteId: '' })}
          none="All customers"
          options={namedChoices(options.data?.customers.edges.map((e) => e.node) ?? [])}
        />
        <InlineSelect
          label="Site"
          value={filters.siteId}
          disabled={!filters.customerId}
          onChange={(siteId) => update({ siteId })}
          none="All sites"
          options={namedChoices(options.data?.sites?.edges.map((e) => e.node) ?? [])}
        />
        <label>
          Model
          <input
            value={filters.model}
            placeholder="e.g. T1700"
            onChange={(e) => update({ model: e.target.value })}
          />
        </label>
        <InlineSelect
          label="Status"
          value={filters.engineState}
          onChange={(engineState) => update({ engineState })}
          none="Any status"
          options={ENGINE_STATES.map((state) => ({ value: state, label: state }))}
        />
        <InlineSelect
          label="Connection"
          value={filters.connectionType}
          onChange={(connectionType) => update({ connectionType })}
          none="Any"
          options={CONNECTION_CHOICES}
        />
        <InlineSelect
          label="Silent for"
          value={filters.silentHours}
          onChange={(silentHours) => update({ silentHours })}
          none="Any time"
          options={SILENT_CHOICES.map((h) => ({
            value: h,
            label: Number(h) >= 24 ? `over ${Number(h) / 24} day(s)` : `over ${h} hour(s)`,
          }))}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={filters.hasOpenAlerts}
            onChange={(e) => update({ hasOpenAlerts: e.target.checked })}
          />
          With open alerts
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filters.suppliesLow}
            onChange={(e) => update({ suppliesLow: e.target.checked })}
          />
          Supplies low
        </label>
        {activeFilterCount(filters) > 0 && (
          <button type="button" className="secondary" onClick={() => setParams(new URLSearchParams())}>
            Clear filters ({activeFilterCount(filters)})
          </button>
        )}
      </form>
      <QueryView
        result={fleet}
        loading="Loading printers"
        retry={() => refetch({ requestPolicy: 'network-only' })}
        isEmpty={(d) => d.printers.edges.length === 0}
        empty={
          activeFilterCount(filters)
            ? 'No printer matches these filters.'
            : 'No printers yet. Register one under Customers.'
        }
      >
        {(d) => (
          <>
            <DataTable<FleetRow>
              caption="Printers"
              captionHidden
              rows={d.printers.edges.map((e) => e.node)}
              rowKey={(p) => p.id}
              columns={[
                {
                  key: 'serial',
                  header: 'Serial number',
                  cell: (p) => (
                    <>
                      <Link to={`/fleet/${p.id}`}>{p.serialNumber}</Link>
                      {p.displayName && <div className="sub">{p.displayName}</div>}
                    </>
                  ),
                },
                { key: 'model', header: 'Model', cell: (p) => p.productName ?? p.productNumber ?? '—' },
                {
                  key: 'where',
                  header: 'Customer / site',
                  cell: (p) => (
                    <>
                      {p.customer.name}
                      {p.site && <div className="sub">{p.site.name}</div>}
                    </>
                  ),
                },
                { key: 'status', header: 'Status', cell: (p) => <EngineState state={p.engineState} /> },
                {
                  key: 'connection',
                  header: 'Connection',
                  cell: (p) => (p.connectionType === 'DIRECT' ? 'Direct' : 'Collector'),
                },
                { key: 'ink', header: 'Lowest ink', cell: (p) => <LowestInk cartridges={p.cartridges} /> },
                {
                  key: 'alerts',
                  header: 'Open alerts',
                  cell: (p) =>
                    p.openAlerts.totalCount ? <Badge tone="warn">{p.openAlerts.totalCount}</Badge> : '—',
                },
                { key: 'seen', header: 'Last report', cell: (p) => formatRelative(locale, p.lastSeenAt) },
              ]}
            />
            <ConnectionPager pager={pager} connection={d.printers} noun="printers" />
          </>
        )}
      </QueryView>
    </div>
  );
}

type FleetRow = FleetQuery['printers']['edges'][number]['node'];

function LowestInk({ cartridges }: { cartridges: FleetRow['cartridges'] }) {
  const lowest = lowestLevel(cartridges);
  if (lowest === null) return <>—</>;
  if (lowest <= LOW_SUPPLY_PERCENT)
    return <Badge tone="bad">{formatQuantity(locale, lowest, 'percent')} low</Badge>;
  return <>{formatQuantity(locale, lowest, 'percent')}</>;
}
