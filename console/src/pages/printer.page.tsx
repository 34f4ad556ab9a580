// One printer: identity and status, consumables with levels and warranty dates, media, open alerts,
// usage over time and its jobs.
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { Pager, usePager } from '../components/pager';
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
import type { Granularity, JobKind } from '../gql/graphql';
import { LOW_SUPPLY_PERCENT } from '../lib/fleet-filters';
import { formatDate, formatDateTime, formatQuantity, formatRelative, type Unit } from '../lib/format';
import { can } from '../lib/roles';
import { locale, useSession } from '../lib/use-session';

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
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Slot / colour</th>
                  <th scope="col">Level</th>
                  <th scope="col">Status</th>
                  <th scope="col">Product</th>
                  <th scope="col">Capacity</th>
                  <th scope="col">Consumed (non-HP)</th>
                  <th scope="col">Warranty until</th>
                </tr>
              </thead>
              <tbody>
                {p.cartridges.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <span className="swatch" data-color={c.color.toLowerCase()} aria-hidden="true" />{' '}
                      {c.color}
                      {c.slot && <div className="sub">slot {c.slot}</div>}
                    </td>
                    <td>
                      <Level percent={c.levelPercent} label={`${c.color} ink level`} />
                    </td>
                    <td>{c.status}</td>
                    <td>
                      {c.productNumber ?? '—'}
                      {c.manufacturer && c.manufacturer !== 'HP' && (
                        <Badge tone="warn">{c.manufacturer}</Badge>
                      )}
                    </td>
                    <td>{formatQuantity(locale, c.capacityMl, 'ml')}</td>
                    <td>
                      {formatQuantity(locale, c.inkConsumedMl, 'ml')}{' '}
                      {!!c.nonOemInkConsumedMl && (
                        <span className="sub">
                          ({formatQuantity(locale, c.nonOemInkConsumedMl, 'ml')} non-HP)
                        </span>
                      )}
                    </td>
                    <td>{formatDate(locale, c.expiresAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <div className="grid two">
        <section className="card" aria-labelledby="printheads">
          <h2 id="printheads">Printheads</h2>
          {p.printheads.length === 0 ? (
            <Empty>No printheads reported yet.</Empty>
          ) : (
            <table className="data compact">
              <thead>
                <tr>
                  <th scope="col">Colours</th>
                  <th scope="col">Health</th>
                  <th scope="col">Status</th>
                  <th scope="col">Warranty until</th>
                </tr>
              </thead>
              <tbody>
                {p.printheads.map((h) => (
                  <tr key={h.id}>
                    <td>
                      {h.colors.join(' / ')}
                      {h.nonOemInkUsed && <Badge tone="warn">non-HP ink used</Badge>}
                    </td>
                    <td>
                      <Level percent={h.healthPercent} label={`Printhead ${h.colors.join(' ')} health`} />
                    </td>
                    <td>{h.status}</td>
                    <td>{formatDate(locale, h.expiresAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card" aria-labelledby="media">
          <h2 id="media">Media</h2>
          {p.mediaSources.length === 0 ? (
            <Empty>No media sources reported yet.</Empty>
          ) : (
            <table className="data compact">
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Media</th>
                  <th scope="col">Width</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {p.mediaSources.map((m) => (
                  <tr key={m.sourceId}>
                    <td>
                      {m.sourceId} <span className="sub">{m.kind}</span>
                    </td>
                    <td>{m.mediaType ?? '—'}</td>
                    <td>{m.widthMm ? `${new Intl.NumberFormat(locale).format(m.widthMm)} mm` : '—'}</td>
                    <td>{m.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <Usage id={p.id} timeZone={p.site?.timeZone} />
      <Jobs printerId={p.id} />
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
          <label>
            Measure
            <select value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
              {(Object.keys(METRICS) as Metric[]).map((m) => (
                <option key={m} value={m}>
                  {METRICS[m].label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Per
            <select value={granularity} onChange={(e) => setGranularity(e.target.value as Granularity)}>
              <option value="DAY">day</option>
              <option value="MONTH">month</option>
            </select>
          </label>
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

function Jobs({ printerId }: { printerId: string }) {
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
  const rows = jobs.data?.jobs.edges ?? [];
  return (
    <section className="card" aria-labelledby="jobs">
      <div className="section-head">
        <h2 id="jobs">Jobs</h2>
        <div className="controls">
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as JobKind | '')}>
              <option value="">All</option>
              <option value="PRINT">Print</option>
              <option value="COPY">Copy</option>
              <option value="SCAN">Scan</option>
            </select>
          </label>
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
      {jobs.error && !jobs.data ? (
        <ErrorState error={jobs.error} />
      ) : !jobs.data ? (
        <Loading label="Loading jobs" />
      ) : rows.length === 0 ? (
        <Empty>No jobs match.</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Completed</th>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">User / account</th>
                  <th scope="col">Pages</th>
                  <th scope="col">Media</th>
                  <th scope="col">Ink</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ node: j }) => (
                  <tr key={j.id}>
                    <td>{formatDateTime(locale, j.completedAt)}</td>
                    <td className="wrap">{j.name}</td>
                    <td>{j.kind.toLowerCase()}</td>
                    <td>
                      {j.userName ?? '—'}
                      {j.accountId && <div className="sub">{j.accountId}</div>}
                    </td>
                    <td>{formatQuantity(locale, j.pages, 'page')}</td>
                    <td>
                      {formatQuantity(locale, j.mediaAreaM2, 'm2')}
                      {j.mediaType && <div className="sub">{j.mediaType}</div>}
                    </td>
                    <td>{formatQuantity(locale, j.inkTotalMl, 'ml')}</td>
                    <td>{j.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            page={pager.page}
            total={jobs.data.jobs.totalCount}
            noun="jobs"
            hasNext={jobs.data.jobs.pageInfo.hasNextPage}
            onNext={() => pager.next(jobs.data?.jobs.pageInfo.endCursor)}
            onPrevious={pager.previous}
          />
        </>
      )}
    </section>
  );
}
