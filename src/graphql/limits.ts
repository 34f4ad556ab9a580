// Query cost controls, run as GraphQL validation rules before anything executes: nesting depth, number
// of aliases, and an estimated cost where list fields multiply by their page size (first/last, or the
// default page size). A query over budget is refused with a message that says by how much.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from './connection';

export const QUERY_LIMITS = { maxDepth: 12, maxAliases: 30, maxCost: 100_000 } as const;

/** The page size a list field asks for: its first/last argument, else the default page size. */
function pageSizeOf(field: FieldNode, variables: Record<string, unknown>): number {
  for (const arg of field.arguments ?? []) {
    if (arg.name.value === 'first' || arg.name.value === 'last') {
      const value = valueOf(arg.value, variables);
      if (typeof value === 'number') return Math.max(1, value);
    }
  }
  return DEFAULT_PAGE_SIZE;
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  return undefined;
}

interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

function measure(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  seen: Set<string>,
): Measure {
  let depth = 0;
  let cost = 0;
  let aliases = 0;
  for (const selection of selectionSet.selections) {
    let inner: Measure = { depth: 0, cost: 0, aliases: 0 };
    if (selection.kind === Kind.FIELD) {
      // Introspection (__schema, __type) is deep by nature and governed by the introspection setting
      // (off in production); counting it would stop GraphiQL and codegen tools from loading the schema.
      if (selection.name.value.startsWith('__')) continue;
      if (selection.alias) aliases += 1;
      // A connection (paged by first/last, or selecting edges) multiplies what is under it by its page size.
      const isConnection =
        (selection.arguments ?? []).some((a) => a.name.value === 'first' || a.name.value === 'last') ||
        (selection.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges') ??
          false);
      const pageSize = isConnection ? pageSizeOf(selection, variables) : 1;
      if (selection.selectionSet) {
        const nested = measure(selection.selectionSet, fragments, variables, seen);
        inner = { depth: nested.depth + 1, cost: 1 + pageSize * nested.cost, aliases: nested.aliases };
      } else {
        inner = { depth: 1, cost: 1, aliases: 0 };
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(selection.selectionSet, fragments, variables, seen);
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (fragment && !seen.has(name))
        inner = measure(fragment.selectionSet, fragments, variables, new Set([...seen, name]));
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
    aliases += inner.aliases;
  }
  return { depth, cost, aliases };
}

export function measureOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): Measure {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  let operation: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    if (
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!operationName || definition.name?.value === operationName)
    )
      operation ??= definition.selectionSet;
  }
  return operation ? measure(operation, fragments, variables, new Set()) : { depth: 0, cost: 0, aliases: 0 };
}

/** Refuses over-budget operations before execution (page sizes often come from variables, so this runs
 * once the operation and its variables are known rather than as a static validation rule). */
export function queryLimitsPlugin(limits = QUERY_LIMITS): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const m = measureOperation(document, request.operationName, request.variables ?? {});
          const problem =
            m.depth > limits.maxDepth
              ? `Query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`
              : m.aliases > limits.maxAliases
                ? `Query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}`
                : m.cost > limits.maxCost
                  ? `Query cost ${m.cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages (first/last)`
                  : null;
          if (problem)
            throw new GraphQLError(problem, {
              extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
            });
        },
      };
    },
  };
}
