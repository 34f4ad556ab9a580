// Administration → Notifications: alert mail rules, scheduled usage reports and the mail log (with the
// dead-letter list), over the API of docs/notifications.md.
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ACTIONS_HEADER, DataTable, QueryView } from '../components/data-table';
import { choicesOf, InlineSelect, namedChoices } from '../components/field';
import { Badge, Empty, ErrorState, FormError, Loading } from '../components/states';
import { graphql } from '../gql';
import type { ReportFrequency, Severity } from '../gql/graphql';
import { parseAddressList, parseMinutes } from '../lib/address-list';
import { formatDateTime } from '../lib/format';
import { locale } from '../lib/use-session';

const NotificationSetupQuery = graphql(`
  query NotificationSetup {
    notificationRules {
      id
      name
      enabled
      minSeverity
      customerIds
      emails
      userIds
      timeZone
      quietHours {
        start
        end
        overrideMinSeverity
      }
      groupWindowMinutes
      escalateAfterMinutes
      escalationEmails
    }
    reportSchedules {
      id
      customerId
      frequency
      emails
      userIds
      timeZone
      enabled
    }
    customers(first: 500) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

const MailLogQuery = graphql(`
  query MailLog($status: EmailStatus) {
    emailMessages(first: 50, status: $status) {
      id
      kind
      recipient
      subject
      status
      attempts
      lastError
      createdAt
      sentAt
    }
  }
`);

const CreateRuleMutation = graphql(`
  mutation CreateNotificationRule($input: NotificationRuleInput!) {
    createNotificationRule(input: $input) {
      id
    }
  }
`);

const UpdateRuleMutation = graphql(`
  mutation UpdateNotificationRule($id: ID!, $input: NotificationRuleInput!) {
    updateNotificationRule(id: $id, input: $input) {
      id
      enabled
    }
  }
`);

const DeleteRuleMutation = graphql(`
  mutation DeleteNotificationRule($id: ID!) {
    deleteNotificationRule(id: $id)
  }
`);

const CreateScheduleMutation = graphql(`
  mutation CreateReportSchedule($input: CreateReportScheduleInput!) {
    createReportSchedule(input: $input) {
      id
    }
  }
`);

const DeleteScheduleMutation = graphql(`
  mutation DeleteReportSchedule($id: ID!) {
    deleteReportSchedule(id: $id)
  }
`);

const RetryMailMutation = graphql(`
  mutation RetryEmailMessage($id: ID!) {
    retryEmailMessage(id: $id) {
      id
      status
    }
  }
`);

const SEVERITIES: Severity[] = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const FREQUENCY_LABEL: Record<ReportFrequency, string> = { MONTHLY: 'month', WEEKLY: 'week' };
const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export default function NotificationsSection() {
  const [setup, refetch] = useQuery({ query: NotificationSetupQuery });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  if (setup.error && !setup.data) return <ErrorState error={setup.error} retry={reload} />;
  if (!setup.data) return <Loading label="Loading notifications" />;
  const customers = setup.data.customers.edges.map((e) => e.node);
  const customerName = (id: string) => customers.find((c) => c.id === id)?.name ?? id;
  return (
    <>
      <h2>Alert mails</h2>
      <RuleForm customers={customers} onCreated={reload} />
      {setup.data.notificationRules.length === 0 ? (
        <Empty>No alert mail rules: alerts reach technicians only on the live board and webhooks.</Empty>
      ) : (
        setup.data.notificationRules.map((rule) => (
          <RuleCard key={rule.id} rule={rule} customerName={customerName} onChanged={reload} />
        ))
      )}
      <h2>Usage reports</h2>
      <ScheduleForm customers={customers} onCreated={reload} />
      {setup.data.reportSchedules.length === 0 ? (
        <Empty>No scheduled reports.</Empty>
      ) : (
        <ScheduleTable
          schedules={setup.data.reportSchedules}
          customerName={customerName}
          onChanged={reload}
        />
      )}
      <h2>Mail log</h2>
      <MailLog />
    </>
  );
}

type Customer = { id: string; name: string };

function RuleForm({ customers, onCreated }: { customers: Customer[]; onCreated: () => void }) {
  const [created, create] = useMutation(CreateRuleMutation);
  const [draft, setDraft] = useState({
    name: '',
    minSeverity: 'ERROR' as Severity,
    customerId: '',
    emails: '',
    quietStart: '',
    quietEnd: '',
    escalateAfter: '',
    escalationEmails: '',
  });
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<typeof draft>) => setDraft({ ...draft, ...patch });
  return (
    <form
      className="card inline-form"
      aria-label="New alert mail rule"
      onSubmit={(e) => {
        e.preventDefault();
        const emails = parseAddressList(draft.emails);
        const escalationEmails = parseAddressList(draft.escalationEmails);
        const escalateAfter = parseMinutes(draft.escalateAfter);
        const invalid = [...emails.invalid, ...escalationEmails.invalid];
        if (invalid.length) return setProblem(`Not an e-mail address: ${invalid.join(', ')}`);
        if (Number.isNaN(escalateAfter)) return setProblem('Escalate after: whole minutes');
        if (emails.addresses.length === 0) return setProblem('Recipients: at least one address');
        if (Boolean(draft.quietStart) !== Boolean(draft.quietEnd))
          return setProblem('Quiet hours: give both start and end');
        setProblem(null);
        void create({
          input: {
            name: draft.name.trim(),
            minSeverity: draft.minSeverity,
            customerIds: draft.customerId ? [draft.customerId] : [],
            emails: emails.addresses,
            timeZone: browserTimeZone,
            quietHours: draft.quietStart ? { start: draft.quietStart, end: draft.quietEnd } : null,
            escalateAfterMinutes: escalateAfter,
            escalationEmails: escalationEmails.addresses,
          },
        }).then((result) => {
          if (!result.error) {
            set({ name: '', emails: '', escalateAfter: '', escalationEmails: '' });
            onCreated();
          }
        });
      }}
    >
      <label>
        Name
        <input required value={draft.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <InlineSelect
        label="At least"
        value={draft.minSeverity}
        onChange={(minSeverity) => set({ minSeverity })}
        options={SEVERITIES.map((s) => ({ value: s, label: s.toLowerCase() }))}
      />
      <InlineSelect
        label="Customer"
        value={draft.customerId}
        onChange={(customerId) => set({ customerId })}
        none="Any"
        options={namedChoices(customers)}
      />
      <label>
        Recipients
        <input
          value={draft.emails}
          onChange={(e) => set({ emails: e.target.value })}
          placeholder="service@example.com, …"
        />
      </label>
      <label>
        Quiet from
        <input type="time" value={draft.quietStart} onChange={(e) => set({ quietStart: e.target.value })} />
      </label>
      <label>
        until
        <input type="time" value={draft.quietEnd} onChange={(e) => set({ quietEnd: e.target.value })} />
      </label>
      <label>
        Escalate after (min)
        <input
          inputMode="numeric"
          value={draft.escalateAfter}
          onChange={(e) => set({ escalateAfter: e.target.value })}
        />
      </label>
      <label>
        Escalate to
        <input
          value={draft.escalationEmails}
          onChange={(e) => set({ escalationEmails: e.target.value })}
          placeholder="manager@example.com"
        />
      </label>
      <button type="submit" disabled={created.fetching}>
        Add rule
      </button>
      <FormError error={problem ? new Error(problem) : created.error} />
    </form>
  );
}

function RuleCard({
  rule,
  customerName,
  onChanged,
}: {
  rule: {
    id: string;
    name: string;
    enabled: boolean;
    minSeverity: Severity;
    customerIds: string[];
    emails: string[];
    userIds: string[];
    timeZone: string;
    quietHours?: { start: string; end: string; overrideMinSeverity?: Severity | null } | null;
    groupWindowMinutes: number;
    escalateAfterMinutes?: number | null;
    escalationEmails: string[];
  };
  customerName: (id: string) => string;
  onChanged: () => void;
}) {
  const [updating, update] = useMutation(UpdateRuleMutation);
  const [deleting, remove] = useMutation(DeleteRuleMutation);
  const scope = rule.customerIds.length ? rule.customerIds.map(customerName).join(', ') : 'every customer';
  const recipients = [...rule.emails, ...(rule.userIds.length ? [`${rule.userIds.length} user(s)`] : [])];
  return (
    <section className="card" aria-label={`Rule ${rule.name}`}>
      <div className="section-head">
        <h3>{rule.name}</h3>
        <div className="row">
          {rule.enabled ? <Badge tone="ok">on</Badge> : <Badge tone="muted">off</Badge>}
          <button
            type="button"
            className="secondary"
            onClick={() => void update({ id: rule.id, input: { enabled: !rule.enabled } }).then(onChanged)}
          >
            {rule.enabled ? 'Turn off' : 'Turn on'}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => void remove({ id: rule.id }).then(onChanged)}
          >
            Delete
          </button>
        </div>
      </div>
      <p className="muted">
        {rule.minSeverity.toLowerCase()} and above · {scope} · to {recipients.join(', ') || 'nobody'}
        {rule.groupWindowMinutes > 0 && ` · repeats grouped per ${rule.groupWindowMinutes} min`}
        {rule.quietHours && ` · quiet ${rule.quietHours.start}–${rule.quietHours.end} (${rule.timeZone})`}
        {rule.escalateAfterMinutes != null &&
          ` · escalated after ${rule.escalateAfterMinutes} min to ${rule.escalationEmails.join(', ') || 'users'}`}
      </p>
      <FormError error={updating.error ?? deleting.error} />
    </section>
  );
}

function ScheduleForm({ customers, onCreated }: { customers: Customer[]; onCreated: () => void }) {
  const [created, create] = useMutation(CreateScheduleMutation);
  const [customerId, setCustomerId] = useState('');
  const [frequency, setFrequency] = useState<ReportFrequency>('MONTHLY');
  const [emails, setEmails] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      className="card inline-form"
      aria-label="New usage report"
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parseAddressList(emails);
        if (parsed.invalid.length) return setProblem(`Not an e-mail address: ${parsed.invalid.join(', ')}`);
        if (parsed.addresses.length === 0) return setProblem('Recipients: at least one address');
        setProblem(null);
        void create({
          input: { customerId, frequency, emails: parsed.addresses, timeZone: browserTimeZone },
        }).then((result) => {
          if (!result.error) {
            setEmails('');
            onCreated();
          }
        });
      }}
    >
      <InlineSelect
        label="Customer"
        required
        value={customerId}
        onChange={setCustomerId}
        options={[{ value: '', label: 'Choose…', disabled: true }, ...namedChoices(customers)]}
      />
      <InlineSelect
        label="Every"
        value={frequency}
        onChange={setFrequency}
        options={choicesOf(FREQUENCY_LABEL)}
      />
      <label>
        Recipients
        <input value={emails} onChange={(e) => setEmails(e.target.value)} placeholder="buyer@customer.com" />
      </label>
      <button type="submit" disabled={created.fetching || !customerId}>
        Schedule report
      </button>
      <FormError error={problem ? new Error(problem) : created.error} />
    </form>
  );
}

function ScheduleTable({
  schedules,
  customerName,
  onChanged,
}: {
  schedules: Array<{
    id: string;
    customerId: string;
    frequency: ReportFrequency;
    emails: string[];
    timeZone: string;
  }>;
  customerName: (id: string) => string;
  onChanged: () => void;
}) {
  const [deleting, remove] = useMutation(DeleteScheduleMutation);
  return (
    <>
      <DataTable
        compact
        rows={schedules}
        rowKey={(s) => s.id}
        columns={[
          { key: 'customer', header: 'Customer', cell: (s) => customerName(s.customerId) },
          { key: 'every', header: 'Every', cell: (s) => FREQUENCY_LABEL[s.frequency] },
          { key: 'recipients', header: 'Recipients', cell: (s) => s.emails.join(', ') },
          { key: 'zone', header: 'Time zone', cell: (s) => s.timeZone },
          {
            key: 'actions',
            header: ACTIONS_HEADER,
            cell: (s) => (
              <button
                type="button"
                className="danger"
                onClick={() => void remove({ id: s.id }).then(onChanged)}
              >
                Delete
              </button>
            ),
          },
        ]}
      />
      <FormError error={deleting.error} />
    </>
  );
}

function MailLog() {
  const [failedOnly, setFailedOnly] = useState(false);
  const [log, refetch] = useQuery({
    query: MailLogQuery,
    variables: { status: failedOnly ? 'FAILED' : null },
  });
  const [retrying, retry] = useMutation(RetryMailMutation);
  return (
    <>
      <label className="check">
        <input type="checkbox" checked={failedOnly} onChange={(e) => setFailedOnly(e.target.checked)} />
        Failed only (the dead-letter list)
      </label>
      <FormError error={retrying.error} />
      <QueryView
        result={log}
        loading="Loading mails"
        retry={() => refetch({ requestPolicy: 'network-only' })}
        isEmpty={(d) => d.emailMessages.length === 0}
        empty="No mails."
      >
        {(d) => (
          <DataTable
            compact
            rows={d.emailMessages}
            rowKey={(m) => m.id}
            columns={[
              { key: 'created', header: 'Created', cell: (m) => formatDateTime(locale, m.createdAt) },
              { key: 'kind', header: 'Kind', cell: (m) => m.kind.toLowerCase().replace('_', ' ') },
              { key: 'to', header: 'To', cell: (m) => m.recipient },
              { key: 'subject', header: 'Subject', cell: (m) => m.subject },
              {
                key: 'status',
                header: 'Status',
                cell: (m) => (
                  <>
                    <Badge tone={m.status === 'SENT' ? 'ok' : m.status === 'FAILED' ? 'bad' : 'muted'}>
                      {m.status.toLowerCase()}
                    </Badge>
                    {m.lastError && <span className="muted"> {m.lastError}</span>}
                  </>
                ),
              },
              {
                key: 'actions',
                header: ACTIONS_HEADER,
                cell: (m) =>
                  m.status === 'FAILED' && (
                    <button type="button" className="secondary" onClick={() => void retry({ id: m.id })}>
                      Send again
                    </button>
                  ),
              },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
