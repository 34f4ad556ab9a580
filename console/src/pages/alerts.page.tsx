// The live alerts board: new alerts arrive over the alertRaised subscription (graphql-ws) and the list
// refetches; technicians and admins acknowledge, snooze, assign and resolve.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import { InlineSelect, namedChoices, type Choice } from '../components/field';
import { ConnectionPager, usePager } from '../components/pager';
import { Badge, Empty, ErrorState, errorMessage, Loading, SeverityBadge } from '../components/states';
import { graphql } from '../gql';
import type { AlertStatus, Severity } from '../gql/graphql';
import { assigneeChoices, describeStep } from '../lib/alert-history';
import { enableNotifications, notify, playAlertTone } from '../lib/alert-signals';
import { formatDateTime, formatRelative } from '../lib/format';
import { can } from '../lib/roles';
import { locale, useSession } from '../lib/use-session';
import { FilterOptionsQuery } from './fleet.page';

export const AlertFields = graphql(`
  fragment AlertFields on Alert {
    id
    code
    severity
    status
    message
    component
    source
    raisedAt
    lastSeenAt
    occurrences
    acknowledgedAt
    resolvedAt
    snoozedUntil
    assignedTo {
      id
      name
    }
    history {
      kind
      at
      actor
      by {
        id
        name
      }
      assignee {
        id
        name
      }
      snoozedUntil
    }
    printer {
      id
      serialNumber
      productName
    }
    customer {
      id
      name
    }
  }
`);

const AlertsQuery = graphql(`
  query Alerts($filter: AlertFilter, $first: Int, $after: String) {
    alerts(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...AlertFields
        }
      }
    }
  }
`);

const AlertRaisedSubscription = graphql(`
  subscription AlertRaised($filter: AlertSubscriptionFilter) {
    alertRaised(filter: $filter) {
      ...AlertFields
    }
  }
`);

const AlertUpdatedSubscription = graphql(`
  subscription AlertUpdated {
    alertUpdated {
      ...AlertFields
    }
  }
`);

const AcknowledgeMutation = graphql(`
  mutation AcknowledgeAlert($id: ID!) {
    acknowledgeAlert(id: $id) {
      ...AlertFields
    }
  }
`);
const ResolveMutation = graphql(`
  mutation ResolveAlert($id: ID!) {
    resolveAlert(id: $id) {
      ...AlertFields
    }
  }
`);
const SnoozeMutation = graphql(`
  mutation SnoozeAlert($id: ID!, $until: DateTimeISO) {
    snoozeAlert(id: $id, until: $until) {
      ...AlertFields
    }
  }
`);
const AssignMutation = graphql(`
  mutation AssignAlert($id: ID!, $userId: ID) {
    assignAlert(id: $id, userId: $userId) {
      ...AlertFields
    }
  }
`);

const AssigneesQuery = graphql(`
  query AlertAssignees {
    alertAssignees {
      id
      name
    }
  }
`);

type Person = { id: string; name: string };

const SEVERITIES: Severity[] = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const STATUS_VIEWS: Record<string, AlertStatus[]> = {
  active: ['OPEN', 'ACKNOWLEDGED'],
  open: ['OPEN'],
  acknowledged: ['ACKNOWLEDGED'],
  resolved: ['RESOLVED'],
};

const VIEW_CHOICES: Array<Choice<keyof typeof STATUS_VIEWS & string>> = [
  { value: 'active', label: 'Open and acknowledged' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
];

type AlertRow = NonNullable<ReturnType<typeof useAlerts>['rows']>[number];

function useAlerts(filter: Record<string, unknown>, after: string | null) {
  const [result, refetch] = useQuery({ query: AlertsQuery, variables: { filter, first: 50, after } });
  return { result, refetch, rows: result.data?.alerts.edges.map((e) => e.node) };
}

export default function AlertsPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const minSeverity = (SEVERITIES as string[]).includes(params.get('severity') ?? '')
    ? (params.get('severity') as Severity)
    : null;
  const view = params.get('view') && STATUS_VIEWS[params.get('view')!] ? params.get('view')! : 'active';
  const customerId = params.get('customer') ?? '';
  const printerId = params.get('printer') ?? '';
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const filter = useMemo(
    () => ({
      status: STATUS_VIEWS[view],
      ...(minSeverity ? { minSeverity } : {}),
      ...(customerId ? { customerId } : {}),
      ...(printerId ? { printerId } : {}),
    }),
    [view, minSeverity, customerId, printerId],
  );
  const pager = usePager(JSON.stringify(filter));
  const { result, refetch, rows } = useAlerts(filter, pager.after);
  const [options] = useQuery({
    query: FilterOptionsQuery,
    variables: { customerId: null, withSites: false },
  });
  const [sound, setSound] = useState(false);
  const [notifications, setNotifications] = useState(false);
  const [latest, setLatest] = useState<string>('');

  const subscriptionFilter = useMemo(
    () => ({
      ...(minSeverity ? { minSeverity } : {}),
      ...(customerId ? { customerId } : {}),
      ...(printerId ? { printerId } : {}),
    }),
    [minSeverity, customerId, printerId],
  );
  const [live] = useSubscription(
    { query: AlertRaisedSubscription, variables: { filter: subscriptionFilter } },
    (_previous, data) => {
      const alert = data.alertRaised;
      const text = `${alert.severity.toLowerCase()} alert on ${alert.printer?.serialNumber ?? 'a printer'}: ${alert.message}`;
      setLatest(text);
      if (sound && (alert.severity === 'ERROR' || alert.severity === 'CRITICAL')) playAlertTone();
      if (notifications) notify('Plotmeter alert', text);
      return data;
    },
  );
  useSubscription({ query: AlertUpdatedSubscription });
  const canWork = can(session?.user.role, 'alerts.work');
  const [assignees] = useQuery({ query: AssigneesQuery, pause: !canWork });

  return (
    <div className="page">
      <div className="page-head">
        <h1>Alerts</h1>
        <span className={`live ${live.error ? 'down' : 'up'}`} role="status">
          {live.error ? `Live updates interrupted: ${errorMessage(live.error)}` : 'Live'}
        </span>
      </div>
      <p className="sr-only" aria-live="assertive">
        {latest}
      </p>
      {latest && (
        <p className="banner" role="status">
          Newest: {latest}
        </p>
      )}
      <form className="filters" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <InlineSelect
          label="Show"
          value={view}
          onChange={(shown) => set('view', shown === 'active' ? '' : shown)}
          options={VIEW_CHOICES}
        />
        <InlineSelect
          label="Severity"
          value={minSeverity ?? ''}
          onChange={(severity) => set('severity', severity)}
          none="Any"
          options={SEVERITIES.map((s) => ({ value: s, label: `${s.toLowerCase()} or higher` }))}
        />
        <InlineSelect
          label="Customer"
          value={customerId}
          onChange={(customer) => set('customer', customer)}
          none="All customers"
          options={namedChoices(options.data?.customers.edges.map((e) => e.node) ?? [])}
        />
        {printerId && (
          <button type="button" className="secondary" onClick={() => set('printer', '')}>
            Only one printer — show all
          </button>
        )}
        <label className="check">
          <input type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} /> Sound for
          high severity
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={notifications}
            onChange={(e) => {
              if (e.target.checked) void enableNotifications().then(setNotifications);
              else setNotifications(false);
            }}
          />
          Browser notifications
        </label>
      </form>
      {result.error && !result.data ? (
        <ErrorState error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !rows ? (
        <Loading label="Loading alerts" />
      ) : rows.length === 0 ? (
        <Empty>No alerts match. New ones appear here as they are raised.</Empty>
      ) : (
        <>
          <ul className="alert-list" aria-label="Alerts">
            {rows.map((alert) => (
              <AlertItem
                key={alert.id}
                alert={alert}
                canWork={canWork}
                userId={session?.user.id ?? ''}
                people={assignees.data?.alertAssignees ?? []}
              />
            ))}
          </ul>
          {result.data && <ConnectionPager pager={pager} connection={result.data.alerts} noun="alerts" />}
        </>
      )}
    </div>
  );
}

function AlertItem({
  alert,
  canWork,
  userId,
  people,
}: {
  alert: AlertRow;
  canWork: boolean;
  userId: string;
  people: readonly Person[];
}) {
  const [ack, acknowledge] = useMutation(AcknowledgeMutation);
  const [res, resolve] = useMutation(ResolveMutation);
  const [snz, snooze] = useMutation(SnoozeMutation);
  const [asg, assign] = useMutation(AssignMutation);
  const error = ack.error ?? res.error ?? snz.error ?? asg.error;
  const busy = ack.fetching || res.fetching || snz.fetching || asg.fetching;
  const snoozed = alert.snoozedUntil && Date.parse(alert.snoozedUntil) > Date.now();
  const title = `${alert.code} on ${alert.printer?.serialNumber ?? 'no printer'}`;
  return (
    <li className={`alert-item sev-${alert.severity.toLowerCase()}`} aria-label={title}>
      <div className="alert-main">
        <div className="badges">
          <SeverityBadge severity={alert.severity} />
          <Badge tone={alert.status === 'OPEN' ? 'bad' : alert.status === 'ACKNOWLEDGED' ? 'info' : 'muted'}>
            {alert.status.toLowerCase()}
          </Badge>
          {snoozed && <Badge tone="muted">snoozed until {formatDateTime(locale, alert.snoozedUntil)}</Badge>}
          {alert.assignedTo && (
            <Badge tone="info">
              assigned to {alert.assignedTo.id === userId ? 'you' : alert.assignedTo.name}
            </Badge>
          )}
        </div>
        <strong className="alert-message">{alert.message}</strong>
        <div className="sub">
          <code>{alert.code}</code>
          {alert.component && ` · ${alert.component}`} ·{' '}
          {alert.printer ? (
            <Link to={`/fleet/${alert.printer.id}`}>{alert.printer.serialNumber}</Link>
          ) : (
            'no printer'
          )}
          {alert.customer && ` · ${alert.customer.name}`} · raised {formatRelative(locale, alert.raisedAt)}
          {alert.occurrences > 1 && ` · ${alert.occurrences} occurrences`}
        </div>
        <details className="history">
          <summary>History ({alert.history.length})</summary>
          <ol>
            {alert.history.map((step, i) => (
              <li key={i}>
                <time dateTime={step.at}>{formatDateTime(locale, step.at)}</time>{' '}
                {describeStep(step, userId, (iso) => formatDateTime(locale, iso))}
              </li>
            ))}
            {alert.occurrences > 1 && (
              <li>
                Seen {alert.occurrences} times, last {formatDateTime(locale, alert.lastSeenAt)}
              </li>
            )}
          </ol>
        </details>
      </div>
      {canWork && alert.status !== 'RESOLVED' && (
        <div className="alert-actions" role="group" aria-label={`Actions for ${title}`}>
          {alert.status === 'OPEN' && (
            <button type="button" disabled={busy} onClick={() => void acknowledge({ id: alert.id })}>
              Acknowledge
            </button>
          )}
          <label className="sr-only" htmlFor={`snooze-${alert.id}`}>
            Snooze {title}
          </label>
          <select
            id={`snooze-${alert.id}`}
            disabled={busy}
            value=""
            onChange={(e) => {
              const hours = Number(e.target.value);
              const until = hours > 0 ? new Date(Date.now() + hours * 3_600_000).toISOString() : null;
              void snooze({ id: alert.id, until });
            }}
          >
            <option value="" disabled>
              Snooze…
            </option>
            <option value="1">1 hour</option>
            <option value="4">4 hours</option>
            <option value="24">1 day</option>
            {snoozed && <option value="0">End snooze</option>}
          </select>
          <label className="sr-only" htmlFor={`assign-${alert.id}`}>
            Assign {title}
          </label>
          <select
            id={`assign-${alert.id}`}
            disabled={busy}
            value={alert.assignedTo?.id ?? ''}
            onChange={(e) => void assign({ id: alert.id, userId: e.target.value || null })}
          >
            <option value="">Unassigned</option>
            {assigneeChoices(people, alert.assignedTo, userId).map((p) => (
              <option key={p.id} value={p.id}>
                {p.id === userId ? `Me (${p.name})` : p.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void resolve({ id: alert.id })}
          >
            Resolve
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="form-error">
          {errorMessage(error)}
        </p>
      )}
    </li>
  );
}
