// A GraphQL selection over the read model (read-model.ts) as one SQL expression that builds its JSON
// answer in PostgreSQL: json_build_object keyed by response keys (aliases included, in selection
// order), correlated subqueries for related rows. Anything the read model does not describe — or a
// directive, an argument out of range, a field with its own authorization — makes compilation give up
// (NotCompiled), and the document takes the ordinary path.
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
  Kind,
  getArgumentValues,
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { READ_MODEL, type FieldSource } from './read-model';

/** Thrown (and caught by the caller) when a selection is outside what this path compiles. */
export class NotCompiled extends Error {}

export function notCompiled(why: string): never {
  throw new NotCompiled(why);
}

/** json_build_object takes at most 100 arguments, i.e. 50 keys. */
const MAX_KEYS = 50;

export interface CompileInput {
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** "Type.field" of fields with field-level authorization or middleware (never compiled). */
  guarded: ReadonlySet<string>;
}

/** Fields of a selection set grouped by response key (as graphql-js merges them), in order. */
export function collectFields(
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  fragments: Record<string, FragmentDefinitionNode>,
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.directives?.length) notCompiled('directive');
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = fields.get(key);
        if (list) list.push(selection);
        else fields.set(key, [selection]);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      if (!fragment) notCompiled('unknown fragment');
      if (fragment.directives?.length) notCompiled('directive');
      const condition = fragment.typeCondition?.name.value;
      if (condition && condition !== type.name) notCompiled('fragment on another type');
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (seen.has(selection.name.value)) continue;
        seen.add(selection.name.value);
      }
      visit(fragment.selectionSet, seen);
    }
  };
  for (const set of sets) visit(set, new Set());
  return fields;
}

export function subSelections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A JSON object from (key, SQL) pairs. */
export function jsonObject(entries: ReadonlyArray<readonly [string, string]>): string {
  if (entries.length > MAX_KEYS) notCompiled('too many fields');
  return `json_build_object(${entries.map(([k, v]) => `${quote(k)}, ${v}`).join(', ')})`;
}

/** How a scalar column becomes its GraphQL serialisation, decided by the field's GraphQL type. */
function leafSql(value: string, type: GraphQLOutputType): string {
  const named = getNamedType(type);
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (isListType(getNullableType(nullable.ofType))) notCompiled('nested list');
    // Stored as a jsonb array (or null, which the resolvers answer as an empty list).
    return isNonNullType(type) ? `coalesce(to_jsonb(${value}), '[]'::jsonb)` : `to_jsonb(${value})`;
  }
  if (isEnumType(named)) {
    // The enum's internal values are what the database stores; GraphQL answers with the names.
    const cases = named.getValues().map((v) => `when ${quote(String(v.value))} then ${quote(v.name)}`);
    return `(case ${value} ${cases.join(' ')} end)`;
  }
  if (named.name === 'DateTimeISO')
    return `to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  if (['ID', 'String', 'Int', 'Float', 'Boolean', 'JSON'].includes(named.name)) return value;
  return notCompiled(`scalar ${named.name}`);
}

export class SelectionCompiler {
  private aliases = 0;

  constructor(private readonly input: CompileInput) {}

  /** A fresh table alias for a subquery. */
  alias(): string {
    return `t${++this.aliases}`;
  }

  /** The JSON object for `nodes`' selection on a row of `type` aliased `row`. */
  object(type: GraphQLObjectType, nodes: readonly FieldNode[], row: string): string {
    const model = READ_MODEL[type.name];
    if (!model) notCompiled(`type ${type.name}`);
    const entries: Array<[string, string]> = [];
    for (const [key, fieldNodes] of collectFields(type, subSelections(nodes), this.input.fragments)) {
      const name = fieldNodes[0]!.name.value;
      if (name === '__typename') {
        entries.push([key, quote(type.name)]);
        continue;
      }
      const field = type.getFields()[name];
      const source = model.fields[name];
      if (!field || !source) notCompiled(`field ${type.name}.${name}`);
      if (this.input.guarded.has(`${type.name}.${name}`)) notCompiled(`guarded ${type.name}.${name}`);
      entries.push([key, this.field(field, source, fieldNodes, row)]);
    }
    return jsonObject(entries);
  }

  private field(
    field: GraphQLField<unknown, unknown>,
    source: FieldSource,
    nodes: readonly FieldNode[],
    row: string,
  ): string {
    if (source.kind !== 'firstConnection' && nodes.some((n) => n.arguments?.length)) notCompiled('arguments');
    const objectType = getNamedType(field.type);
    const asObject = (): GraphQLObjectType =>
      isObjectType(objectType) ? objectType : notCompiled(`${field.name} is not an object`);
    switch (source.kind) {
      case 'column':
        return leafSql(`${row}.${source.column}`, field.type);
      case 'expression':
        return leafSql(source.sql(row), field.type);
      case 'embedded':
        return this.object(asObject(), nodes, row);
      case 'one': {
        const t = this.alias();
        return `(select ${this.object(asObject(), nodes, t)} from ${source.table} ${t} where ${source.on(t, row)})`;
      }
      case 'many': {
        const t = this.alias();
        return `coalesce((select json_agg(${this.object(asObject(), nodes, t)} order by ${source.orderBy(t)}) from ${source.table} ${t} where ${source.where(t, row)}), '[]'::json)`;
      }
      case 'jsonArray':
        return this.jsonArray(asObject(), nodes, `${row}.${source.column}`);
      case 'firstConnection':
        return this.firstConnection(field, source, nodes, row);
    }
  }

  /** Elements of a jsonb array as objects whose fields are the elements' keys (as stored). */
  private jsonArray(type: GraphQLObjectType, nodes: readonly FieldNode[], value: string): string {
    const e = this.alias();
    const entries: Array<[string, string]> = [];
    for (const [key, fieldNodes] of collectFields(type, subSelections(nodes), this.input.fragments)) {
      const name = fieldNodes[0]!.name.value;
      if (name === '__typename') entries.push([key, quote(type.name)]);
      else if (!type.getFields()[name] || fieldNodes.some((n) => n.arguments?.length || n.selectionSet))
        notCompiled(`field ${type.name}.${name}`);
      else entries.push([key, `${e}.value -> ${quote(name)}`]);
    }
    return `coalesce((select json_agg(${jsonObject(entries)} order by ${e}.ordinality) from jsonb_array_elements(${value}) with ordinality ${e}), '[]'::json)`;
  }

  /**
   * A connection read with `first` only (e.g. a printer's open alerts): at most first + 1 rows, the
   * extra one telling whether there is a next page; cursors are row ids, as the ordinary resolver's.
   */
  private firstConnection(
    field: GraphQLField<unknown, unknown>,
    source: Extract<FieldSource, { kind: 'firstConnection' }>,
    nodes: readonly FieldNode[],
    row: string,
  ): string {
    const argumentSets = new Set(
      nodes.map((n) => JSON.stringify(getArgumentValues(field, n, this.input.variables))),
    );
    if (argumentSets.size !== 1) notCompiled('differing arguments');
    const args = JSON.parse([...argumentSets][0]!) as Record<string, unknown>;
    if (Object.keys(args).some((k) => k !== 'first')) notCompiled('arguments');
    const first = args.first;
    if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first > source.maxFirst)
      notCompiled('first out of range');
    const connection = getNamedType(field.type) as GraphQLObjectType;
    const t = this.alias();
    const page = `${t}.n <= ${first}`;
    const entries: Array<[string, string]> = [];
    for (const [key, fieldNodes] of collectFields(connection, subSelections(nodes), this.input.fragments)) {
      const name = fieldNodes[0]!.name.value;
      const sub = getNamedType(connection.getFields()[name]?.type ?? connection) as GraphQLObjectType;
      if (name === '__typename') entries.push([key, quote(connection.name)]);
      else if (name === 'totalCount') {
        const c = this.alias();
        entries.push([key, `(select count(*) from ${source.table} ${c} where ${source.where(c, row)})`]);
      } else if (name === 'edges') {
        const edge = collectFields(sub, subSelections(fieldNodes), this.input.fragments);
        const edgeEntries = [...edge].map(([edgeKey, edgeNodes]): [string, string] => {
          const edgeField = edgeNodes[0]!.name.value;
          if (edgeField === '__typename') return [edgeKey, quote(sub.name)];
          if (edgeField === 'cursor') return [edgeKey, `${t}.id`];
          if (edgeField === 'node')
            return [
              edgeKey,
              this.object(getNamedType(sub.getFields().node!.type) as GraphQLObjectType, edgeNodes, t),
            ];
          return notCompiled(`edge field ${edgeField}`);
        });
        entries.push([
          key,
          `coalesce(json_agg(${jsonObject(edgeEntries)} order by ${t}.n) filter (where ${page}), '[]'::json)`,
        ]);
      } else if (name === 'pageInfo') {
        const info = collectFields(sub, subSelections(fieldNodes), this.input.fragments);
        const infoEntries = [...info].map(([infoKey, infoNodes]): [string, string] => {
          switch (infoNodes[0]!.name.value) {
            case '__typename':
              return [infoKey, quote(sub.name)];
            case 'hasNextPage':
              return [infoKey, `count(*) > ${first}`];
            case 'hasPreviousPage':
              return [infoKey, 'false'];
            case 'startCursor':
              return [infoKey, `(array_agg(${t}.id order by ${t}.n) filter (where ${page}))[1]`];
            case 'endCursor':
              return [infoKey, `(array_agg(${t}.id order by ${t}.n desc) filter (where ${page}))[1]`];
            default:
              return notCompiled('pageInfo field');
          }
        });
        entries.push([key, jsonObject(infoEntries)]);
      } else notCompiled(`connection field ${name}`);
    }
    const order = source.orderBy(t);
    // `having true` makes it one aggregate row even when nothing but constants is selected.
    return `(select ${jsonObject(entries)} from (select ${t}.*, row_number() over (order by ${order}) as n from ${source.table} ${t} where ${source.where(t, row)} order by ${order} limit ${first + 1}) ${t} having true)`;
  }
}
