// Customers (the reseller's accounts): search, create.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { Pager, usePager } from '../components/pager';
import { Empty, ErrorState, errorMessage, Loading } from '../components/states';
import { graphql } from '../gql';
import { formatDate } from '../lib/format';
import { can } from '../lib/roles';
import { locale, useSession } from '../lib/use-session';

const CustomersQuery = graphql(`
  query Customers($filter: CustomerFilter, $first: Int, $after: String) {
    customers(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          externalRef
          createdAt
          archivedAt
          sites(first: 1) {
            totalCount
          }
        }
      }
    }
  }
`);

const CreateCustomerMutation = graphql(`
  mutation CreateCustomer($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      id
      name
    }
  }
`);

export default function CustomersPage() {
  const session = useSession();
  const [search, setSearch] = useState('');
  const [archived, setArchived] = useState(false);
  const pager = usePager(`${search}|${archived}`);
  const [result, refetch] = useQuery({
    query: CustomersQuery,
    variables: {
      filter: { search: search.trim() || null, includeArchived: archived },
      first: 50,
      after: pager.after,
    },
  });
  const rows = result.data?.customers.edges ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Customers</h1>
      </div>
      {can(session?.user.role, 'customers.manage') && <NewCustomer />}
      <form
        className="filters"
        role="search"
        aria-label="Filter customers"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Search
          <input
            type="search"
            value={search}
            placeholder="Name or ERP reference"
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> Include
          archived
        </label>
      </form>
      {result.error && !result.data ? (
        <ErrorState error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !result.data ? (
        <Loading label="Loading customers" />
      ) : rows.length === 0 ? (
        <Empty>No customers match.</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">ERP reference</th>
                  <th scope="col">Sites</th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ node: c }) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/customers/${c.id}`}>{c.name}</Link>
                      {c.archivedAt && <div className="sub">archived</div>}
                    </td>
                    <td>{c.externalRef ?? '—'}</td>
                    <td>{c.sites.totalCount}</td>
                    <td>{formatDate(locale, c.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            page={pager.page}
            total={result.data.customers.totalCount}
            noun="customers"
            hasNext={result.data.customers.pageInfo.hasNextPage}
            onNext={() => pager.next(result.data?.customers.pageInfo.endCursor)}
            onPrevious={pager.previous}
          />
        </>
      )}
    </div>
  );
}

function NewCustomer() {
  const [name, setName] = useState('');
  const [externalRef, setExternalRef] = useState('');
  const [result, create] = useMutation(CreateCustomerMutation);
  return (
    <form
      className="card inline-form"
      aria-label="New customer"
      onSubmit={(e) => {
        e.preventDefault();
        void create({ input: { name: name.trim(), externalRef: externalRef.trim() || null } }).then((r) => {
          if (!r.error) {
            setName('');
            setExternalRef('');
          }
        });
      }}
    >
      <label>
        New customer
        <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="Name" />
      </label>
      <label>
        ERP reference
        <input value={externalRef} onChange={(e) => setExternalRef(e.target.value)} />
      </label>
      <button type="submit" disabled={result.fetching}>
        Create
      </button>
      {result.error && (
        <span role="alert" className="form-error">
          {errorMessage(result.error)}
        </span>
      )}
    </form>
  );
}
