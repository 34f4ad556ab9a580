// Platform operators: aggregate statistics across resellers and reports parked after their retries.
import { useQuery } from 'urql';
import { Empty, ErrorState, Loading } from '../components/states';
import { graphql } from '../gql';
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
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Failed</th>
                <th scope="col">Key</th>
                <th scope="col">Kind</th>
                <th scope="col">Error</th>
                <th scope="col">Attempts</th>
                <th scope="col">Replayed</th>
              </tr>
            </thead>
            <tbody>
              {result.data.failedReports.map((f) => (
                <tr key={f.id}>
                  <td>{formatDateTime(locale, f.failedAt)}</td>
                  <td>
                    <code>{f.keyId}</code>
                  </td>
                  <td>{f.kind}</td>
                  <td className="wrap">{f.error}</td>
                  <td>{f.attempts}</td>
                  <td>{formatDateTime(locale, f.replayedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted small">Replay with: node dist/main.js admin replay-reports --since …</p>
      </section>
    </div>
  );
}
