// Column projection for the hot read paths: read only the columns the GraphQL selection needs.
// A fleet page reads ~1,300 rows; with `select *` decoding every column of every row (pg's row parser,
// string decoding, date conversion) was a third of the request's CPU (docs/performance.md, "API").
//
// Safe by construction: a selected field maps to columns only when that is known — through the
// entity's own property (MikroORM metadata: same name, its column) or an explicit entry for field
// resolvers. Any other field makes the query read every column, exactly as before. So a field added
// to a GraphQL type later is never served from a row that lacks its column; at worst it is slower.
import type { EntityMetadata } from '@mikro-orm/core';
import {
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';

/** Off: every hot path reads every column again (the projection test compares both ways). */
export const projection = { enabled: true };

/** Every column, as in `select *`. */
export const ALL_COLUMNS = '*';
/** A list of column names, or ALL_COLUMNS. */
export type Columns = readonly string[] | typeof ALL_COLUMNS;

export interface ProjectionSpec {
  /** The entity whose properties map GraphQL fields of the same name to columns. */
  meta: EntityMetadata;
  /** Columns read whatever is selected: the id, keys the loaders group by, pagination sort keys. */
  always: readonly string[];
  /** Fields that are not (or not only) entity properties, e.g. field resolvers: the columns they use. */
  fields?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The columns the current field's selection needs, at `path` below it (e.g. ['edges', 'node'] for a
 * connection, [] for an object or list). Cached per AST node: Apollo reuses parsed documents, so a
 * repeated query (and the same nested field on every row of a page) costs one map lookup.
 */
export function projectedColumns(
  info: GraphQLResolveInfo,
  path: readonly string[],
  spec: ProjectionSpec,
): Columns {
  if (!projection.enabled) return ALL_COLUMNS;
  const key = info.fieldNodes[0]!;
  let perSpec = cache.get(key);
  if (!perSpec) cache.set(key, (perSpec = new Map()));
  const cacheKey = `${spec.meta.className}:${path.join('.')}`;
  const cached = perSpec.get(cacheKey);
  if (cached) return cached;
  const columns = columnsFor(selectedFieldNames(info.fieldNodes, path, info.fragments), spec);
  perSpec.set(cacheKey, columns);
  return columns;
}

const cache = new WeakMap<FieldNode, Map<string, Columns>>();

/** Field names selected below `path`, through fragments; directives are ignored (reading more is safe). */
export function selectedFieldNames(
  fieldNodes: readonly FieldNode[],
  path: readonly string[],
  fragments: Record<string, FragmentDefinitionNode>,
): Set<string> {
  return new Set(selectedFieldNodes(fieldNodes, path, fragments).map((field) => field.name.value));
}

/** The field nodes selected below `path` (e.g. ['edges', 'node']), through fragments. */
export function selectedFieldNodes(
  fieldNodes: readonly FieldNode[],
  path: readonly string[],
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode[] {
  let sets: SelectionSetNode[] = fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  for (const step of path) {
    const next: SelectionSetNode[] = [];
    for (const set of sets)
      collectFields(set, fragments, (field) => {
        if (field.name.value === step && field.selectionSet) next.push(field.selectionSet);
      });
    sets = next;
  }
  const fields: FieldNode[] = [];
  for (const set of sets) collectFields(set, fragments, (field) => fields.push(field));
  return fields;
}

function collectFields(
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visit: (field: FieldNode) => void,
  seen = new Set<string>(),
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) visit(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      collectFields(selection.selectionSet, fragments, visit, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      if (fragment) collectFields(fragment.selectionSet, fragments, visit, seen);
    }
  }
}

export function columnsFor(fields: Set<string>, spec: ProjectionSpec): Columns {
  const columns = new Set(spec.always);
  for (const field of fields) {
    if (field === '__typename') continue;
    const explicit = spec.fields?.[field];
    if (explicit) {
      for (const column of explicit) columns.add(column);
      continue;
    }
    const property = spec.meta.properties[field as keyof typeof spec.meta.properties] as
      { kind?: string; fieldNames?: string[]; persist?: boolean } | undefined;
    // Only a plain column or a many-to-one's foreign key is "the property's column"; anything else
    // (collections, embeddables, virtual properties) is unknown here, so read everything.
    const mapped =
      property && (property.kind === 'scalar' || property.kind === 'm:1') && property.persist !== false;
    if (!mapped || !property.fieldNames?.length) return ALL_COLUMNS;
    for (const column of property.fieldNames) columns.add(column);
  }
  return [...columns].sort();
}

/** SQL for the select list: quoted column names (all known identifiers from metadata) or `*`. */
export function selectList(columns: Columns, alias?: string): string {
  const prefix = alias ? `${alias}.` : '';
  return columns === ALL_COLUMNS ? `${prefix}*` : columns.map((c) => `${prefix}"${c}"`).join(', ');
}

/** A stable key for a column set, for DataLoader keys (different selections must not share rows). */
export function columnsKey(columns: Columns): string {
  return columns === ALL_COLUMNS ? ALL_COLUMNS : columns.join(',');
}

/** Builds a spec per entity once per metadata storage (i.e. once per ORM instance). */
export function specCache<K extends string>(
  build: (meta: (entityName: string) => EntityMetadata) => Record<K, ProjectionSpec>,
): (metadata: { get(entityName: string): EntityMetadata }) => Record<K, ProjectionSpec> {
  const built = new WeakMap<object, Record<K, ProjectionSpec>>();
  return (metadata) => {
    let specs = built.get(metadata);
    if (!specs) built.set(metadata, (specs = build((name) => metadata.get(name))));
    return specs;
  };
}
