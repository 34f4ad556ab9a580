// One customer: details, sites, its printers (register one and show its credential once) and its
// collectors (enrollment tokens, IP ranges, interval, health and last errors).
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { DataTable } from '../components/data-table';
import { Field, FormErrors } from '../components/field';
import {
  Badge,
  Empty,
  EngineState,
  ErrorState,
  errorMessage,
  FormError,
  Loading,
  SecretOnce,
} from '../components/states';
import { graphql } from '../gql';
import type { CustomerDetailQuery } from '../gql/graphql';
import { fieldErrorsOf } from '../lib/field-errors';
import { formatDateTime, formatRelative } from '../lib/format';
import { can } from '../lib/roles';
import { locale, useSession } from '../lib/use-session';

const CustomerQuery = graphql(`
  query CustomerDetail($id: ID!) {
    customer(id: $id) {
      id
      name
      externalRef
      offlineThresholdMinutes
      archivedAt
      sites(first: 200) {
        edges {
          node {
            id
            name
            address
            timeZone
          }
        }
      }
    }
    printers(first: 200, filter: { customerId: $id }) {
      totalCount
      edges {
        node {
          id
          serialNumber
          productName
          productNumber
          engineState
          connectionType
          lastSeenAt
          site {
            id
            name
          }
        }
      }
    }
    collectors(first: 50, filter: { customerId: $id }) {
      edges {
        node {
          id
          hostname
          version
          enrolledAt
          lastSeenAt
          revokedAt
          health {
            lastReportAt
            lastPollAt
            addressesScanned
            printersFound
            printersSeen
            errors {
              at
              message
              address
            }
          }
          config {
            ipRanges
            pollIntervalMinutes
          }
        }
      }
    }
  }
`);

const UpdateCustomerMutation = graphql(`
  mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {
    updateCustomer(id: $id, input: $input) {
      id
      name
      externalRef
      offlineThresholdMinutes
    }
  }
`);
const ArchiveCustomerMutation = graphql(`
  mutation ArchiveCustomer($id: ID!) {
    archiveCustomer(id: $id) {
      id
      archivedAt
    }
  }
`);
const CreateSiteMutation = graphql(`
  mutation CreateSite($input: CreateSiteInput!) {
    createSite(input: $input) {
      id
    }
  }
`);
const RegisterPrinterMutation = graphql(`
  mutation RegisterPrinter($input: RegisterPrinterInput!) {
    registerPrinter(input: $input) {
      printer {
        id
        serialNumber
      }
      credential {
        keyId
        secret
      }
    }
  }
`);
const EnrollmentMutation = graphql(`
  mutation CreateEnrollment($customerId: ID!) {
    createCollectorEnrollment(customerId: $customerId) {
      token
      expiresAt
    }
  }
`);
const RevokeCollectorMutation = graphql(`
  mutation RevokeCollector($collectorId: ID!) {
    revokeCollector(collectorId: $collectorId) {
      id
      revokedAt
    }
  }
`);
const ArchiveCollectorMutation = graphql(`
  mutation ArchiveCollector($collectorId: ID!) {
    archiveCollector(collectorId: $collectorId) {
      id
      archivedAt
    }
  }
`);
const ReenrollCollectorMutation = graphql(`
  mutation ReenrollCollector($collectorId: ID!) {
    reenrollCollector(collectorId: $collectorId) {
      token
      expiresAt
    }
  }
`);
const RotateCollectorMutation = graphql(`
  mutation RotateCollectorCredential($collectorId: ID!, $graceHours: Int) {
    rotateCollectorCredential(collectorId: $collectorId, graceHours: $graceHours) {
      previousValidUntil
      collector {
        id
        revokedAt
      }
    }
  }
`);
const CollectorConfigMutation = graphql(`
  mutation UpdateCollectorConfig($collectorId: ID!, $input: UpdateCollectorConfigInput!) {
    updateCollectorConfig(collectorId: $collectorId, input: $input) {
      id
      config {
        ipRanges
        pollIntervalMinutes
      }
    }
  }
`);

type PrinterRow = CustomerDetailQuery['printers']['edges'][number]['node'];

export default function CustomerPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const manage = can(session?.user.role, 'customers.manage');
  const [result, refetch] = useQuery({ query: CustomerQuery, variables: { id } });
  if (result.error && !result.data)
    return (
      <div className="page">
        <ErrorState error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
      </div>
    );
  if (!result.data) return <Loading label="Loading the customer" />;
  const c = result.data.customer;
  if (!c)
    return (
      <div className="page">
        <h1>Customer not found</h1>
        <Link to="/customers">Back to customers</Link>
      </div>
    );
  const sites = c.sites.edges.map((e) => e.node);
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/customers">Customers</Link> / <span aria-current="page">{c.name}</span>
      </nav>
      <div className="page-head">
        <h1>{c.name}</h1>
        {c.archivedAt && <Badge tone="muted">archived</Badge>}
      </div>
      <div className="grid two">
        <section className="card" aria-labelledby="details">
          <h2 id="details">Details</h2>
          {manage ? (
            <EditCustomer customer={c} />
          ) : (
            <dl className="facts">
              <dt>ERP reference</dt>
              <dd>{c.externalRef ?? '—'}</dd>
              <dt>Offline after</dt>
              <dd>{c.offlineThresholdMinutes ? `${c.offlineThresholdMinutes} min` : 'default'}</dd>
            </dl>
          )}
        </section>
        <section className="card" aria-labelledby="sites">
          <h2 id="sites">Sites</h2>
          {sites.length === 0 ? (
            <Empty>No sites yet.</Empty>
          ) : (
            <ul className="plain">
              {sites.map((s) => (
                <li key={s.id}>
                  <strong>{s.name}</strong>{' '}
                  <span className="sub">{[s.address, s.timeZone].filter(Boolean).join(' · ')}</span>
                </li>
              ))}
            </ul>
          )}
          {manage && <NewSite customerId={c.id} />}
        </section>
      </div>
      <section className="card" aria-labelledby="printers">
        <h2 id="printers">Printers ({result.data.printers.totalCount})</h2>
        {result.data.printers.edges.length === 0 ? (
          <Empty>No printers yet.</Empty>
        ) : (
          <DataTable<PrinterRow>
            compact
            rows={result.data.printers.edges.map((e) => e.node)}
            rowKey={(p) => p.id}
            columns={[
              {
                key: 'serial',
                header: 'Serial number',
                cell: (p) => <Link to={`/fleet/${p.id}`}>{p.serialNumber}</Link>,
              },
              { key: 'model', header: 'Model', cell: (p) => p.productName ?? p.productNumber ?? '—' },
              { key: 'site', header: 'Site', cell: (p) => p.site?.name ?? '—' },
              { key: 'status', header: 'Status', cell: (p) => <EngineState state={p.engineState} /> },
              { key: 'seen', header: 'Last report', cell: (p) => formatRelative(locale, p.lastSeenAt) },
            ]}
          />
        )}
        {manage && <RegisterPrinter customerId={c.id} />}
      </section>
      <section className="card" aria-labelledby="collectors">
        <h2 id="collectors">Data Collectors</h2>
        {result.data.collectors.edges.length === 0 ? (
          <Empty>No collector enrolled for this customer.</Empty>
        ) : (
          result.data.collectors.edges.map(({ node: col }) => (
            <article key={col.id} className="collector" aria-label={`Collector ${col.hostname ?? col.id}`}>
              <h3>
                {col.hostname ?? 'Collector'} <small>{col.version}</small>{' '}
                {col.revokedAt && <Badge tone="bad">revoked {formatDateTime(locale, col.revokedAt)}</Badge>}
              </h3>
              <p className="muted">
                Enrolled {formatDateTime(locale, col.enrolledAt)} · last seen{' '}
                {formatRelative(locale, col.lastSeenAt)} · last poll{' '}
                {col.health.lastPollAt ? formatRelative(locale, col.health.lastPollAt) : 'never'} ·{' '}
                {col.health.printersSeen} printers ({col.health.addressesScanned ?? 0} addresses scanned)
              </p>
              {col.health.errors.length > 0 && (
                <details>
                  <summary>Last errors ({col.health.errors.length})</summary>
                  <ul className="plain">
                    {col.health.errors.map((e, i) => (
                      <li key={i}>
                        {formatDateTime(locale, e.at)} {e.address && <code>{e.address}</code>} {e.message}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              {can(session?.user.role, 'collectors.manage') ? (
                <>
                  <CollectorConfig
                    id={col.id}
                    ipRanges={col.config.ipRanges}
                    interval={col.config.pollIntervalMinutes}
                  />
                  <CollectorLifecycle id={col.id} revoked={!!col.revokedAt} />
                </>
              ) : (
                <p>
                  Ranges: {col.config.ipRanges.join(', ') || 'none'} · every {col.config.pollIntervalMinutes}{' '}
                  min
                </p>
              )}
            </article>
          ))
        )}
        {can(session?.user.role, 'collectors.manage') && <Enroll customerId={c.id} />}
      </section>
    </div>
  );
}

function EditCustomer({
  customer,
}: {
  customer: {
    id: string;
    name: string;
    externalRef?: string | null;
    offlineThresholdMinutes?: number | null;
  };
}) {
  const [name, setName] = useState(customer.name);
  const [externalRef, setExternalRef] = useState(customer.externalRef ?? '');
  const [threshold, setThreshold] = useState(customer.offlineThresholdMinutes?.toString() ?? '');
  const [result, update] = useMutation(UpdateCustomerMutation);
  const [archiving, archive] = useMutation(ArchiveCustomerMutation);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void update({
          id: customer.id,
          input: {
            name: name.trim(),
            externalRef: externalRef.trim() || null,
            offlineThresholdMinutes: threshold ? Number(threshold) : null,
          },
        });
      }}
    >
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        ERP reference
        <input value={externalRef} onChange={(e) => setExternalRef(e.target.value)} />
      </label>
      <label>
        Offline after (minutes without a report; empty: default)
        <input type="number" min={1} value={threshold} onChange={(e) => setThreshold(e.target.value)} />
      </label>
      <div className="row">
        <button type="submit" disabled={result.fetching}>
          Save
        </button>
        <button
          type="button"
          className="danger"
          disabled={archiving.fetching}
          onClick={() => void archive({ id: customer.id })}
        >
          Archive customer
        </button>
      </div>
      <FormError error={result.error ?? archiving.error} />
      {result.data && !result.error && (
        <p role="status" className="success">
          Saved.
        </p>
      )}
    </form>
  );
}

function NewSite({ customerId }: { customerId: string }) {
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [timeZone, setTimeZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [result, create] = useMutation(CreateSiteMutation);
  return (
    <form
      className="stack"
      aria-label="New site"
      onSubmit={(e) => {
        e.preventDefault();
        void create({
          input: { customerId, name: name.trim(), address: address.trim() || null, timeZone },
        }).then((r) => {
          if (!r.error) setName('');
        });
      }}
    >
      <h3>Add a site</h3>
      <label>
        Site name
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Address
        <input value={address} onChange={(e) => setAddress(e.target.value)} />
      </label>
      <label>
        Time zone (IANA)
        <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
      </label>
      <button type="submit" className="secondary" disabled={result.fetching}>
        Add site
      </button>
      <FormError error={result.error} />
    </form>
  );
}

function RegisterPrinter({ customerId }: { customerId: string }) {
  const [serialNumber, setSerial] = useState('');
  const [productNumber, setProduct] = useState('');
  const [productName, setName] = useState('');
  const [result, register] = useMutation(RegisterPrinterMutation);
  const issued = result.data?.registerPrinter;
  return (
    <form
      className="inline-form"
      aria-label="Register a direct-connect printer"
      onSubmit={(e) => {
        e.preventDefault();
        void register({
          input: {
            customerId,
            serialNumber: serialNumber.trim(),
            productNumber: productNumber.trim(),
            productName: productName.trim() || null,
          },
        });
      }}
    >
      <label>
        Serial number
        <input required value={serialNumber} onChange={(e) => setSerial(e.target.value)} />
      </label>
      <label>
        Product number
        <input required value={productNumber} onChange={(e) => setProduct(e.target.value)} />
      </label>
      <label>
        Product name
        <input value={productName} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" disabled={result.fetching}>
        Register printer
      </button>
      <FormError error={result.error} />
      {issued && (
        <SecretOnce
          label={`Credential for ${issued.printer.serialNumber} (key ${issued.credential.keyId})`}
          value={issued.credential.secret}
        />
      )}
    </form>
  );
}

function Enroll({ customerId }: { customerId: string }) {
  const [result, enroll] = useMutation(EnrollmentMutation);
  const issued = result.data?.createCollectorEnrollment;
  return (
    <div className="stack">
      <button
        type="button"
        className="secondary"
        disabled={result.fetching}
        onClick={() => void enroll({ customerId })}
      >
        New enrollment token
      </button>
      <FormError error={result.error} />
      {issued && (
        <SecretOnce
          label={`Enrollment token (valid until ${formatDateTime(locale, issued.expiresAt)})`}
          value={issued.token}
        />
      )}
    </div>
  );
}

function CollectorConfig({ id, ipRanges, interval }: { id: string; ipRanges: string[]; interval: number }) {
  const [ranges, setRanges] = useState(ipRanges.join('\n'));
  const [minutes, setMinutes] = useState(String(interval));
  const [result, update] = useMutation(CollectorConfigMutation);
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void update({
          collectorId: id,
          input: {
            ipRanges: ranges.split(/[\s,]+/).filter(Boolean),
            pollIntervalMinutes: Number(minutes),
          },
        });
      }}
    >
      <label>
        IP ranges (CIDR or from-to, one per line)
        <textarea rows={3} value={ranges} onChange={(e) => setRanges(e.target.value)} />
      </label>
      <label>
        Poll every (minutes, 30-1440)
        <input
          type="number"
          min={30}
          max={1440}
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
        />
      </label>
      <button type="submit" className="secondary" disabled={result.fetching}>
        Save configuration
      </button>
      <FormError error={result.error} />
      {result.data && !result.error && (
        <p role="status" className="success">
          Saved; the collector picks it up before its next upload.
        </p>
      )}
    </form>
  );
}

/** Grace a rotated collector secret keeps working, as the API bounds it. */
const GRACE_HOURS = { min: 1, max: 720, default: 24 };

/**
 * Rotate the secret (the collector fetches the new one at its next configuration request; the old one
 * works for the grace hours), revoke (ingest refuses it at once), re-enroll with a one-time token, or
 * retire a collector.
 */
function CollectorLifecycle({ id, revoked }: { id: string; revoked: boolean }) {
  const [revoking, revoke] = useMutation(RevokeCollectorMutation);
  const [archiving, archive] = useMutation(ArchiveCollectorMutation);
  const [reenrolling, reenroll] = useMutation(ReenrollCollectorMutation);
  const [rotating, rotate] = useMutation(RotateCollectorMutation);
  const [grace, setGrace] = useState(String(GRACE_HOURS.default));
  const busy = revoking.fetching || archiving.fetching || reenrolling.fetching || rotating.fetching;
  const issued = reenrolling.data?.reenrollCollector;
  const rotated = rotating.data?.rotateCollectorCredential;
  const graceHours = Number(grace);
  const graceOk =
    Number.isInteger(graceHours) && graceHours >= GRACE_HOURS.min && graceHours <= GRACE_HOURS.max;
  const rotateErrors = fieldErrorsOf(rotating.error, (f) => f === 'graceHours');
  return (
    <div className="stack">
      {!revoked && (
        <form
          className="inline-form"
          aria-label="Rotate the collector's secret"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (graceOk) void rotate({ collectorId: id, graceHours });
          }}
        >
          <Field
            label="Old secret keeps working for (hours)"
            error={
              graceOk
                ? rotateErrors.graceHours
                : `a whole number from ${GRACE_HOURS.min} to ${GRACE_HOURS.max}`
            }
          >
            {(a) => (
              <input
                {...a}
                type="number"
                min={GRACE_HOURS.min}
                max={GRACE_HOURS.max}
                value={grace}
                onChange={(e) => setGrace(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="secondary" disabled={busy || !graceOk}>
            Rotate secret
          </button>
        </form>
      )}
      {rotated && !rotating.error && (
        <p role="status" className="success">
          New secret issued: the collector fetches it at its next configuration request; the current one stops
          working {formatDateTime(locale, rotated.previousValidUntil)}.
        </p>
      )}
      <div className="row">
        {!revoked && (
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => {
              if (
                window.confirm('Revoke every credential of this collector? Its uploads are refused at once.')
              )
                void revoke({ collectorId: id });
            }}
          >
            Revoke credentials
          </button>
        )}
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => void reenroll({ collectorId: id })}
        >
          Re-enrollment token
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            if (window.confirm('Retire this collector? Its credentials are revoked; its printers stay.'))
              void archive({ collectorId: id });
          }}
        >
          Retire collector
        </button>
      </div>
      <FormErrors
        messages={[
          rotateErrors[''],
          revoking.error && errorMessage(revoking.error),
          archiving.error && errorMessage(archiving.error),
          reenrolling.error && errorMessage(reenrolling.error),
        ]}
      />
      {issued && (
        <SecretOnce
          label={`Re-enrollment token (valid until ${formatDateTime(locale, issued.expiresAt)})`}
          value={issued.token}
        />
      )}
    </div>
  );
}
