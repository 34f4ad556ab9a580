// Billing: statements (close a period, review), contracts and their prices (contracts.section.tsx),
// exports (exports.section.tsx) and chargeback by account, project or user.
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { DataTable, QueryView } from '../components/data-table';
import { choicesOf, InlineSelect, namedChoices } from '../components/field';
import { Badge, errorMessage } from '../components/states';
import { TabNav, useTab } from '../components/tabs';
import { graphql } from '../gql';
import type {
  BillingPeriodKind,
  ChargebackGroup,
  ChargebackQuery as ChargebackResult,
  StatementStatus,
  StatementsQuery as StatementsResult,
} from '../gql/graphql';
import { formatDateTime, formatMoneyMinor, formatNumber, formatQuantity } from '../lib/format';
import { chargebackCsv } from '../lib/chargeback';
import { saveText } from '../lib/csv';
import { isPeriodKey, monthKey, recentPeriods, runStatus } from '../lib/periods';
import { can } from '../lib/roles';
import { locale, useSession } from '../lib/use-session';
import { Contracts, ContractsQuery } from './contracts.section';
import { Exports } from './exports.section';
import { FilterOptionsQuery } from './fleet.page';

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

const ChargebackQuery = graphql(`
  query Chargeback($customerId: ID!, $period: String!, $groupBy: ChargebackGroup!) {
    chargeback(customerId: $customerId, period: $period, groupBy: $groupBy) {
      periodKey
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

const TABS = {
  statements: 'Statements',
  contracts: 'Contracts',
  export: 'Export',
  chargeback: 'Chargeback',
};

const STATUS_LABEL: Record<StatementStatus, string> = {
  DRAFT: 'Draft',
  APPROVED: 'Approved',
  EXPORTED: 'Exported',
  VOID: 'Void',
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
  const [tab, setTab] = useTab(TABS);
  const session = useSession();
  const [customers] = useQuery({
    query: FilterOptionsQuery,
    variables: { customerId: null, withSites: false },
  });
  const customerList = useMemo(
    () => customers.data?.customers.edges.map((e) => e.node) ?? [],
    [customers.data],
  );
  const customerName = useMemo(() => new Map(customerList.map((c) => [c.id, c.name])), [customerList]);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Billing</h1>
      </div>
      <TabNav label="Billing sections" tabs={TABS} current={tab} onChange={setTab} />
      {tab === 'statements' && <Statements customerName={customerName} />}
      {tab === 'contracts' && (
        <Contracts
          customerName={customerName}
          customers={customerList}
          canManage={can(session?.user.role, 'billing.manage')}
        />
      )}
      {tab === 'export' && <Exports customers={customerList} />}
      {tab === 'chargeback' && (
        // The view picks the first customer: until the list is in it would claim there is none.
        <QueryView result={customers} loading="Loading customers">
          {() => <ChargebackView customers={customerList} />}
        </QueryView>
      )}
    </div>
  );
}

type StatementRow = StatementsResult['statements']['edges'][number]['node'];

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
            <InlineSelect
              label="Status"
              value={status}
              onChange={setStatus}
              none="Any"
              options={choicesOf(STATUS_LABEL)}
            />
          </div>
        </div>
        <QueryView
          result={statements}
          loading="Loading statements"
          retry={() => refetch({ requestPolicy: 'network-only' })}
          isEmpty={(d) => d.statements.edges.length === 0}
          empty={
            period || status
              ? 'No statements match these filters.'
              : 'No statements yet. Close a period above to draft one.'
          }
        >
          {(d) => (
            <DataTable<StatementRow>
              rows={d.statements.edges.map((e) => e.node)}
              rowKey={(s) => s.id}
              columns={[
                {
                  key: 'period',
                  header: 'Period',
                  cell: (s) => (
                    <Link to={`/billing/statements/${s.id}`}>
                      {s.periodKey}
                      {s.version > 1 && ` v${s.version}`}
                    </Link>
                  ),
                },
                {
                  key: 'who',
                  header: 'Customer / contract',
                  cell: (s) => (
                    <>
                      {customerName.get(s.customerId) ?? '—'}
                      <div className="sub">{contractName.get(s.contractId) ?? ''}</div>
                    </>
                  ),
                },
                {
                  key: 'status',
                  header: 'Status',
                  cell: (s) => (
                    <>
                      <Badge tone={statusTone(s.status)}>{s.status.toLowerCase()}</Badge>
                      {!s.complete && <Badge tone="warn">incomplete</Badge>}
                    </>
                  ),
                },
                {
                  key: 'total',
                  header: 'Total',
                  num: true,
                  cell: (s) => formatMoneyMinor(locale, s.totalMinor, s.currency),
                },
                { key: 'generated', header: 'Generated', cell: (s) => formatDateTime(locale, s.generatedAt) },
                { key: 'approved', header: 'Approved', cell: (s) => formatDateTime(locale, s.approvedAt) },
              ]}
            />
          )}
        </QueryView>
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
        <InlineSelect
          label="Contract"
          value={contract?.id ?? ''}
          onChange={setContractId}
          none={`All contracts (${contracts.length})`}
          options={namedChoices(contracts)}
        />
        <InlineSelect
          label="Period"
          value={chosen}
          onChange={setPeriod}
          options={periods.map((p) => ({ value: p, label: p }))}
        />
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

const GROUP_LABEL: Record<ChargebackGroup, string> = { ACCOUNT: 'Account', PROJECT: 'Project', USER: 'User' };
type ChargebackRow = ChargebackResult['chargeback']['rows'][number];

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
  const customerName = customers.find((c) => c.id === chosen)?.name ?? '';
  return (
    <section className="card" aria-labelledby="chargeback">
      <h2 id="chargeback">Chargeback</h2>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
        <InlineSelect
          label="Customer"
          value={chosen}
          onChange={setCustomerId}
          options={namedChoices(customers)}
        />
        <label>
          Period
          <input
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            aria-invalid={!isPeriodKey(period)}
          />
        </label>
        <InlineSelect label="By" value={groupBy} onChange={setGroupBy} options={choicesOf(GROUP_LABEL)} />
      </form>
      {!chosen ? (
        <p className="state empty">No customers yet.</p>
      ) : !isPeriodKey(period) ? (
        <p className="state empty">Enter a period as YYYY-MM or YYYY-Qn.</p>
      ) : (
        <QueryView
          result={result}
          loading="Loading chargeback"
          isEmpty={(d) => d.chargeback.rows.length === 0}
          empty="No jobs in this period."
        >
          {(d) => (
            <>
              <p className="muted small">
                Jobs completed {formatDateTime(locale, d.chargeback.from)} –{' '}
                {formatDateTime(locale, d.chargeback.to)}
                (the period as the customer's contract reads it).{' '}
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    saveText(
                      `chargeback-${customerName.replace(/[^\w.-]+/g, '_')}-${d.chargeback.periodKey}-${groupBy.toLowerCase()}.csv`,
                      chargebackCsv(groupBy, d.chargeback.rows),
                    )
                  }
                >
                  Download this table (CSV)
                </button>
              </p>
              <DataTable<ChargebackRow>
                caption={`Usage by ${GROUP_LABEL[groupBy].toLowerCase()}`}
                captionHidden
                rows={d.chargeback.rows}
                rowKey={(r) => r.key ?? '(none)'}
                columns={[
                  { key: 'key', header: GROUP_LABEL[groupBy], cell: (r) => r.key ?? <em>not set</em> },
                  { key: 'jobs', header: 'Jobs', num: true, cell: (r) => formatNumber(locale, r.jobCount) },
                  {
                    key: 'prints',
                    header: 'Prints / copies',
                    num: true,
                    cell: (r) =>
                      `${formatNumber(locale, r.printCount)} / ${formatNumber(locale, r.copyCount)}`,
                  },
                  {
                    key: 'pages',
                    header: 'Pages',
                    num: true,
                    cell: (r) => formatQuantity(locale, r.pages, 'page'),
                  },
                  {
                    key: 'area',
                    header: 'Media',
                    num: true,
                    cell: (r) => (
                      <>
                        {formatQuantity(locale, r.mediaAreaM2, 'm2')}
                        {r.jobsWithoutMediaArea > 0 && (
                          <div className="sub">
                            {formatNumber(locale, r.jobsWithoutMediaArea)} jobs without area
                          </div>
                        )}
                      </>
                    ),
                  },
                  {
                    key: 'length',
                    header: 'Length',
                    num: true,
                    cell: (r) => formatQuantity(locale, r.mediaLengthM, 'm'),
                  },
                  {
                    key: 'ink',
                    header: 'Ink',
                    num: true,
                    cell: (r) => formatQuantity(locale, r.inkMl, 'ml'),
                  },
                ]}
              />
            </>
          )}
        </QueryView>
      )}
    </section>
  );
}
