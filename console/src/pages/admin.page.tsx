// Administration: users and roles, API keys (shown once), webhooks with their delivery history.
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { DataTable, QueryView } from '../components/data-table';
import { Badge, Empty, ErrorState, errorMessage, FormError, Loading, SecretOnce } from '../components/states';
import { TabNav, useTab } from '../components/tabs';
import { graphql } from '../gql';
import type {
  ApiKeysQuery,
  Role,
  UsersQuery as UsersResult,
  WebhookDeliveriesQuery as DeliveriesResult,
  WebhookEventType,
} from '../gql/graphql';
import { formatDateTime, formatRelative } from '../lib/format';
import { ROLE_LABEL } from '../lib/roles';
import NotificationsSection from './notifications.section';
import { locale } from '../lib/use-session';

const UsersQuery = graphql(`
  query Users {
    users {
      id
      email
      name
      role
      createdAt
      lastLoginAt
      disabledAt
    }
  }
`);
const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
    }
  }
`);
const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      id
      role
      disabledAt
    }
  }
`);
const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      id
      name
      prefix
      role
      createdAt
      expiresAt
      revokedAt
      lastUsedAt
    }
  }
`);
const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      key
      apiKey {
        id
        name
      }
    }
  }
`);
const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      revokedAt
    }
  }
`);
const WebhooksQuery = graphql(`
  query Webhooks {
    webhooks {
      id
      url
      eventTypes
      enabled
      consecutiveFailures
      lastError
      lastDeliveryAt
      disabledAt
      createdAt
    }
  }
`);
const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($webhookId: ID!) {
    webhookDeliveries(webhookId: $webhookId, first: 20) {
      id
      eventType
      status
      attempts
      responseStatus
      error
      createdAt
      deliveredAt
    }
  }
`);
const CreateWebhookMutation = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      secret
      webhook {
        id
      }
    }
  }
`);
const UpdateWebhookMutation = graphql(`
  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {
    updateWebhook(id: $id, input: $input) {
      id
      enabled
      disabledAt
    }
  }
`);
const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`);

const ROLES: Role[] = ['ADMIN', 'BILLING', 'TECHNICIAN', 'VIEWER'];
const TABS = {
  users: 'Users',
  keys: 'API keys',
  webhooks: 'Webhooks',
  notifications: 'Notifications',
} as const;

export default function AdminPage() {
  const [tab, setTab] = useTab(TABS);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Administration</h1>
      </div>
      <TabNav label="Administration sections" tabs={TABS} current={tab} onChange={setTab} />
      {tab === 'users' && <Users />}
      {tab === 'keys' && <ApiKeys />}
      {tab === 'webhooks' && <Webhooks />}
      {tab === 'notifications' && <NotificationsSection />}
    </div>
  );
}

function RoleSelect({
  value,
  onChange,
  label,
}: {
  value: Role;
  onChange: (role: Role) => void;
  label?: string;
}) {
  return (
    <select value={value} aria-label={label} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABEL[r]}
        </option>
      ))}
    </select>
  );
}

type UserRow = UsersResult['users'][number];
type DeliveryRow = DeliveriesResult['webhookDeliveries'][number];
type ApiKeyRow = ApiKeysQuery['apiKeys'][number];

function Users() {
  const [users, refetch] = useQuery({ query: UsersQuery });
  const [updating, update] = useMutation(UpdateUserMutation);
  const [creating, create] = useMutation(CreateUserMutation);
  const [draft, setDraft] = useState({ email: '', name: '', role: 'TECHNICIAN' as Role, password: '' });
  return (
    <>
      <form
        className="card inline-form"
        aria-label="New user"
        onSubmit={(e) => {
          e.preventDefault();
          void create({ input: { ...draft, email: draft.email.trim(), name: draft.name.trim() } }).then(
            (r) => {
              if (!r.error) setDraft({ email: '', name: '', role: 'TECHNICIAN', password: '' });
            },
          );
        }}
      >
        <label>
          Email
          <input
            type="email"
            required
            value={draft.email}
            onChange={(e) => setDraft({ ...draft, email: e.target.value })}
          />
        </label>
        <label>
          Name
          <input required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label>
          Role
          <RoleSelect value={draft.role} onChange={(role) => setDraft({ ...draft, role })} />
        </label>
        <label>
          Initial password (12+ characters)
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            value={draft.password}
            onChange={(e) => setDraft({ ...draft, password: e.target.value })}
          />
        </label>
        <button type="submit" disabled={creating.fetching}>
          Add user
        </button>
        <FormError error={creating.error} />
      </form>
      <FormError error={updating.error} />
      <QueryView
        result={users}
        loading="Loading users"
        retry={() => refetch({ requestPolicy: 'network-only' })}
        isEmpty={(d) => d.users.length === 0}
        empty="No users yet."
      >
        {(d) => (
          <DataTable<UserRow>
            rows={d.users}
            rowKey={(u) => u.id}
            columns={[
              { key: 'name', header: 'Name', cell: (u) => u.name },
              { key: 'email', header: 'Email', cell: (u) => u.email },
              {
                key: 'role',
                header: 'Role',
                cell: (u) => (
                  <RoleSelect
                    label={`Role of ${u.name}`}
                    value={u.role}
                    onChange={(role) => void update({ id: u.id, input: { role } })}
                  />
                ),
              },
              { key: 'login', header: 'Last sign-in', cell: (u) => formatRelative(locale, u.lastLoginAt) },
              {
                key: 'access',
                header: 'Access',
                cell: (u) => (
                  <>
                    {u.disabledAt ? <Badge tone="muted">disabled</Badge> : <Badge tone="ok">active</Badge>}{' '}
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void update({ id: u.id, input: { disabled: !u.disabledAt } })}
                    >
                      {u.disabledAt ? 'Enable' : 'Disable'}
                    </button>
                  </>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}

function ApiKeys() {
  const [keys, refetch] = useQuery({ query: ApiKeysQuery });
  const [created, create] = useMutation(CreateApiKeyMutation);
  const [revoking, revoke] = useMutation(RevokeApiKeyMutation);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('VIEWER');
  return (
    <>
      <form
        className="card inline-form"
        aria-label="New API key"
        onSubmit={(e) => {
          e.preventDefault();
          void create({ input: { name: name.trim(), role } });
        }}
      >
        <label>
          Key name
          <input
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. ERP integration"
          />
        </label>
        <label>
          Role
          <RoleSelect value={role} onChange={setRole} />
        </label>
        <button type="submit" disabled={created.fetching}>
          Create key
        </button>
        <FormError error={created.error} />
        {created.data && (
          <SecretOnce
            label={`API key "${created.data.createApiKey.apiKey.name}"`}
            value={created.data.createApiKey.key}
          />
        )}
      </form>
      <FormError error={revoking.error} />
      <QueryView
        result={keys}
        loading="Loading API keys"
        retry={() => refetch({ requestPolicy: 'network-only' })}
        isEmpty={(d) => d.apiKeys.length === 0}
        empty="No API keys."
      >
        {(d) => (
          <DataTable<ApiKeyRow>
            rows={d.apiKeys}
            rowKey={(k) => k.id}
            columns={[
              { key: 'name', header: 'Name', cell: (k) => k.name },
              { key: 'key', header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
              { key: 'role', header: 'Role', cell: (k) => ROLE_LABEL[k.role] },
              { key: 'created', header: 'Created', cell: (k) => formatDateTime(locale, k.createdAt) },
              { key: 'used', header: 'Last used', cell: (k) => formatRelative(locale, k.lastUsedAt) },
              {
                key: 'state',
                header: 'State',
                cell: (k) =>
                  k.revokedAt ? (
                    <Badge tone="muted">revoked</Badge>
                  ) : (
                    <button type="button" className="danger" onClick={() => void revoke({ id: k.id })}>
                      Revoke
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

const EVENT_TYPES: WebhookEventType[] = ['ALERT_RAISED', 'ALERT_UPDATED'];

function Webhooks() {
  const [hooks, refetch] = useQuery({ query: WebhooksQuery });
  const [created, create] = useMutation(CreateWebhookMutation);
  const [updating, update] = useMutation(UpdateWebhookMutation);
  const [deleting, remove] = useMutation(DeleteWebhookMutation);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['ALERT_RAISED']);
  const [open, setOpen] = useState<string | null>(null);
  const error = created.error ?? updating.error ?? deleting.error;
  return (
    <>
      <form
        className="card inline-form"
        aria-label="New webhook"
        onSubmit={(e) => {
          e.preventDefault();
          void create({ input: { url: url.trim(), eventTypes: events } });
        }}
      >
        <label>
          Endpoint URL
          <input
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://"
          />
        </label>
        <fieldset className="checks">
          <legend>Events</legend>
          {EVENT_TYPES.map((t) => (
            <label key={t} className="check">
              <input
                type="checkbox"
                checked={events.includes(t)}
                onChange={(e) => setEvents(e.target.checked ? [...events, t] : events.filter((x) => x !== t))}
              />
              {t === 'ALERT_RAISED' ? 'Alert raised' : 'Alert updated'}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={created.fetching || events.length === 0}>
          Add webhook
        </button>
        {created.data && <SecretOnce label="Signing secret" value={created.data.createWebhook.secret} />}
      </form>
      {error && (
        <p role="alert" className="form-error">
          {errorMessage(error)}
        </p>
      )}
      {hooks.error && !hooks.data ? (
        <ErrorState error={hooks.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !hooks.data ? (
        <Loading label="Loading webhooks" />
      ) : hooks.data.webhooks.length === 0 ? (
        <Empty>No webhooks.</Empty>
      ) : (
        hooks.data.webhooks.map((w) => (
          <section key={w.id} className="card" aria-label={`Webhook ${w.url}`}>
            <div className="section-head">
              <h2 className="wrap">{w.url}</h2>
              <div className="row">
                {w.enabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="bad">disabled</Badge>}
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void update({ id: w.id, input: { enabled: !w.enabled } })}
                >
                  {w.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className="danger" onClick={() => void remove({ id: w.id })}>
                  Delete
                </button>
              </div>
            </div>
            <p className="muted">
              {w.eventTypes.join(', ').toLowerCase()} · last delivery{' '}
              {formatRelative(locale, w.lastDeliveryAt)}
              {w.consecutiveFailures > 0 && ` · ${w.consecutiveFailures} failures in a row`}
              {w.lastError && ` · last error: ${w.lastError}`}
            </p>
            <button
              type="button"
              className="secondary"
              aria-expanded={open === w.id}
              onClick={() => setOpen(open === w.id ? null : w.id)}
            >
              {open === w.id ? 'Hide deliveries' : 'Delivery history'}
            </button>
            {open === w.id && <Deliveries webhookId={w.id} />}
          </section>
        ))
      )}
    </>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const [result] = useQuery({ query: WebhookDeliveriesQuery, variables: { webhookId } });
  return (
    <QueryView
      result={result}
      loading="Loading deliveries"
      isEmpty={(d) => d.webhookDeliveries.length === 0}
      empty="No deliveries yet."
    >
      {(d) => (
        <DataTable<DeliveryRow>
          compact
          rows={d.webhookDeliveries}
          rowKey={(x) => x.id}
          columns={[
            { key: 'created', header: 'Created', cell: (x) => formatDateTime(locale, x.createdAt) },
            { key: 'event', header: 'Event', cell: (x) => x.eventType.toLowerCase() },
            {
              key: 'status',
              header: 'Status',
              cell: (x) => (
                <Badge tone={x.status === 'DELIVERED' ? 'ok' : x.status === 'FAILED' ? 'bad' : 'muted'}>
                  {x.status.toLowerCase()}
                </Badge>
              ),
            },
            { key: 'attempts', header: 'Attempts', num: true, cell: (x) => x.attempts },
            { key: 'response', header: 'Response', cell: (x) => x.responseStatus ?? x.error ?? '—' },
          ]}
        />
      )}
    </QueryView>
  );
}
