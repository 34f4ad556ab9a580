// Billing: statements (close a period, review, export), contracts and chargeback.
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { Badge, Empty, ErrorState, errorMessage, Loading } from '../components/states';
import { graphql } from '../gql';
import type { BillingPeriodKind, ChargebackGroup, Meter, StatementStatus } from '../gql/graphql';
import { downloadExport, type ExportRequest } from '../lib/download';
import { formatDate, formatDateTime, formatMoneyMinor, formatNumber } from '../lib/format';
import { isPeriodKey, monthKey, recentPeriods, runStatus } from '../lib/periods';
import { locale } from '../lib/use-session';
import { FilterOptionsQuery } from './fleet.page';

const ContractsQuery = graphql(`
  query Contracts($filter: ContractFilter) {
    contracts(first: 200, filter: $filter) {
      totalCount
      edges {
        node {
          id
          customerId
          name
          currency
          billingPeriod
          anchorDay
          timeZone
          validFrom
          validTo
          fixedFeeMinor
          archivedAt
          priceLines {
            id
            position
            description
            meter
            unitPriceMinor
            allowance
            tierMode
            tiers {
              upTo
              unitPriceMinor
            }
          }
          printers {
            printerId
            serialNumber
            coveredFrom
            coveredTo
          }
        }
      }
    }
  }
`);

const StatementsQuery = graphql(`
  query Statements($filter: StatementFilter) {
    statements(first: 200, filter: $filter) {
      totalCount
      edges {
        node {
          id
          contractId
          customerId
          periodKey
          version
          status
          currency
          totalMinor
          complete
          generatedAt
          approvedAt
          exportedAt
        }
      }
    }
  }
`);

export const RunFields = graphql(`
  fragment RunFields on ClosePeriodRun {
    id
    periodKey
    state
    total
    processed
    statementIds
    failures {
      contractId
      message
    }
  }
`);

const StartRunMutation = graphql(`
  mutation StartClosePeriodRun($period: String!, $contractIds: [ID!]) {
    startClosePeriodRun(period: $period, contractIds: $contractIds) {
      ...RunFields
    }
  }
`);

const RunQuery = graphql(`
  query ClosePeriodRun($id: ID!) {
    closePeriodRun(id: $id) {
      ...RunFields
    }
  }
`);

/** How often the progress of a running close is asked for. */
const RUN_POLL_MS = 500;

const CreateContractMutation = graphql(`
  mutation CreateContract($input: CreateContractInput!) {
    createContract(input: $input) {
      id
      name
    }
  }
`);

const ArchiveContractMutation = graphql(`
  mutation ArchiveContract($id: ID!) {
    archiveContract(id: $id) {
      id
      archivedAt
    }
  }
`);

const CustomerPrintersQuery = graphql(`
  query CustomerPrinters($customerId: ID!) {
    printers(first: 500, filter: { customerId: $customerId }) {
      edges {
        node {
          id
          serialNumber
          productName
        }
      }
    }
  }
`);

const ChargebackQuery = graphql(`
  query Chargeback($customerId: ID!, $period: String!, $groupBy: ChargebackGroup!) {
    chargeback(customerId: $customerId, period: $period, groupBy: $groupBy) {
      from
      to
      rows {
        key
        jobCount
        printCount
        copyCount
        pages
        mediaAreaM2
        mediaLengthM
        inkMl
        jobsWithoutMediaArea
      }
    }
  }
`);

const TABS = ['statements', 'contracts', 'export', 'chargeback'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABEL: Record<Tab, string> = {
  statements: 'Statements',
  contracts: 'Contracts',
  export: 'Export',
  chargeback: 'Chargeback',
};

export function statusTone(status: StatementStatus) {
  return status === 'DRAFT'
    ? 'warn'
    : status === 'APPROVED'
      ? 'ok'
      : status === 'EXPORTED'
        ? 'info'
        : 'muted';
}

export default function BillingPage() {
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as Tab)
    : 'statements';
  const [customers] = useQuery({
    query: FilterOptionsQuery,
    variables: { customerId: null, withSites: false },
  });
  const customerName = useMemo(
    () => new Map(customers.data?.customers.edges.map(({ node }) => [node.id, node.name])),
    [customers.data],
  );
  return (
    <div className="page">
      <div className="page-head">
        <h1>Billing</h1>
      </div>
      <nav className="tabs" aria-label="Billing sections">
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            className={t === tab ? 'tab active' : 'tab'}
            aria-current={t === tab ? 'page' : undefined}
            onClick={() => setParams({ tab: t })}
          >
            {TAB_LABEL[t]}
          </button>
        ))}
      </nav>
      {tab === 'statements' && <Statements customerName={customerName} />}
      {tab === 'contracts' && (
        <Contracts
          customerName={customerName}
          customers={customers.data?.customers.edges.map((e) => e.node) ?? []}
        />
      )}
      {tab === 'export' && <Export />}
      {tab === 'chargeback' && (
        <ChargebackView customers={customers.data?.customers.edges.map((e) => e.node) ?? []} />
      )}
    </div>
  );
}

function Statements({ customerName }: { customerName: Map<string, string> }) {
  const [period, setPeriod] = useState('');
  const [status, setStatus] = useState<StatementStatus | ''>('');
  const filter = {
    ...(isPeriodKey(period) ? { periodKey: period.trim() } : {}),
    ...(status ? { status } : {}),
  };
  const [statements, refetch] = useQuery({ query: StatementsQuery, variables: { filter } });
  const [contracts] = useQuery({ query: ContractsQuery, variables: { filter: {} } });
  const contractName = new Map(contracts.data?.contracts.edges.map(({ node }) => [node.id, node.name]));
  const rows = statements.data?.statements.edges ?? [];
  return (
    <>
      <ClosePeriod
        contracts={contracts.data?.contracts.edges.map((e) => e.node).filter((c) => !c.archivedAt) ?? []}
        onDone={() => refetch({ requestPolicy: 'network-only' })}
      />
      <section className="card" aria-labelledby="statements">
        <div className="section-head">
          <h2 id="statements">Statements</h2>
          <div className="controls">
            <label>
              Period
              <input
                value={period}
                onChange={(e) => setPeriod(e.target.value)}
                placeholder="YYYY-MM or YYYY-Qn"
                aria-invalid={period !== '' && !isPeriodKey(period)}
              />
            </label>
            <label>
              Status
              <select value={status} onChange={(e) => setStatus(e.target.value as StatementStatus | '')}>
                <option value="">Any</option>
                <option value="DRAFT">Draft</option>
                <option value="APPROVED">Approved</option>
                <option value="EXPORTED">Exported</option>
                <option value="VOID">Void</option>
              </select>
            </label>
          </div>
        </div>
        {statements.error && !statements.data ? (
          <ErrorState error={statements.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : !statements.data ? (
          <Loading label="Loading statements" />
        ) : rows.length === 0 ? (
          <Empty>No statements yet. Close a period above to draft one.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col">Customer / contract</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col">Generated</th>
                  <th scope="col">Approved</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ node: s }) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/billing/statements/${s.id}`}>
                        {s.periodKey}
                        {s.version > 1 && ` v${s.version}`}
                      </Link>
                    </td>
                    <td>
                      {customerName.get(s.customerId) ?? '—'}
                      <div className="sub">{contractName.get(s.contractId) ?? ''}</div>
                    </td>
                    <td>
                      <Badge tone={statusTone(s.status)}>{s.status.toLowerCase()}</Badge>
                      {!s.complete && <Badge tone="warn">incomplete</Badge>}
                    </td>
                    <td className="num">{formatMoneyMinor(locale, s.totalMinor, s.currency)}</td>
                    <td>{formatDateTime(locale, s.generatedAt)}</td>
                    <td>{formatDateTime(locale, s.approvedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function ClosePeriod({
  contracts,
  onDone,
}: {
  contracts: Array<{ id: string; name: string; billingPeriod: BillingPeriodKind }>;
  onDone: () => void;
}) {
  const [contractId, setContractId] = useState('');
  const contract = contracts.find((c) => c.id === contractId);
  const [period, setPeriod] = useState('');
  const kinds = contract ? [contract.billingPeriod] : [...new Set(contracts.map((c) => c.billingPeriod))];
  const periods = kinds.flatMap((kind) => recentPeriods(kind, new Date()));
  const chosen = periods.includes(period) ? period : (periods[0] ?? '');
  const [started, start] = useMutation(StartRunMutation);
  const runId = started.data?.startClosePeriodRun.id;
  const [polled, poll] = useQuery({
    query: RunQuery,
    variables: { id: runId ?? '' },
    pause: !runId,
    requestPolicy: 'network-only',
  });
  const run = polled.data?.closePeriodRun ?? started.data?.startClosePeriodRun;
  const running = !!run && run.state !== 'DONE';
  useEffect(() => {
    if (!running || polled.fetching) return;
    const timer = setTimeout(() => poll({ requestPolicy: 'network-only' }), RUN_POLL_MS);
    return () => clearTimeout(timer);
  }, [running, polled.fetching, polled.data, poll]);
  const finished = run?.state === 'DONE';
  useEffect(() => {
    if (finished) onDone();
  }, [finished]);
  const contractName = new Map(contracts.map((c) => [c.id, c.name]));
  if (!contracts.length) return null;
  return (
    <section className="card" aria-labelledby="close">
      <h2 id="close">Close a period</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start({ period: chosen, contractIds: contract ? [contract.id] : null });
        }}
      >
        <label>
          Contract
          <select value={contract?.id ?? ''} onChange={(e) => setContractId(e.target.value)}>
            <option value="">All contracts ({contracts.length})</option>
            {contracts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Period
          <select value={chosen} onChange={(e) => setPeriod(e.target.value)}>
            {periods.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={started.fetching || running}>
          {started.fetching || running ? 'Closing…' : 'Close period'}
        </button>
      </form>
      {started.error && (
        <p role="alert" className="form-error">
          {errorMessage(started.error)}
        </p>
      )}
      {run && (
        <div className="run-progress">
          <progress
            value={run.processed}
            max={Math.max(run.total, 1)}
            aria-label={`Closing ${run.periodKey}`}
          />
          <p role="status">{runStatus(run)}</p>
        </div>
      )}
      {polled.error && running && (
        <p role="alert" className="form-error">
          Progress unavailable: {errorMessage(polled.error)}
        </p>
      )}
      {finished && run.statementIds.length > 0 && (
        <ul className="links">
          {run.statementIds.map((id, i) => (
            <li key={id}>
              <Link to={`/billing/statements/${id}`}>
                Review the statement{run.statementIds.length > 1 ? ` ${i + 1}` : ''}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {finished && run.failures.length > 0 && (
        <ul className="form-error" aria-label="Contracts not closed">
          {run.failures.map((f) => (
            <li key={f.contractId}>
              {contractName.get(f.contractId) ?? f.contractId}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface LineDraft {
  meter: Meter;
  description: string;
  unitPriceMinor: string;
  allowance: string;
}
const METER_LABEL: Record<Meter, string> = {
  MEDIA_AREA_M2: 'Media area (m²)',
  INK_OEM_ML: 'HP ink (mL)',
  INK_NON_OEM_ML: 'Non-HP ink (mL)',
  SCAN_AREA_M2: 'Scan area (m²)',
  COPY_AREA_M2: 'Copy area (m²)',
  PAGES: 'Pages',
  MEDIA_LENGTH_M: 'Media length (m)',
};

function Contracts({
  customerName,
  customers,
}: {
  customerName: Map<string, string>;
  customers: Array<{ id: string; name: string }>;
}) {
  const [contracts, refetch] = useQuery({ query: ContractsQuery, variables: { filter: {} } });
  const [, archive] = useMutation(ArchiveContractMutation);
  const [creating, setCreating] = useState(false);
  const rows = contracts.data?.contracts.edges ?? [];
  return (
    <>
      <div className="toolbar">
        <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          {creating ? 'Cancel' : 'New contract'}
        </button>
      </div>
      {creating && <NewContract customers={customers} onDone={() => setCreating(false)} />}
      {contracts.error && !contracts.data ? (
        <ErrorState error={contracts.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !contracts.data ? (
        <Loading label="Loading contracts" />
      ) : rows.length === 0 ? (
        <Empty>No contracts yet.</Empty>
      ) : (
        rows.map(({ node: c }) => (
          <section key={c.id} className="card" aria-labelledby={`contract-${c.id}`}>
            <div className="section-head">
              <h2 id={`contract-${c.id}`}>
                {c.name} <small>{customerName.get(c.customerId)}</small>
              </h2>
              {c.archivedAt ? (
                <Badge tone="muted">archived</Badge>
              ) : (
                <button type="button" className="secondary" onClick={() => void archive({ id: c.id })}>
                  Archive
                </button>
              )}
            </div>
            <p className="muted">
              {c.billingPeriod.toLowerCase()} from day {c.anchorDay} ({c.timeZone}) · {c.currency} · valid{' '}
              {formatDate(locale, c.validFrom)} – {c.validTo ? formatDate(locale, c.validTo) : 'open-ended'}
              {c.fixedFeeMinor && ` · fixed fee ${formatMoneyMinor(locale, c.fixedFeeMinor, c.currency)}`}
            </p>
            <table className="data compact">
              <caption className="sr-only">Price lines</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Description</th>
                  <th scope="col">Meter</th>
                  <th scope="col">Allowance</th>
                  <th scope="col">Price per unit</th>
                </tr>
              </thead>
              <tbody>
                {c.priceLines.map((l) => (
                  <tr key={l.id}>
                    <td>{l.position}</td>
                    <td>{l.description ?? '—'}</td>
                    <td>{METER_LABEL[l.meter]}</td>
                    <td>{formatNumber(locale, l.allowance)}</td>
                    <td>
                      {l.tiers.length
                        ? `${l.tierMode.toLowerCase()}: ${l.tiers
                            .map(
                              (t) =>
                                `${t.upTo ? `≤ ${formatNumber(locale, t.upTo)}` : 'above'} ${formatMoneyMinor(locale, t.unitPriceMinor, c.currency)}`,
                            )
                            .join(', ')}`
                        : formatMoneyMinor(locale, l.unitPriceMinor, c.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted small">
              Printers: {c.printers.map((p) => p.serialNumber).join(', ') || 'none'}
            </p>
          </section>
        ))
      )}
    </>
  );
}

function NewContract({
  customers,
  onDone,
}: {
  customers: Array<{ id: string; name: string }>;
  onDone: () => void;
}) {
  const [customerId, setCustomerId] = useState('');
  const [name, setName] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const [billingPeriod, setBillingPeriod] = useState<BillingPeriodKind>('MONTHLY');
  const [validFrom, setValidFrom] = useState(`${monthKey(new Date())}-01`);
  const [fixedFee, setFixedFee] = useState('');
  const [printerIds, setPrinterIds] = useState<string[]>([]);
  const [lines, setLines] = useState<LineDraft[]>([
    { meter: 'MEDIA_AREA_M2', description: 'Printed media, per m²', unitPriceMinor: '', allowance: '0' },
  ]);
  const [printers] = useQuery({
    query: CustomerPrintersQuery,
    variables: { customerId },
    pause: !customerId,
  });
  const [result, create] = useMutation(CreateContractMutation);
  const setLine = (i: number, patch: Partial<LineDraft>) =>
    setLines(lines.map((l, j) => (i === j ? { ...l, ...patch } : l)));
  return (
    <form
      className="card form-grid"
      aria-label="New contract"
      onSubmit={(e) => {
        e.preventDefault();
        void create({
          input: {
            customerId,
            name: name.trim(),
            currency: currency.trim().toUpperCase(),
            billingPeriod,
            validFrom: new Date(`${validFrom}T00:00:00Z`).toISOString(),
            printerIds,
            ...(fixedFee.trim() ? { fixedFeeMinor: fixedFee.trim() } : {}),
            priceLines: lines.map((l) => ({
              meter: l.meter,
              description: l.description.trim() || null,
              unitPriceMinor: l.unitPriceMinor.trim(),
              allowance: l.allowance.trim() || '0',
            })),
          },
        }).then((r) => {
          if (!r.error) onDone();
        });
      }}
    >
      <h2>New contract</h2>
      <label>
        Customer
        <select required value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
          <option value="">Choose…</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Currency (ISO 4217)
        <input required value={currency} maxLength={3} onChange={(e) => setCurrency(e.target.value)} />
      </label>
      <label>
        Period
        <select value={billingPeriod} onChange={(e) => setBillingPeriod(e.target.value as BillingPeriodKind)}>
          <option value="MONTHLY">Monthly</option>
          <option value="QUARTERLY">Quarterly</option>
        </select>
      </label>
      <label>
        Valid from
        <input type="date" required value={validFrom} onChange={(e) => setValidFrom(e.target.value)} />
      </label>
      <label>
        Fixed fee per period (minor units)
        <input inputMode="numeric" value={fixedFee} onChange={(e) => setFixedFee(e.target.value)} />
      </label>
      <fieldset>
        <legend>Printers covered</legend>
        {!customerId ? (
          <p className="muted">Choose a customer first.</p>
        ) : (
          printers.data?.printers.edges.map(({ node: p }) => (
            <label key={p.id} className="check">
              <input
                type="checkbox"
                checked={printerIds.includes(p.id)}
                onChange={(e) =>
                  setPrinterIds(
                    e.target.checked ? [...printerIds, p.id] : printerIds.filter((x) => x !== p.id),
                  )
                }
              />
              {p.serialNumber} <span className="sub">{p.productName}</span>
            </label>
          ))
        )}
      </fieldset>
      <fieldset className="wide">
        <legend>Price lines (prices in minor units per unit, e.g. 4.5 = 4.5 cents)</legend>
        {lines.map((l, i) => (
          <div key={i} className="line-row">
            <label>
              Meter
              <select value={l.meter} onChange={(e) => setLine(i, { meter: e.target.value as Meter })}>
                {(Object.keys(METER_LABEL) as Meter[]).map((m) => (
                  <option key={m} value={m}>
                    {METER_LABEL[m]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Description
              <input value={l.description} onChange={(e) => setLine(i, { description: e.target.value })} />
            </label>
            <label>
              Price
              <input
                required
                inputMode="decimal"
                value={l.unitPriceMinor}
                onChange={(e) => setLine(i, { unitPriceMinor: e.target.value })}
              />
            </label>
            <label>
              Allowance
              <input
                inputMode="decimal"
                value={l.allowance}
                onChange={(e) => setLine(i, { allowance: e.target.value })}
              />
            </label>
            <button
              type="button"
              className="secondary"
              onClick={() => setLines(lines.filter((_, j) => j !== i))}
              disabled={lines.length === 1}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setLines([...lines, { meter: 'INK_OEM_ML', description: '', unitPriceMinor: '', allowance: '0' }])
          }
        >
          Add price line
        </button>
      </fieldset>
      {result.error && (
        <p role="alert" className="form-error wide">
          {errorMessage(result.error)}
        </p>
      )}
      <div className="wide">
        <button type="submit" disabled={result.fetching}>
          Create contract
        </button>
      </div>
    </form>
  );
}

function Export() {
  const [request, setRequest] = useState<ExportRequest>({
    period: monthKey(new Date()),
    format: 'csv',
    status: '',
  });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <section className="card" aria-labelledby="export">
      <h2 id="export">Export statements for your ERP</h2>
      <p className="muted">
        Approved and exported statements of a period, as CSV (RFC 4180) or JSON — the same file an integration
        gets from GET /export/v1/statements.
      </p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setError('');
          setBusy(true);
          downloadExport(request)
            .catch((err: Error) => setError(err.message))
            .finally(() => setBusy(false));
        }}
      >
        <label>
          Period
          <input
            required
            value={request.period}
            onChange={(e) => setRequest({ ...request, period: e.target.value })}
            aria-invalid={!isPeriodKey(request.period)}
            placeholder="YYYY-MM or YYYY-Qn"
          />
        </label>
        <label>
          Format
          <select
            value={request.format}
            onChange={(e) => setRequest({ ...request, format: e.target.value as 'csv' | 'json' })}
          >
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </select>
        </label>
        <label>
          Statements
          <select
            value={request.status}
            onChange={(e) => setRequest({ ...request, status: e.target.value as ExportRequest['status'] })}
          >
            <option value="">Approved and exported</option>
            <option value="APPROVED">Approved only</option>
            <option value="EXPORTED">Exported only</option>
          </select>
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Preparing…' : 'Download'}
        </button>
      </form>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ChargebackView({ customers }: { customers: Array<{ id: string; name: string }> }) {
  const [customerId, setCustomerId] = useState('');
  const [period, setPeriod] = useState(monthKey(new Date()));
  const [groupBy, setGroupBy] = useState<ChargebackGroup>('ACCOUNT');
  const chosen = customerId || customers[0]?.id || '';
  const [result] = useQuery({
    query: ChargebackQuery,
    variables: { customerId: chosen, period: period.trim(), groupBy },
    pause: !chosen || !isPeriodKey(period),
  });
  const rows = result.data?.chargeback.rows ?? [];
  return (
    <section className="card" aria-labelledby="chargeback">
      <h2 id="chargeback">Chargeback</h2>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Customer
          <select value={chosen} onChange={(e) => setCustomerId(e.target.value)}>
            {customers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Period
          <input
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            aria-invalid={!isPeriodKey(period)}
          />
        </label>
        <label>
          By
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as ChargebackGroup)}>
            <option value="ACCOUNT">Account</option>
            <option value="PROJECT">Project</option>
            <option value="USER">User</option>
          </select>
        </label>
      </form>
      {result.error ? (
        <ErrorState error={result.error} />
      ) : result.fetching && !result.data ? (
        <Loading label="Loading chargeback" />
      ) : rows.length === 0 ? (
        <Empty>No jobs in this period.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{groupBy.toLowerCase()}</th>
                <th scope="col" className="num">
                  Jobs
                </th>
                <th scope="col" className="num">
                  Pages
                </th>
                <th scope="col" className="num">
                  Media (m²)
                </th>
                <th scope="col" className="num">
                  Length (m)
                </th>
                <th scope="col" className="num">
                  Ink (mL)
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key ?? '(none)'}>
                  <td>{r.key ?? <em>not set</em>}</td>
                  <td className="num">{formatNumber(locale, r.jobCount)}</td>
                  <td className="num">{formatNumber(locale, r.pages)}</td>
                  <td className="num">{formatNumber(locale, r.mediaAreaM2)}</td>
                  <td className="num">{formatNumber(locale, r.mediaLengthM)}</td>
                  <td className="num">{formatNumber(locale, r.inkMl)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
