// The hot pages — `printers` (the fleet page) and `jobs` — answered by SQL that PostgreSQL turns into
// the JSON of each node (compile.ts), sent in ONE round trip together with the tenant settings:
//
//   select set_config('role', 'plotmeter_app', true), set_config('plotmeter.reseller_id', ..., true);
//   select <sort key>, id, json_build_object(...) as n0 from printer where <tenant + filter> ... limit N+1;
//   [select count(*) ... when totalCount is selected]
//
// A multi-statement simple query runs as one implicit transaction, so the role and tenant hold for the
// page exactly as in the ordinary path's explicit transaction: row-level security applies, and the
// WHERE clauses are the ordinary resolvers' own (page-filters.ts). Only whole documents of this shape
// take this path (plan returns null otherwise); everything else runs through graphql-js.
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  Kind,
  getArgumentValues,
  getNamedType,
  getVariableValues,
} from 'graphql';
import type { Principal } from '../../auth/principal';
import { tenantRoleStatement } from '../../db/tenant';
import { type ConnectionArgs, type PageRequest, encodeCursor, pageOf, pageRequest } from '../connection';
import type { JobFilter } from '../../schema/job.type';
import type { PrinterFilter, PrinterOrder } from '../../schema/printer.type';
import { jobConditions, printerConditions, type Conditions } from '../page-filters';
import {
  type CompileInput,
  NotCompiled,
  SelectionCompiler,
  collectFields,
  notCompiled,
  subSelections,
} from './compile';

export interface Statement {
  sql: string;
  params: readonly unknown[];
}

/** A compiled operation: its statements (run as one round trip) and how their rows become `data`. */
export interface SqlJsonPlan {
  statements: Statement[];
  data(results: unknown[][]): Record<string, unknown>;
}

/** A root list this path answers: its table (aliased as the page-filters conditions expect) and order. */
interface RootPage {
  from: string;
  alias: string;
  nodeType: string;
  conditions: Conditions;
  sortColumn: string;
  /** The sort value of a row as the ordinary path's cursors encode it. */
  sortValue(raw: unknown): unknown;
  direction: 'asc' | 'desc';
}

const dateOf = (raw: unknown) => (raw instanceof Date ? raw : new Date(raw as string));

function printersPage(args: Record<string, unknown>, reseller: string | undefined): RootPage {
  const filter = args.filter as PrinterFilter | undefined;
  // Needs the reseller's alert thresholds read first: not a hot page, left to the resolver.
  if (filter?.suppliesLow != null) notCompiled('suppliesLow filter');
  const order = args.orderBy as PrinterOrder | undefined;
  const byCreation = order?.field === 'createdAt';
  return {
    from: 'printer printer',
    alias: 'printer',
    nodeType: 'Printer',
    conditions: printerConditions(reseller, filter),
    sortColumn: byCreation ? 'created_at' : 'serial_number',
    sortValue: byCreation ? dateOf : (raw) => raw,
    direction: order?.direction === 'desc' ? 'desc' : 'asc',
  };
}

function jobsPage(args: Record<string, unknown>, reseller: string | undefined): RootPage {
  return {
    from: 'printer_job j',
    alias: 'j',
    nodeType: 'Job',
    conditions: jobConditions(reseller, args.filter as JobFilter | undefined),
    sortColumn: 'completed_at',
    sortValue: dateOf,
    direction: 'desc',
  };
}

const ROOTS: Record<string, (args: Record<string, unknown>, reseller: string | undefined) => RootPage> = {
  printers: printersPage,
  jobs: jobsPage,
};

export interface PlanInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables: Record<string, unknown>;
  principal: Principal | null;
  /** The caller's reseller filter (tenantScope): undefined for a platform operator. */
  reseller: string | undefined;
  /** "Type.field" of fields with field-level authorization or middleware. */
  guarded: ReadonlySet<string>;
  /** Whether the caller passes the root field's own @Authorized check. */
  authorized(rootField: string): boolean;
}

/** The plan for a hot-page document, or null when it must take the ordinary path. */
export function planSqlJsonPage(input: PlanInput): SqlJsonPlan | null {
  try {
    return plan(input);
  } catch (error) {
    if (error instanceof NotCompiled) return null;
    throw error;
  }
}

function operationOf(document: DocumentNode, name?: string | null): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = name ? operations.find((o) => o.name?.value === name) : operations[0];
  if (!operation || (!name && operations.length > 1)) notCompiled('operation');
  return operation;
}

function plan(input: PlanInput): SqlJsonPlan {
  const operation = operationOf(input.document, input.operationName);
  if (operation.operation !== 'query' || operation.directives?.length) notCompiled('not a query');
  const queryType = input.schema.getQueryType()!;
  const fragments = Object.fromEntries(
    input.document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [],
    ),
  );
  const coerced = getVariableValues(input.schema, operation.variableDefinitions ?? [], input.variables);
  if (coerced.errors) notCompiled('variables');
  const variables = coerced.coerced;
  const roots = [...collectFields(queryType, [operation.selectionSet], fragments)];
  const lists = roots.filter(([, nodes]) => nodes[0]!.name.value !== '__typename');
  if (lists.length !== 1) notCompiled('one root field');
  const [rootKey, rootNodes] = lists[0]!;
  const rootName = rootNodes[0]!.name.value;
  const makePage = ROOTS[rootName];
  const rootField = queryType.getFields()[rootName];
  if (!makePage || !rootField) notCompiled(`root ${rootName}`);
  if (input.guarded.has(`Query.${rootName}`) || !input.authorized(rootName)) notCompiled('authorization');

  const args = getArgumentValues(rootField, rootNodes[0]!, variables);
  let request: PageRequest;
  try {
    request = pageRequest(args as ConnectionArgs);
  } catch {
    return notCompiled('page arguments'); // the resolver reports them
  }
  if (request.limit === 0) notCompiled('empty page');
  const page = makePage(args, input.reseller);
  const compiler = new SelectionCompiler({
    fragments,
    variables,
    guarded: input.guarded,
  } satisfies CompileInput);
  const connectionType = getNamedType(rootField.type) as GraphQLObjectType;
  const connection = collectFields(connectionType, subSelections(rootNodes), fragments);
  const edgeType = getNamedType(connectionType.getFields().edges!.type) as GraphQLObjectType;
  const nodeType = input.schema.getType(page.nodeType) as GraphQLObjectType;

  // One JSON column per distinct node response key under edges.
  const nodeColumns = new Map<string, FieldNode[]>();
  let countSelected = false;
  for (const [, nodes] of connection) {
    const name = nodes[0]!.name.value;
    if (name === 'totalCount') countSelected = true;
    else if (name === 'edges')
      for (const [edgeKey, edgeNodes] of collectFields(edgeType, subSelections(nodes), fragments)) {
        const edgeField = edgeNodes[0]!.name.value;
        if (edgeField === 'node')
          nodeColumns.set(edgeKey, [...(nodeColumns.get(edgeKey) ?? []), ...edgeNodes]);
        else if (edgeField !== 'cursor' && edgeField !== '__typename') notCompiled(`edge field ${edgeField}`);
      }
    else if (name !== 'pageInfo' && name !== '__typename') notCompiled(`connection field ${name}`);
  }
  const nodeKeys = [...nodeColumns.keys()];
  const a = page.alias;
  const select = [
    `${a}.${page.sortColumn} as sort`,
    `${a}.id as id`,
    ...nodeKeys.map((key, i) => `${compiler.object(nodeType, nodeColumns.get(key)!, a)} as n${i}`),
  ].join(', ');
  const dir = request.backwards ? (page.direction === 'asc' ? 'desc' : 'asc') : page.direction;
  const after = request.cursor
    ? ` and (${a}.${page.sortColumn}, ${a}.id) ${dir === 'asc' ? '>' : '<'} (?, ?)`
    : '';
  const statements: Statement[] = [
    tenantRoleStatement(input.principal),
    {
      sql: `select ${select} from ${page.from} where ${page.conditions.sql}${after} order by ${a}.${page.sortColumn} ${dir}, ${a}.id ${dir} limit ?`,
      params: [...page.conditions.params, ...(request.cursor ?? []), request.limit + 1],
    },
  ];
  if (countSelected)
    statements.push({
      sql: `select count(*) as n from ${page.from} where ${page.conditions.sql}`,
      params: page.conditions.params,
    });

  return {
    statements,
    data(results) {
      type Row = Record<string, unknown>;
      const rows = results[1] as Row[];
      const shape = pageOf(
        request,
        rows,
        (row) => page.sortValue(row.sort),
        (row) => row.id as string,
      );
      const total = countSelected ? Number((results[2] as Row[])[0]!.n) : 0;
      const value: Record<string, unknown> = {};
      for (const [key, nodes] of connection) {
        const name = nodes[0]!.name.value;
        if (name === '__typename') value[key] = connectionType.name;
        else if (name === 'totalCount') value[key] = total;
        else if (name === 'pageInfo') {
          const info: Record<string, unknown> = {};
          for (const [infoKey, infoNodes] of collectFields(
            getNamedType(connectionType.getFields().pageInfo!.type) as GraphQLObjectType,
            subSelections(nodes),
            fragments,
          )) {
            const infoField = infoNodes[0]!.name.value;
            info[infoKey] =
              infoField === '__typename'
                ? 'PageInfo'
                : shape.pageInfo[infoField as keyof typeof shape.pageInfo];
          }
          value[key] = info;
        } else {
          const edgeFields = [...collectFields(edgeType, subSelections(nodes), fragments)];
          value[key] = shape.edges.map((edge) => {
            const out: Record<string, unknown> = {};
            for (const [edgeKey, edgeNodes] of edgeFields) {
              const edgeField = edgeNodes[0]!.name.value;
              out[edgeKey] =
                edgeField === '__typename'
                  ? edgeType.name
                  : edgeField === 'cursor'
                    ? encodeCursor(page.sortValue(edge.node.sort), edge.node.id as string)
                    : edge.node[`n${nodeKeys.indexOf(edgeKey)}`];
            }
            return out;
          });
        }
      }
      const data: Record<string, unknown> = {};
      for (const [key, nodes] of roots)
        data[key] =
          nodes[0]!.name.value === '__typename' ? queryType.name : key === rootKey ? value : undefined;
      return data;
    },
  };
}
