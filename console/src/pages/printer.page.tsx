// One printer: identity and status, consumables with levels and warranty dates, media, open alerts,
// usage over time, meter readings and offsets (meters.section.tsx) and its jobs.
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { DataTable, QueryView } from '../components/data-table';
import { ExportButton } from '../components/export-button';
import { choicesOf, InlineSelect } from '../components/field';
import { ConnectionPager, usePager } from '../components/pager';
import {
  Badge,
  Empty,
  EngineState,
  ErrorState,
  errorMessage,
  Loading,
  SeverityBadge,
} from '../components/states';
import { graphql } from '../gql';
import type { Granularity, JobKind, PrinterJobsQuery, PrinterQuery as PrinterResult } from '../gql/graphql';
import { LOW_SUPPLY_PERCENT } from '../lib/fleet-filters';
import { formatDate, formatDateTime, formatQuantity, formatRelative, type Unit } from '../lib/format';
import { can } from '../lib/roles';
import { locale, useSession } from '../lib/use-session';
import { MetersSection } from './meters.section';
import { PrinterCredential } from './printer-credential.section';

const UsageChart = lazy(() => import('../components/usage-chart').then((m) => ({ default: m.UsageChart })));

const PrinterQuery = graphql(`
  query Printer($id: ID!) {
    printer(id: $id) {
      id
      serialNumber
      productNumber
      productName
      displayName
      firmwareVersion
      connectionType
      engineState
      statusMessage
      statusReasons
      lastSeenAt
      createdAt
      customer {
        id
        name
      }
      site {
        id
        name
        timeZone
      }
      collector {
        id
        hostname
      }
      cartridges {
        id
        slot
        color
        status
        productNumber
        serialNumber
        manufacturer
        capacityMl
        levelPercent
        inkConsumedMl
        nonOemInkConsumedMl
        expiresAt
      }
      printheads {
        id
        slot
        colors
        status
        healthPercent
        productNumber
        serialNumber
        nonOemInkUsed
        expiresAt
      }
      mediaSources {
        sourceId
        kind
        status
        mediaType
        widthMm
        heightMm
      }
      lifetimeCounters {
        jobs
        pages
        inkMl
        mediaAreaM2
        scannedAreaM2
        at
      }
      openAlerts(first: 10) {
        totalCount
        edges {
          node {
            id
            code
            severity
            status
            message
            raisedAt
          }
        }
      }
    }
  }
`);

const UsageQuery = graphql(`
  query PrinterUsage($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $granularity: Granularity!) {
    printer(id: $id) {
      id
      usage(from: $from, to: $to, granularity: $granularity) {
        start
        end
        jobs
        pages
        inkMl
        inkOemMl
        inkNonOemMl
        mediaAreaM2
        scanAreaM2
        copyAreaM2
        resets
      }
    }
  }
`);

const JobsQuery = graphql(`
  query PrinterJobs($filter: JobFilter, $first: Int, $after: String) {
    jobs(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          kind
          status
          completedAt
          userName
          accountId
          pages
          copies
          mediaType
          mediaAreaM2
          inkTotalMl
        }
      }
    }
  }
`);

const RenamePrinterMutation = graphql(`
  mutation RenamePrinter($id: ID!, $input: UpdatePrinterInput!) {
    updatePrinter(id: $id, input: $input) {
      id
      displayName
    }
  }
`);

type Metric = 'mediaAreaM2' | 'inkMl' | 'inkSplit' | 'pages' | 'jobs' | 'scanAreaM2' | 'copyAreaM2';
type BucketField =
  'mediaAreaM2' | 'inkMl' | 'inkOemMl' | 'inkNonOemMl' | 'pages' | 'jobs' | 'scanAreaM2' | 'copyAreaM2';
const BLUE = '#1f6fb2';
const JOB_KIND_LABEL: Record<JobKind, string> = { PRINT: 'Print', COPY: 'Copy', SCAN: 'Scan' };
/** The usage chart's spans (the API's WEEK is not offered). */
const GRANULARITY_LABEL = { DAY: 'day', MONTH: 'month' } satisfies Partial<Record<Granularity, string>>;

const METRICS: Record<
  Metric,
  { label: string; unit: Unit; series: { key: BucketField; label: string; color: string }[] }
> = {
  mediaAreaM2: { label: 'Media', unit: 'm2', series: [{ key: 'mediaAreaM2', label: 'Media', color: BLUE }] },
  inkMl: { label: 'Ink', unit: 'ml', series: [{ key: 'inkMl', label: 'Ink', color: BLUE }] },
  inkSplit: {
    label: 'Ink, HP / non-HP',
    unit: 'ml',
    series: [
      { key: 'inkOemMl', label: 'HP ink', color: BLUE },
      { key: 'inkNonOemMl', label: 'Non-HP ink', color: '#b4460a' },
    ],
  },
  pages: { label: 'Pages', unit: 'page', series: [{ key: 'pages', label: 'Pages', color: BLUE }] },
  jobs: { label: 'Jobs', unit: 'job', series: [{ key: 'jobs', label: 'Jobs', color: BLUE }] },
  scanAreaM2: {
    label: 'Scanned',
    unit: 'm2',
    series: [{ key: 'scanAreaM2', label: 'Scanned', color: BLUE }],
  },
  copyAreaM2: { label: 'Copied', unit: 'm2', series: [{ key: 'copyAreaM2', label: 'Copied', color: BLUE }] },
};

type PrinterNode = NonNullable<PrinterResult['printer']>;
type CartridgeRow = PrinterNode['cartridges'][number];
type PrintheadRow = PrinterNode['printheads'][number];
type MediaRow = PrinterNode['mediaSources'][number];

function Level({ percent, label }: { percent: number | null | undefined; label: string }) {
  if (percent === null || percent === undefined) return <span>—</span>;
  const low = percent <= LOW_SUPPLY_PERCENT;
  return (
    <span className="level">
      <meter
        min={0}
        max={100}
        low={LOW_SUPPLY_PERCENT + 1}
        high={50}
        optimum={100}
        value={percent}
        aria-label={label}
      />
      <span className={low ? 'level-low' : undefined}>{formatQuantity(locale, percent, 'percent')}</span>
    </span>
  );
}

export default function PrinterPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const [result, refetch] = useQuery({ query: PrinterQuery, variables: { id } });
  if (result.error && !result.data)
    return (
      <div className="page">
        <ErrorState error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
      </div>
    );
  if (!result.data) return <Loading label="Loading the printer" />;
  const p = result.data.printer;
  if (!p)
    return (
      <div className="page">
        <h1>Printer not found</h1>
        <p>
          It does not exist or belongs to another organisation. <Link to="/fleet">Back to the fleet</Link>
        </p>
      </div>
    );
  const lc = p.lifetimeCounters;
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/fleet">Fleet</Link> / <span aria-current="page">{p.serialNumber}</span>
      </nav>
      <div className="page-head">
        <h1>
          {p.displayName || p.productName || p.productNumber || 'Printer'} <small>{p.serialNumber}</small>
        </h1>
        <EngineState state={p.engineState} />
      </div>
      {p.statusMessage && <p className="status-message">{p.statusMessage}</p>}
      <div className="grid two">
        <section className="card" aria-labelledby="identity">
          <h2 id="identity">Identity</h2>
          <dl className="facts">
            <dt>Model</dt>
            <dd>{[p.productName, p.productNumber].filter(Boolean).join(' · ') || '—'}</dd>
            <dt>Serial number</dt>
            <dd>{p.serialNumber}</dd>
            <dt>Firmware</dt>
            <dd>{p.firmwareVersion ?? '—'}</dd>
            <dt>Customer</dt>
            <dd>
              <Link to={`/customers/${p.customer.id}`}>{p.customer.name}</Link>
            </dd>
            <dt>Site</dt>
            <dd>{p.site?.name ?? 'Not assigned'}</dd>
            <dt>Connection</dt>
            <dd>
              {p.connectionType === 'DIRECT'
                ? 'Direct-connect firmware'
                : `Data Collector ${p.collector?.hostname ?? ''}`}
            </dd>
            <dt>Last report</dt>
            <dd>
              {formatRelative(locale, p.lastSeenAt)}{' '}
              <span className="sub">({formatDateTime(locale, p.lastSeenAt)})</span>
            </dd>
            <dt>Registered</dt>
            <dd>{formatDate(locale, p.createdAt)}</dd>
          </dl>
          {can(session?.user.role, 'printers.manage') && (
            <RenameForm id={p.id} current={p.displayName ?? ''} />
          )}
          {can(session?.user.role, 'printers.manage') && p.connectionType === 'DIRECT' && (
            <PrinterCredential printerId={p.id} serialNumber={p.serialNumber} />
          )}
        </section>
        <section className="card" aria-labelledby="counters">
          <h2 id="counters">Lifetime counters</h2>
          <dl className="facts">
            <dt>Media</dt>
            <dd>{formatQuantity(locale, lc.mediaAreaM2, 'm2')}</dd>
            <dt>Ink</dt>
            <dd>{formatQuantity(locale, lc.inkMl, 'ml')}</dd>
            <dt>Pages</dt>
            <dd>{formatQuantity(locale, lc.pages, 'page')}</dd>
            <dt>Jobs</dt>
            <dd>{formatQuantity(locale, lc.jobs, 'job')}</dd>
            <dt>Scanned and copied</dt>
            <dd>{formatQuantity(locale, lc.scannedAreaM2, 'm2')}</dd>
            <dt>As of</dt>
            <dd>{formatDateTime(locale, lc.at)}</dd>
          </dl>
          <h3>Open alerts ({p.openAlerts.totalCount})</h3>
          {p.openAlerts.edges.length === 0 ? (
            <p className="muted">No open alerts.</p>
          ) : (
            <ul className="plain">
              {p.openAlerts.edges.map(({ node: a }) => (
                <li key={a.id}>
                  <SeverityBadge severity={a.severity} /> {a.message}{' '}
                  <span className="sub">{formatRelative(locale, a.raisedAt)}</span>
                </li>
              ))}
            </ul>
          )}
          {p.openAlerts.totalCount > 0 && (
            <Link to={`/alerts?printer=${p.id}`}>Open on the alerts board</Link>
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="cartridges">
        <h2 id="cartridges">Cartridges</h2>
        {p.cartridges.length === 0 ? (
          <Empty>No cartridges reported yet.</Empty>
        ) : (
          <DataTable<CartridgeRow>
            rows={p.cartridges}
            rowKey={(c) => c.id}
            columns={[
              {
                key: 'slot',
                header: 'Slot / colour',
                cell: (c) => (
                  <>
                    <span className="swatch" data-color={c.color.toLowerCase()} aria-hidden="true" />{' '}
                    {c.color}
                    {c.slot && <div className="sub">slot {c.slot}</div>}
                  </>
                ),
              },
              {
                key: 'level',
                header: 'Level',
                cell: (c) => <Level percent={c.levelPercent} label={`${c.color} ink level`} />,
              },
              { key: 'status', header: 'Status', cell: (c) => c.status },
              {
                key: 'product',
                header: 'Product',
                cell: (c) => (
                  <>
                    {c.productNumber ?? '—'}
                    {c.manufacturer && c.manufacturer !== 'HP' && <Badge tone="warn">{c.manufacturer}</Badge>}
                  </>
                ),
              },
              {
                key: 'capacity',
                header: 'Capacity',
                cell: (c) => formatQuantity(locale, c.capacityMl, 'ml'),
              },
              {
                key: 'consumed',
                header: 'Consumed (non-HP)',
                cell: (c) => (
                  <>
                    {formatQuantity(locale, c.inkConsumedMl, 'ml')}{' '}
                    {!!c.nonOemInkConsumedMl && (
                      <span className="sub">
                        ({formatQuantity(locale, c.nonOemInkConsumedMl, 'ml')} non-HP)
                      </span>
                    )}
                  </>
                ),
              },
              { key: 'warranty', header: 'Warranty until', cell: (c) => formatDate(locale, c.expiresAt) },
            ]}
          />
        )}
      </section>
      <div className="grid two">
        <section className="card" aria-labelledby="printheads">
          <h2 id="printheads">Printheads</h2>
          {p.printheads.length === 0 ? (
            <Empty>No printheads reported yet.</Empty>
          ) : (
            <DataTable<PrintheadRow>
              compact
              rows={p.printheads}
              rowKey={(h) => h.id}
              columns={[
                {
                  key: 'colours',
                  header: 'Colours',
                  cell: (h) => (
                    <>
                      {h.colors.join(' / ')}
                      {h.nonOemInkUsed && <Badge tone="warn">non-HP ink used</Badge>}
                    </>
                  ),
                },
                {
                  key: 'health',
                  header: 'Health',
                  cell: (h) => (
                    <Level percent={h.healthPercent} label={`Printhead ${h.colors.join(' ')} health`} />
                  ),
                },
                { key: 'status', header: 'Status', cell: (h) => h.status },
                { key: 'warranty', header: 'Warranty until', cell: (h) => formatDate(locale, h.expiresAt) },
              ]}
            />
          )}
        </section>
        <section className="card" aria-labelledby="media">
          <h2 id="media">Media</h2>
          {p.mediaSources.length === 0 ? (
            <Empty>No media sources reported yet.</Empty>
          ) : (
            <DataTable<MediaRow>
              compact
              rows={p.mediaSources}
              rowKey={(m) => m.sourceId}
              columns={[
                {
                  key: 'source',
                  header: 'Source',
                  cell: (m) => (
                    <>
                      {m.sourceId} <span className="sub">{m.kind}</span>
                    </>
                  ),
                },
                { key: 'media', header: 'Media', cell: (m) => m.mediaType ?? '—' },
                {
                  key: 'width',
                  header: 'Width',
                  num: true,
                  cell: (m) => (m.widthMm ? `${new Intl.NumberFormat(locale).format(m.widthMm)} mm` : '—'),
                },
                { key: 'status', header: 'Status', cell: (m) => m.status },
              ]}
            />
          )}
        </section>
      </div>
      <Usage id={p.id} timeZone={p.site?.timeZone} />
      <MetersSection printerId={p.id} />
      <Jobs printerId={p.id} canExport={can(session?.user.role, 'billing.manage')} />
    </div>
  );
}

function RenameForm({ id, current }: { id: string; current: string }) {
  const [name, setName] = useState(current);
  const [result, rename] = useMutation(RenamePrinterMutation);
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void rename({ id, input: { displayName: name.trim() || null } });
      }}
    >
      <label>
        Display name
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
      </label>
      <button type="submit" className="secondary" disabled={result.fetching}>
        Save
      </button>
      {result.error && (
        <span role="alert" className="form-error">
          {errorMessage(result.error)}
        </span>
      )}
    </form>
  );
}

function Usage({ id, timeZone }: { id: string; timeZone?: string }) {
  const [metric, setMetric] = useState<Metric>('mediaAreaM2');
  const [granularity, setGranularity] = useState<Granularity>('DAY');
  const range = useMemo(() => {
    const to = new Date();
    const from = new Date(to.getTime() - (granularity === 'DAY' ? 30 : 365) * 86_400_000);
    return { from: from.toISOString(), to: to.toISOString() };
  }, [granularity]);
  const [usage] = useQuery({ query: UsageQuery, variables: { id, granularity, ...range } });
  const buckets = usage.data?.printer?.usage ?? [];
  const { series } = METRICS[metric];
  const points = buckets.map((b) => ({
    start: b.start,
    ...Object.fromEntries(series.map((s) => [s.key, b[s.key] ?? null])),
  }));
  const resets = buckets.reduce((n, b) => n + b.resets, 0);
  return (
    <section className="card" aria-labelledby="usage">
      <div className="section-head">
        <h2 id="usage">
          Usage {granularity === 'DAY' ? 'over the last 30 days' : 'over the last 12 months'}
        </h2>
        <div className="controls">
          <InlineSelect
            label="Measure"
            value={metric}
            onChange={setMetric}
            options={(Object.keys(METRICS) as Metric[]).map((m) => ({ value: m, label: METRICS[m].label }))}
          />
          <InlineSelect
            label="Per"
            value={granularity}
            onChange={setGranularity}
            options={choicesOf(GRANULARITY_LABEL)}
          />
        </div>
      </div>
      {usage.error && !usage.data ? (
        <ErrorState error={usage.error} />
      ) : !usage.data ? (
        <Loading label="Loading usage" />
      ) : buckets.every((b) => series.every((s) => !b[s.key])) ? (
        <Empty>No usage in this range yet.</Empty>
      ) : (
        <Suspense fallback={<Loading label="Loading the chart" />}>
          <UsageChart
            points={points}
            series={series}
            unit={METRICS[metric].unit}
            label={METRICS[metric].label}
            locale={locale}
            monthly={granularity === 'MONTH'}
          />
        </Suspense>
      )}
      <p className="muted small">
        Counter deltas in the site's time zone ({timeZone ?? 'UTC'}).
        {resets > 0 && ` ${resets} counter reset(s) in this range were not counted as negative usage.`}
      </p>
    </section>
  );
}

type JobRow = PrinterJobsQuery['jobs']['edges'][number]['node'];

/** The last `days` days up to now, as the export's from and to. */
function lastDays(days: number) {
  const to = new Date();
  return { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() };
}

function Jobs({ printerId, canExport }: { printerId: string; canExport: boolean }) {
  const [kind, setKind] = useState<JobKind | ''>('');
  const [userName, setUserName] = useState('');
  const key = `${kind}|${userName}`;
  const pager = usePager(key);
  const [jobs] = useQuery({
    query: JobsQuery,
    variables: {
      filter: {
        printerId,
        ...(kind ? { kind } : {}),
        ...(userName.trim() ? { userName: userName.trim() } : {}),
      },
      first: 25,
      after: pager.after,
    },
  });
  return (
    <section className="card" aria-labelledby="jobs">
      <div className="section-head">
        <h2 id="jobs">Jobs</h2>
        <div className="controls">
          <InlineSelect
            label="Kind"
            value={kind}
            onChange={setKind}
            none="All"
            options={choicesOf(JOB_KIND_LABEL)}
          />
          <label>
            User
            <input
              value={userName}
              onChange={(e) => setUserName(e.target.value)}
              placeholder="exact user name"
            />
          </label>
        </div>
      </div>
      <QueryView
        result={jobs}
        loading="Loading jobs"
        isEmpty={(d) => d.jobs.edges.length === 0}
        empty={kind || userName.trim() ? 'No jobs match these filters.' : 'No jobs reported yet.'}
      >
        {(d) => (
          <>
            <DataTable<JobRow>
              rows={d.jobs.edges.map((e) => e.node)}
              rowKey={(j) => j.id}
              columns={[
                { key: 'at', header: 'Completed', cell: (j) => formatDateTime(locale, j.completedAt) },
                { key: 'name', header: 'Name', wrap: true, cell: (j) => j.name },
                { key: 'kind', header: 'Kind', cell: (j) => j.kind.toLowerCase() },
                {
                  key: 'who',
                  header: 'User / account',
                  cell: (j) => (
                    <>
                      {j.userName ?? '—'}
                      {j.accountId && <div className="sub">{j.accountId}</div>}
                    </>
                  ),
                },
                {
                  key: 'pages',
                  header: 'Pages',
                  num: true,
                  cell: (j) => formatQuantity(locale, j.pages, 'page'),
                },
                {
                  key: 'media',
                  header: 'Media',
                  num: true,
                  cell: (j) => (
                    <>
                      {formatQuantity(locale, j.mediaAreaM2, 'm2')}
                      {j.mediaType && <div className="sub">{j.mediaType}</div>}
                    </>
                  ),
                },
                {
                  key: 'ink',
                  header: 'Ink',
                  num: true,
                  cell: (j) => formatQuantity(locale, j.inkTotalMl, 'ml'),
                },
                { key: 'status', header: 'Status', cell: (j) => j.status },
              ]}
            />
            <ConnectionPager pager={pager} connection={d.jobs} noun="jobs" />
          </>
        )}
      </QueryView>
      {canExport && (
        <p className="row">
          <ExportButton
            label="Download this printer's jobs of the last 30 days (CSV)"
            request={{ kind: 'jobs', format: 'csv', printerId, ...lastDays(30) }}
          />
          <ExportButton
            label="Download its daily usage (CSV)"
            request={{ kind: 'usage', format: 'csv', printerId, ...lastDays(30) }}
          />
        </p>
      )}
    </section>
  );
}
