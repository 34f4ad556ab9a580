// Platform operators: aggregate statistics across resellers and reports parked after their retries.
import { useQuery } from 'urql';
import { DataTable } from '../components/data-table';
import { Empty, ErrorState, Loading } from '../components/states';
import { graphql } from '../gql';
import type { PlatformQuery } from '../gql/graphql';
import { formatDateTime, formatNumber } from '../lib/format';
import { locale } from '../lib/use-session';

const PlatformQuery = graphql(`
  query Platform {
    platformStatistics {
      resellers
      printers
      printersSeenLast24h
      reportsLast24h
      jobsLast24h
      openAlerts
      failedReports
    }
    failedReports(first: 50) {
      id
      keyId
      reportId
      kind
      error
      attempts
      failedAt
      replayedAt
    }
  }
`);

const STATS = [
  ['resellers', 'Resellers'],
  ['printers', 'Printers'],
  ['printersSeenLast24h', 'Printers seen (24 h)'],
  ['reportsLast24h', 'Reports (24 h)'],
  ['jobsLast24h', 'Jobs (24 h)'],
  ['openAlerts', 'Open alerts'],
  ['failedReports', 'Failed reports'],
] as const;

type FailedRow = PlatformQuery['failedReports'][number];

export default function PlatformPage() {
  const [result, refetch] = useQuery({ query: PlatformQuery });
  if (result.error && !result.data)
    return (
      <div className="page">
        <ErrorState error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
      </div>
    );
  if (!result.data) return <Loading label="Loading platform statistics" />;
  const s = result.data.platformStatistics;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Platform</h1>
      </div>
      <ul className="tiles" aria-label="Platform statistics">
        {STATS.map(([key, label]) => (
          <li key={key}>
            <div className="tile neutral">
              <span className="tile-value">{formatNumber(locale, s[key], 0)}</span>
              <span className="tile-label">{label}</span>
            </div>
          </li>
        ))}
      </ul>
      <section className="card" aria-labelledby="failed">
        <h2 id="failed">Failed reports</h2>
        {result.data.failedReports.length === 0 ? (
          <Empty>No report has exhausted its retries.</Empty>
        ) : (
          <DataTable<FailedRow>
            rows={result.data.failedReports}
            rowKey={(f) => f.id}
            columns={[
              { key: 'failed', header: 'Failed', cell: (f) => formatDateTime(locale, f.failedAt) },
              { key: 'key', header: 'Key', cell: (f) => <code>{f.keyId}</code> },
              { key: 'kind', header: 'Kind', cell: (f) => f.kind },
              { key: 'error', header: 'Error', wrap: true, cell: (f) => f.error },
              {
                key: 'attempts',
                header: 'Attempts',
                num: true,
                cell: (f) => formatNumber(locale, f.attempts),
              },
              { key: 'replayed', header: 'Replayed', cell: (f) => formatDateTime(locale, f.replayedAt) },
            ]}
          />
        )}
        <p className="muted small">Replay with: node dist/main.js admin replay-reports --since …</p>
      </section>
    </div>
  );
}
