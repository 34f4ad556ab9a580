// One statement: its lines, flags and reconciliation; approve, void (and rebill), mark exported; the
// explain trace of every line down to readings and jobs.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { DataTable } from '../components/data-table';
import { Badge, Empty, ErrorState, errorMessage, Loading } from '../components/states';
import { graphql } from '../gql';
import type { StatementDetailQuery, StatementTraceQuery } from '../gql/graphql';
import {
  formatDateTime,
  formatMoneyMinor,
  formatNumber,
  formatQuantity,
  formatUnitPrice,
  unitFromApi,
} from '../lib/format';
import { locale } from '../lib/use-session';
import { statusTone } from './billing.page';

const StatementQuery = graphql(`
  query StatementDetail($id: ID!) {
    statement(id: $id) {
      id
      contractId
      customerId
      periodKey
      billedFrom
      billedTo
      version
      status
      currency
      subtotalMinor
      totalMinor
      complete
      generatedAt
      approvedAt
      approvedBy
      exportedAt
      exportReference
      voidedAt
      voidReason
      replacesId
      flags {
        code
        printerId
        lineId
        message
      }
      reconciliation {
        printerId
        meterKey
        counterDelta
        jobTotal
        gap
        gapPercent
        status
        flagged
      }
      lines {
        lineId
        kind
        description
        unit
        quantity
        allowanceUsed
        billableQuantity
        unitPriceMinor
        totalMinor
        sources {
          printerId
          serialNumber
          quantity
          jobCount
          flags
        }
      }
    }
  }
`);

const TraceQuery = graphql(`
  query StatementTrace($id: ID!) {
    statementTrace(id: $id) {
      lines {
        lineId
        description
        unit
        quantity
        sources {
          printerId
          serialNumber
          quantity
          flags
          readings {
            id
            collectedAt
            mediaAreaM2
            inkOemMl
            inkNonOemMl
            scanAreaM2
            pages
          }
          jobs {
            id
            completedAt
            name
            kind
            mediaAreaM2
            pages
          }
        }
      }
    }
  }
`);

type StatementNode = NonNullable<StatementDetailQuery['statement']>;
type LineRow = StatementNode['lines'][number];
type ReconciliationRow = StatementNode['reconciliation'][number];
type TraceSource = StatementTraceQuery['statementTrace']['lines'][number]['sources'][number];
type TraceReading = TraceSource['readings'][number];
type TraceJob = TraceSource['jobs'][number];

const ApproveMutation = graphql(`
  mutation ApproveStatement($id: ID!, $acceptIncomplete: Boolean!) {
    approveStatement(id: $id, acceptIncomplete: $acceptIncomplete) {
      id
      status
      approvedAt
      approvedBy
    }
  }
`);

const VoidMutation = graphql(`
  mutation VoidStatement($id: ID!, $reason: String!, $rebill: Boolean!) {
    voidStatement(id: $id, reason: $reason, rebill: $rebill) {
      voided {
        id
        status
        voidedAt
        voidReason
      }
      replacement {
        id
      }
    }
  }
`);

const MarkExportedMutation = graphql(`
  mutation MarkExported($ids: [ID!]!, $reference: String) {
    markStatementsExported(ids: $ids, reference: $reference) {
      id
      status
      exportedAt
      exportReference
    }
  }
`);

export default function StatementPage() {
  const { id = '' } = useParams();
  const [result, refetch] = useQuery({ query: StatementQuery, variables: { id } });
  const [showTrace, setShowTrace] = useState(false);
  if (result.error && !result.data)
    return (
      <div className="page">
        <ErrorState error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
      </div>
    );
  if (!result.data) return <Loading label="Loading the statement" />;
  const s = result.data.statement;
  if (!s)
    return (
      <div className="page">
        <h1>Statement not found</h1>
        <Link to="/billing">Back to billing</Link>
      </div>
    );
  const money = (minor: string | null | undefined) => formatMoneyMinor(locale, minor, s.currency);
  const serialOf = new Map(
    s.lines.flatMap((l) =>
      l.sources.map((src) => [src.printerId, src.serialNumber ?? src.printerId] as const),
    ),
  );
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/billing">Billing</Link> / <span aria-current="page">Statement {s.periodKey}</span>
      </nav>
      <div className="page-head">
        <h1>
          Statement {s.periodKey} {s.version > 1 && <small>version {s.version}</small>}
        </h1>
        <Badge tone={statusTone(s.status)}>{s.status.toLowerCase()}</Badge>
        {!s.complete && <Badge tone="warn">incomplete</Badge>}
      </div>
      <div className="grid two">
        <section className="card" aria-labelledby="summary">
          <h2 id="summary">Summary</h2>
          <dl className="facts">
            <dt>Billed</dt>
            <dd>
              {formatDateTime(locale, s.billedFrom)} – {formatDateTime(locale, s.billedTo)}
            </dd>
            <dt>Subtotal</dt>
            <dd>{money(s.subtotalMinor)}</dd>
            <dt>Total</dt>
            <dd className="total">{money(s.totalMinor)}</dd>
            <dt>Generated</dt>
            <dd>{formatDateTime(locale, s.generatedAt)}</dd>
            {s.approvedAt && (
              <>
                <dt>Approved</dt>
                <dd>
                  {formatDateTime(locale, s.approvedAt)} by {s.approvedBy}
                </dd>
              </>
            )}
            {s.exportedAt && (
              <>
                <dt>Exported</dt>
                <dd>
                  {formatDateTime(locale, s.exportedAt)} {s.exportReference && `(${s.exportReference})`}
                </dd>
              </>
            )}
            {s.voidedAt && (
              <>
                <dt>Voided</dt>
                <dd>
                  {formatDateTime(locale, s.voidedAt)}: {s.voidReason}
                </dd>
              </>
            )}
            {s.replacesId && (
              <>
                <dt>Replaces</dt>
                <dd>
                  <Link to={`/billing/statements/${s.replacesId}`}>the voided version</Link>
                </dd>
              </>
            )}
          </dl>
        </section>
        <Actions id={s.id} status={s.status} complete={s.complete} />
      </div>
      {s.flags.length > 0 && (
        <section className="card" aria-labelledby="flags">
          <h2 id="flags">Review flags ({s.flags.length})</h2>
          <ul className="plain">
            {s.flags.map((f, i) => (
              <li key={i}>
                <Badge tone="warn">{f.code}</Badge> {f.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="card" aria-labelledby="lines">
        <h2 id="lines">Lines</h2>
        <DataTable<LineRow>
          rows={s.lines}
          rowKey={(l) => l.lineId}
          columns={[
            {
              key: 'description',
              header: 'Description',
              cell: (l) => (
                <>
                  {l.description}
                  <div className="sub">
                    {l.sources
                      .map(
                        (src) =>
                          `${src.serialNumber ?? src.printerId}: ${formatNumber(locale, src.quantity)}`,
                      )
                      .join(' · ')}
                  </div>
                </>
              ),
            },
            {
              key: 'quantity',
              header: 'Quantity',
              num: true,
              cell: (l) =>
                l.quantity === null ? (
                  <Badge tone="warn">unknown</Badge>
                ) : (
                  formatQuantity(locale, l.quantity, unitFromApi(l.unit), 3)
                ),
            },
            {
              key: 'allowance',
              header: 'Allowance used',
              num: true,
              cell: (l) => formatQuantity(locale, l.allowanceUsed, unitFromApi(l.unit), 3),
            },
            {
              key: 'billable',
              header: 'Billable',
              num: true,
              cell: (l) => formatQuantity(locale, l.billableQuantity, unitFromApi(l.unit), 3),
            },
            {
              key: 'price',
              header: 'Unit price',
              num: true,
              cell: (l) => formatUnitPrice(locale, l.unitPriceMinor, s.currency),
            },
            { key: 'amount', header: 'Amount', num: true, cell: (l) => money(l.totalMinor) },
          ]}
          footer={
            <tr>
              <th scope="row" colSpan={5}>
                Total
              </th>
              <td className="num total">{money(s.totalMinor)}</td>
            </tr>
          }
        />
      </section>
      <section className="card" aria-labelledby="reconciliation">
        <h2 id="reconciliation">Reconciliation: counters against jobs</h2>
        {s.reconciliation.length === 0 ? (
          <Empty>Nothing to reconcile.</Empty>
        ) : (
          <DataTable<ReconciliationRow>
            compact
            rows={s.reconciliation}
            rowKey={(r) => `${r.printerId}-${r.meterKey}`}
            columns={[
              {
                key: 'printer',
                header: 'Printer',
                cell: (r) => (
                  <Link to={`/fleet/${r.printerId}`}>{serialOf.get(r.printerId) ?? 'printer'}</Link>
                ),
              },
              { key: 'meter', header: 'Meter', cell: (r) => r.meterKey },
              {
                key: 'counters',
                header: 'Counters',
                num: true,
                cell: (r) => formatNumber(locale, r.counterDelta, 3),
              },
              { key: 'jobs', header: 'Jobs', num: true, cell: (r) => formatNumber(locale, r.jobTotal, 3) },
              {
                key: 'gap',
                header: 'Gap',
                num: true,
                cell: (r) => (
                  <>
                    {formatNumber(locale, r.gap, 3)}{' '}
                    {r.gapPercent && `(${formatNumber(locale, r.gapPercent, 1)} %)`}
                  </>
                ),
              },
              {
                key: 'status',
                header: 'Status',
                cell: (r) => (
                  <Badge tone={r.status === 'OK' ? 'ok' : r.flagged ? 'bad' : 'muted'}>
                    {r.status.toLowerCase()}
                  </Badge>
                ),
              },
            ]}
          />
        )}
      </section>
      <section className="card" aria-labelledby="trace">
        <div className="section-head">
          <h2 id="trace">Explain this bill</h2>
          <button
            type="button"
            className="secondary"
            aria-expanded={showTrace}
            onClick={() => setShowTrace(!showTrace)}
          >
            {showTrace ? 'Hide the trace' : 'Show readings and jobs'}
          </button>
        </div>
        {showTrace && <Trace id={s.id} />}
      </section>
    </div>
  );
}

function Actions({ id, status, complete }: { id: string; status: string; complete: boolean }) {
  const navigate = useNavigate();
  const [acceptIncomplete, setAcceptIncomplete] = useState(false);
  const [reason, setReason] = useState('');
  const [rebill, setRebill] = useState(true);
  const [reference, setReference] = useState('');
  const [approval, approve] = useMutation(ApproveMutation);
  const [voiding, voidStatement] = useMutation(VoidMutation);
  const [marking, markExported] = useMutation(MarkExportedMutation);
  const error = approval.error ?? voiding.error ?? marking.error;
  return (
    <section className="card" aria-labelledby="actions">
      <h2 id="actions">Actions</h2>
      {status === 'DRAFT' && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void approve({ id, acceptIncomplete });
          }}
        >
          {!complete && (
            <label className="check">
              <input
                type="checkbox"
                checked={acceptIncomplete}
                onChange={(e) => setAcceptIncomplete(e.target.checked)}
              />
              Approve although some usage is unknown (see the flags)
            </label>
          )}
          <button type="submit" disabled={approval.fetching || (!complete && !acceptIncomplete)}>
            Approve statement
          </button>
        </form>
      )}
      {status === 'APPROVED' && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void markExported({ ids: [id], reference: reference.trim() || null });
          }}
        >
          <label>
            ERP document number
            <input value={reference} onChange={(e) => setReference(e.target.value)} />
          </label>
          <button type="submit" className="secondary" disabled={marking.fetching}>
            Mark as exported
          </button>
        </form>
      )}
      {status !== 'VOID' && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void voidStatement({ id, reason: reason.trim(), rebill }).then((r) => {
              const replacement = r.data?.voidStatement.replacement;
              if (replacement) navigate(`/billing/statements/${replacement.id}`);
            });
          }}
        >
          <label>
            Reason for voiding
            <input required value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={rebill} onChange={(e) => setRebill(e.target.checked)} /> Rebill:
            draft the period again as a new version
          </label>
          <button type="submit" className="danger" disabled={voiding.fetching || !reason.trim()}>
            Void statement
          </button>
        </form>
      )}
      {status === 'VOID' && <p className="muted">This statement is void and never changes.</p>}
      {error && (
        <p role="alert" className="form-error">
          {errorMessage(error)}
        </p>
      )}
    </section>
  );
}

function Trace({ id }: { id: string }) {
  const [trace] = useQuery({ query: TraceQuery, variables: { id } });
  if (trace.error) return <ErrorState error={trace.error} />;
  if (!trace.data) return <Loading label="Tracing the statement" />;
  return (
    <div className="trace">
      {trace.data.statementTrace.lines.map((line) => (
        <details key={line.lineId}>
          <summary>
            {line.description}: {formatQuantity(locale, line.quantity, unitFromApi(line.unit), 3)}
          </summary>
          {line.sources.length === 0 ? (
            <p className="muted">No printer usage behind this line.</p>
          ) : (
            line.sources.map((src) => (
              <div key={src.printerId} className="trace-source">
                <h4>
                  {src.serialNumber ?? src.printerId}:{' '}
                  {formatQuantity(locale, src.quantity, unitFromApi(line.unit), 3)}{' '}
                  {src.flags.map((f) => (
                    <Badge key={f} tone="warn">
                      {f}
                    </Badge>
                  ))}
                </h4>
                <DataTable<TraceReading>
                  compact
                  caption="Readings"
                  rows={src.readings}
                  rowKey={(r) => r.id}
                  columns={[
                    {
                      key: 'collected',
                      header: 'Collected',
                      cell: (r) => formatDateTime(locale, r.collectedAt),
                    },
                    {
                      key: 'media',
                      header: 'Media m²',
                      num: true,
                      cell: (r) => formatNumber(locale, r.mediaAreaM2, 3),
                    },
                    {
                      key: 'oem',
                      header: 'HP ink mL',
                      num: true,
                      cell: (r) => formatNumber(locale, r.inkOemMl, 3),
                    },
                    {
                      key: 'nonOem',
                      header: 'Non-HP ink mL',
                      num: true,
                      cell: (r) => formatNumber(locale, r.inkNonOemMl, 3),
                    },
                    {
                      key: 'scan',
                      header: 'Scan m²',
                      num: true,
                      cell: (r) => formatNumber(locale, r.scanAreaM2, 3),
                    },
                    {
                      key: 'pages',
                      header: 'Pages',
                      num: true,
                      cell: (r) => formatNumber(locale, r.pages, 0),
                    },
                  ]}
                />
                {src.jobs.length > 0 && (
                  <DataTable<TraceJob>
                    compact
                    caption={`Jobs (${src.jobs.length})`}
                    rows={src.jobs}
                    rowKey={(j) => j.id}
                    columns={[
                      {
                        key: 'completed',
                        header: 'Completed',
                        cell: (j) => formatDateTime(locale, j.completedAt),
                      },
                      { key: 'name', header: 'Name', cell: (j) => j.name },
                      { key: 'kind', header: 'Kind', cell: (j) => j.kind.toLowerCase() },
                      {
                        key: 'media',
                        header: 'Media m²',
                        num: true,
                        cell: (j) => formatNumber(locale, j.mediaAreaM2, 3),
                      },
                      { key: 'pages', header: 'Pages', num: true, cell: (j) => j.pages },
                    ]}
                  />
                )}
              </div>
            ))
          )}
        </details>
      ))}
    </div>
  );
}
