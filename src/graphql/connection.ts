// Relay cursor connections with keyset pagination: cursors encode the sort value and the row id, so
// page N costs the same as page 1 at 10 million rows (no OFFSET). totalCount runs only when asked for.
import { GraphQLError } from 'graphql';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { SIMPLE_FIELDS } from './simple-fields';
import { isUuid } from '../lib/ids';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}` }) first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}` }) last?: number | null;
  @Field(() => String, { nullable: true }) before?: string | null;
}

@ObjectType(SIMPLE_FIELDS)
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface EdgeShape<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: EdgeShape<T>[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function Connection<T extends object>(Node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, SIMPLE_FIELDS)
  class Edge {
    @Field() cursor!: string;
    @Field(() => Node) node!: T;
  }

  @ObjectType(`${name}Connection`, SIMPLE_FIELDS)
  class ConnectionType {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'Number of items matching the filter, across all pages' })
    totalCount!: number;
  }
  return ConnectionType;
}

export interface PageRequest {
  limit: number;
  /** Walking backwards (last/before): the query runs in reverse order and the page is flipped back. */
  backwards: boolean;
  cursor: [unknown, string] | null;
}

export function pageRequest(args: ConnectionArgs): PageRequest {
  if (args.first != null && args.last != null) throw badInput('Use either first or last, not both', 'first');
  for (const [name, value] of [
    ['first', args.first],
    ['last', args.last],
  ] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE))
      throw badInput(`${name} must be between 0 and ${MAX_PAGE_SIZE}`, name);
  }
  const backwards = args.last != null || (args.before != null && args.first == null);
  const limit = (backwards ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
  const raw = backwards ? args.before : args.after;
  return { limit, backwards, cursor: raw ? decodeCursor(raw, backwards ? 'before' : 'after') : null };
}

export function encodeCursor(sortValue: unknown, id: string): string {
  const value = sortValue instanceof Date ? { d: sortValue.toISOString() } : sortValue;
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

/** A sort value a cursor may carry: what encodeCursor writes, nothing else reaches SQL. */
function cursorSortValue(raw: unknown): { ok: boolean; value: unknown } {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return { ok: true, value: raw };
  if (typeof raw === 'number') return { ok: Number.isFinite(raw), value: raw };
  if (raw && typeof raw === 'object' && 'd' in raw && typeof (raw as { d: unknown }).d === 'string') {
    const date = new Date((raw as { d: string }).d);
    return { ok: !Number.isNaN(date.getTime()), value: date };
  }
  return { ok: false, value: undefined };
}

/**
 * The (sort value, row id) of a cursor. Anything but a cursor this API wrote is BAD_USER_INPUT naming
 * the argument: the id must be a UUID and the sort value a string, number, boolean, null or date. (A
 * cursor of another connection that passes these checks but does not fit this one's ordering is
 * refused by the database as a data exception, which the error formatter reports the same way.)
 */
export function decodeCursor(cursor: string, argument = 'after'): [unknown, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && isUuid(parsed[1])) {
      const sort = cursorSortValue(parsed[0]);
      if (sort.ok) return [sort.value, parsed[1]];
    }
  } catch {
    // fall through
  }
  throw badInput(`${argument}: not a valid cursor (use a cursor returned by this connection)`, argument);
}

/**
 * Runs a keyset page: `fetch(where, limit + 1)` must return rows ordered by (sortValue, id) in the
 * given direction; the extra row tells whether another page exists.
 */
export async function keysetPage<T>(
  request: PageRequest,
  sortValueOf: (row: T) => unknown,
  idOf: (row: T) => string,
  fetch: (cursor: [unknown, string] | null, reverse: boolean, limit: number) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<ConnectionShape<T>> {
  const rows = request.limit === 0 ? [] : await fetch(request.cursor, request.backwards, request.limit + 1);
  let memo: Promise<number> | undefined;
  return { ...pageOf(request, rows, sortValueOf, idOf), totalCount: () => (memo ??= count()) };
}

/** The page of `rows` (fetched as keysetPage fetches: up to limit + 1, in query order). */
export function pageOf<T>(
  request: PageRequest,
  rows: T[],
  sortValueOf: (row: T) => unknown,
  idOf: (row: T) => string,
): Omit<ConnectionShape<T>, 'totalCount'> {
  const hasMore = rows.length > request.limit;
  const page = rows.slice(0, request.limit);
  if (request.backwards) page.reverse();
  const edges = page.map((node) => new LazyCursorEdge(node, sortValueOf, idOf));
  return {
    edges,
    pageInfo: {
      hasNextPage: request.backwards ? request.cursor !== null : hasMore,
      hasPreviousPage: request.backwards ? hasMore : request.cursor !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** An edge whose cursor is encoded only when read: most pages ask for endCursor, not every edge's. */
class LazyCursorEdge<T> implements EdgeShape<T> {
  private encoded: string | undefined;

  constructor(
    readonly node: T,
    private readonly sortValueOf: (row: T) => unknown,
    private readonly idOf: (row: T) => string,
  ) {}

  get cursor(): string {
    return (this.encoded ??= encodeCursor(this.sortValueOf(this.node), this.idOf(this.node)));
  }
}

/**
 * The object a connection resolver returns. totalCount is a lazy thenable: GraphQL awaits it only when
 * the query selects totalCount, so a COUNT(*) over millions of jobs runs only for clients that ask.
 */
export function asConnection<T>(shape: ConnectionShape<T>): {
  edges: EdgeShape<T>[];
  pageInfo: PageInfo;
  totalCount: number;
} {
  const lazyCount = {
    then: (resolve: (n: number) => unknown, reject: (e: unknown) => unknown) =>
      shape.totalCount().then(resolve, reject),
  };
  return { edges: shape.edges, pageInfo: shape.pageInfo, totalCount: lazyCount as unknown as number };
}

function badInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}
