// Customers (the reseller's accounts): search, create.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { DataTable, QueryView } from '../components/data-table';
import { ConnectionPager, usePager } from '../components/pager';
import { errorMessage } from '../components/states';
import { graphql } from '../gql';
import type { CustomersQuery as CustomersResult } from '../gql/graphql';
import { formatDate, formatNumber } from '../lib/format';
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

type CustomerRow = CustomersResult['customers']['edges'][number]['node'];

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
      <QueryView
        result={result}
        loading="Loading customers"
        retry={() => refetch({ requestPolicy: 'network-only' })}
        isEmpty={(d) => d.customers.edges.length === 0}
        empty={search ? 'No customers match.' : 'No customers yet.'}
      >
        {(d) => (
          <>
            <DataTable<CustomerRow>
              rows={d.customers.edges.map((e) => e.node)}
              rowKey={(c) => c.id}
              columns={[
                {
                  key: 'name',
                  header: 'Name',
                  cell: (c) => (
                    <>
                      <Link to={`/customers/${c.id}`}>{c.name}</Link>
                      {c.archivedAt && <div className="sub">archived</div>}
                    </>
                  ),
                },
                { key: 'ref', header: 'ERP reference', cell: (c) => c.externalRef ?? '—' },
                {
                  key: 'sites',
                  header: 'Sites',
                  num: true,
                  cell: (c) => formatNumber(locale, c.sites.totalCount),
                },
                { key: 'since', header: 'Since', cell: (c) => formatDate(locale, c.createdAt) },
              ]}
            />
            <ConnectionPager pager={pager} connection={d.customers} noun="customers" />
          </>
        )}
      </QueryView>
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
