// Query cost controls, shared by every transport (HTTP through Apollo, subscriptions over graphql-ws):
//
// 1. Before parsing: the document's size (smaller still for a caller without credentials, who can only
//    sign in) and, while parsing, its token count (graphql's maxTokens). These bound everything after
//    them: validation and the walks below are linear in a document of at most DOCUMENT_LIMITS.maxTokens.
// 2. Once the operation and its variables are known: nesting depth, number of aliases, and an estimated
//    cost where list fields multiply by their page size (first/last, or the default page size).
//
// The cost walk measures each fragment once per operation (memoised), however often it is spread: a
// chain of fragments that each spread the next twice costs 2^n to expand but n to measure.
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

export const DOCUMENT_LIMITS = {
  /** Characters of query text from an authenticated caller (the explorer's introspection is ~3 KB). */
  maxLength: 32_768,
  /** Without credentials only login/refreshToken/logout are answerable, and they are short. */
  anonymousMaxLength: 2_048,
  /** graphql's parser stops past this many tokens (the introspection query has about 400). */
  maxTokens: 3_000,
} as const;

/** Options for graphql's parse(): parsing stops, in linear time, once the token budget is spent. */
export const PARSE_OPTIONS = { maxTokens: DOCUMENT_LIMITS.maxTokens } as const;

const tooLarge = (message: string, status: number) =>
  new GraphQLError(message, { extensions: { code: 'QUERY_TOO_LARGE', http: { status } } });

/**
 * Checked before the document is parsed, once the caller is known (authentication is a cached lookup,
 * far cheaper than parsing and validating an attacker's document). Returns the refusal, or null.
 */
export function documentSizeProblem(source: string, authenticated: boolean): GraphQLError | null {
  if (source.length > DOCUMENT_LIMITS.maxLength)
    return tooLarge(
      `The query is ${source.length} characters long; the limit is ${DOCUMENT_LIMITS.maxLength}`,
      413,
    );
  if (!authenticated && source.length > DOCUMENT_LIMITS.anonymousMaxLength)
    return new GraphQLError(
      `Authentication required: without credentials only sign-in operations of at most ${DOCUMENT_LIMITS.anonymousMaxLength} characters are accepted`,
      { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
    );
  return null;
}

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

export interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

const NOTHING: Measure = { depth: 0, cost: 0, aliases: 0 };

/** One walk of one operation: fragments are measured once and remembered. */
class OperationMeter {
  private readonly fragmentMeasures = new Map<string, Measure>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  fragment(name: string): Measure {
    const known = this.fragmentMeasures.get(name);
    if (known) return known;
    const fragment = this.fragments.get(name);
    // An unknown fragment or a cycle is a validation error reported elsewhere; it adds nothing here.
    if (!fragment || this.inProgress.has(name)) return NOTHING;
    this.inProgress.add(name);
    const measured = this.selectionSet(fragment.selectionSet);
    this.inProgress.delete(name);
    this.fragmentMeasures.set(name, measured);
    return measured;
  }

  selectionSet(selectionSet: SelectionSetNode): Measure {
    let depth = 0;
    let cost = 0;
    let aliases = 0;
    for (const selection of selectionSet.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        // Introspection (__schema, __type) is deep by nature and governed by the introspection setting
        // (off in production); counting it would stop GraphiQL and codegen tools from loading the schema.
        if (selection.name.value.startsWith('__')) continue;
        if (selection.alias) aliases += 1;
        // A connection (paged by first/last, or selecting edges) multiplies what is under it by its page size.
        const isConnection =
          (selection.arguments ?? []).some((a) => a.name.value === 'first' || a.name.value === 'last') ||
          (selection.selectionSet?.selections.some(
            (s) => s.kind === Kind.FIELD && s.name.value === 'edges',
          ) ??
            false);
        const pageSize = isConnection ? pageSizeOf(selection, this.variables) : 1;
        if (selection.selectionSet) {
          const nested = this.selectionSet(selection.selectionSet);
          inner = { depth: nested.depth + 1, cost: 1 + pageSize * nested.cost, aliases: nested.aliases };
        } else {
          inner = { depth: 1, cost: 1, aliases: 0 };
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = this.selectionSet(selection.selectionSet);
      } else {
        inner = this.fragment(selection.name.value);
      }
      depth = Math.max(depth, inner.depth);
      // Saturating: a spread chain can describe more than 2^53 fields; anything past the limit is refused.
      cost = Math.min(cost + inner.cost, Number.MAX_SAFE_INTEGER);
      aliases = Math.min(aliases + inner.aliases, Number.MAX_SAFE_INTEGER);
    }
    return { depth, cost, aliases };
  }
}

export function measureOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): Measure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!operationName || definition.name?.value === operationName)
    )
      operation ??= definition.selectionSet;
  }
  return operation ? new OperationMeter(fragments, variables).selectionSet(operation) : NOTHING;
}

/** The refusal of an over-budget operation, or null when it is within every limit. */
export function operationLimitsProblem(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  limits = QUERY_LIMITS,
): GraphQLError | null {
  const m = measureOperation(document, operationName, variables);
  const problem =
    m.depth > limits.maxDepth
      ? `Query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`
      : m.aliases > limits.maxAliases
        ? `Query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}`
        : m.cost > limits.maxCost
          ? `Query cost ${m.cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages (first/last)`
          : null;
  return problem
    ? new GraphQLError(problem, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } })
    : null;
}
