// The two benchmark scenarios as GraphQL documents for each server, and a normaliser per answer so the
// benchmark can prove both servers return the same rows before it measures how fast they do.
// PostGraphile's names come from its v4 inflection (allPrinters, customerByCustomerId, ...); the
// connection-filter plugin supplies the "status <> RESOLVED" and completed-at range filters.

export type ServerKind = 'plotmeter' | 'postgraphile';

export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
}

/** The fleet page from the architecture's performance target: 100 printers with their parts. */
export const FLEET_QUERY: Record<ServerKind, string> = {
  plotmeter: `query Fleet {
  printers(first: 100) {
    edges { node {
      customer { name }
      cartridges { color }
      printheads { status }
      openAlerts(first: 5) { edges { node { code } } }
    } }
  }
}`,
  // Same rows and order as ours: archived printers hidden, serial number order, installed parts only,
  // open alerts newest first (raised_at, then id).
  postgraphile: `query Fleet {
  allPrinters(first: 100, orderBy: [SERIAL_NUMBER_ASC, ID_ASC], condition: { archivedAt: null }) {
    edges { node {
      customerByCustomerId { name }
      cartridgesByPrinterId(orderBy: [SLOT_ASC, COLOR_ASC], condition: { removedAt: null }) { nodes { color } }
      printheadsByPrinterId(orderBy: [SLOT_ASC], condition: { removedAt: null }) { nodes { status } }
      alertsByPrinterId(first: 5, orderBy: [RAISED_AT_DESC, ID_DESC], filter: { status: { notEqualTo: "RESOLVED" } }) {
        edges { node { code } }
      }
    } }
  }
}`,
};

/** A page of one customer's jobs in one month, newest first. */
export const JOBS_QUERY: Record<ServerKind, string> = {
  plotmeter: `query Jobs($customerId: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  jobs(first: 100, filter: { customerId: $customerId, from: $from, to: $to }) {
    edges { node { id uuid name completedAt pages copies inkTotalMl mediaAreaM2 userName accountId printer { serialNumber } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  postgraphile: `query Jobs($customerId: UUID!, $from: Datetime!, $to: Datetime!) {
  allPrinterJobs(
    first: 100
    orderBy: [COMPLETED_AT_DESC, ID_DESC]
    filter: { customerId: { equalTo: $customerId }, completedAt: { greaterThanOrEqualTo: $from, lessThan: $to } }
  ) {
    edges { node { id uuid name completedAt pages copies inkTotalMl mediaAreaM2 userName accountId printerByPrinterId { serialNumber } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
};

export interface JobsPageVariables {
  customerId: string;
  from: string;
  to: string;
}

/** Every (customer, month) pair, so the load walks through different pages rather than one hot one. */
export function jobsPageVariables(customerIds: string[], monthStarts: Date[]): JobsPageVariables[] {
  const pairs: JobsPageVariables[] = [];
  for (const from of monthStarts) {
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    for (const customerId of customerIds)
      pairs.push({ customerId, from: from.toISOString(), to: to.toISOString() });
  }
  return pairs;
}

/** One printer of the fleet page, in a server-neutral shape. */
export interface FleetRow {
  customer: string;
  cartridges: string[];
  printheads: string[];
  openAlerts: string[];
}

type Json = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object')
    throw new Error(`expected an object with "${key}", got ${JSON.stringify(value)}`);
  return (value as Json)[key];
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected a list of ${what}, got ${JSON.stringify(value)}`);
  return value;
}

/** Throws on GraphQL errors: a benchmark of error responses would measure nothing useful. */
export function dataOf(body: unknown, server: string): Json {
  const errors = field(body, 'errors');
  if (errors) throw new Error(`${server} answered with errors: ${JSON.stringify(errors).slice(0, 500)}`);
  return field(body, 'data') as Json;
}

export function normaliseFleet(kind: ServerKind, data: Json): FleetRow[] {
  if (kind === 'plotmeter') {
    return list(field(field(data, 'printers'), 'edges'), 'printer edges').map((edge) => {
      const node = field(edge, 'node');
      return {
        customer: String(field(field(node, 'customer'), 'name')),
        cartridges: list(field(node, 'cartridges'), 'cartridges').map((c) => String(field(c, 'color'))),
        printheads: list(field(node, 'printheads'), 'printheads').map((p) => String(field(p, 'status'))),
        openAlerts: list(field(field(node, 'openAlerts'), 'edges'), 'alert edges').map((e) =>
          String(field(field(e, 'node'), 'code')),
        ),
      };
    });
  }
  return list(field(field(data, 'allPrinters'), 'edges'), 'printer edges').map((edge) => {
    const node = field(edge, 'node');
    return {
      customer: String(field(field(node, 'customerByCustomerId'), 'name')),
      cartridges: list(field(field(node, 'cartridgesByPrinterId'), 'nodes'), 'cartridges').map((c) =>
        String(field(c, 'color')),
      ),
      printheads: list(field(field(node, 'printheadsByPrinterId'), 'nodes'), 'printheads').map((p) =>
        String(field(p, 'status')),
      ),
      openAlerts: list(field(field(node, 'alertsByPrinterId'), 'edges'), 'alert edges').map((e) =>
        String(field(field(e, 'node'), 'code')),
      ),
    };
  });
}

/** The job ids of a page, in order, plus whether a next page exists. */
export function normaliseJobs(kind: ServerKind, data: Json): { ids: string[]; hasNextPage: boolean } {
  const connection = field(data, kind === 'plotmeter' ? 'jobs' : 'allPrinterJobs');
  return {
    ids: list(field(connection, 'edges'), 'job edges').map((e) => String(field(field(e, 'node'), 'id'))),
    hasNextPage: Boolean(field(field(connection, 'pageInfo'), 'hasNextPage')),
  };
}

export async function postGraphQL(url: string, token: string, request: GraphQLRequest): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(request),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}
