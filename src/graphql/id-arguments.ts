// Every `ID` in this schema is a UUID. Checking ID arguments (and ID fields of input objects) before
// execution turns `customer(id: "x")` into BAD_USER_INPUT naming the argument, instead of a PostgreSQL
// cast error deep inside a resolver. Runs on every transport, after validation, with the variables.
//
// The walk needs type information, so the ID-bearing arguments of a document are found once per parsed
// document (Apollo and the WebSocket path reuse parsed documents) and only those are coerced per request.
import {
  GraphQLError,
  GraphQLID,
  Kind,
  TypeInfo,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { isUuid } from '../lib/ids';

interface IdArgument {
  node: ArgumentNode;
  type: GraphQLInputType;
}

/** Whether a value of this input type can contain an ID anywhere (memoised per named type). */
function containsId(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named === GraphQLID) return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => containsId(f.type, seen));
}

const perDocument = new WeakMap<DocumentNode, WeakMap<GraphQLSchema, IdArgument[]>>();

function idArgumentsOf(schema: GraphQLSchema, document: DocumentNode): IdArgument[] {
  let bySchema = perDocument.get(document);
  if (!bySchema) perDocument.set(document, (bySchema = new WeakMap()));
  let found = bySchema.get(schema);
  if (found) return found;
  found = [];
  const typeInfo = new TypeInfo(schema);
  const list = found;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const type = typeInfo.getArgument()?.type;
        if (type && containsId(type)) list.push({ node, type });
      },
    }),
  );
  bySchema.set(schema, found);
  return found;
}

/** The first ID in `value` (of `type`) that is not a UUID, with its path, or null. */
function firstBadId(value: unknown, type: GraphQLInputType, path: string): { path: string; value: string } | null {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return firstBadId(value, type.ofType, path);
  if (isListType(type)) {
    if (!Array.isArray(value)) return firstBadId(value, type.ofType, path);
    for (const [i, item] of value.entries()) {
      const bad = firstBadId(item, type.ofType, `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (type === GraphQLID) return typeof value === 'string' && isUuid(value) ? null : { path, value: String(value) };
  if (isInputObjectType(type) && typeof value === 'object') {
    for (const [name, field] of Object.entries(type.getFields())) {
      const bad = firstBadId((value as Record<string, unknown>)[name], field.type, `${path}.${name}`);
      if (bad) return bad;
    }
  }
  return null;
}

/** BAD_USER_INPUT naming the first ID argument that is not a UUID, or null when all are. */
export function invalidIdProblem(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
): GraphQLError | null {
  for (const { node, type } of idArgumentsOf(schema, document)) {
    // Literals and variables alike; a value graphql itself cannot coerce is left to graphql's own error.
    const value = node.value.kind === Kind.NULL ? null : valueFromAST(node.value, type, variables);
    const bad = firstBadId(value, type, node.name.value);
    if (bad) {
      const shown = bad.value.length > 64 ? `${bad.value.slice(0, 64)}…` : bad.value;
      return new GraphQLError(`${bad.path}: expected an id (a UUID), got ${JSON.stringify(shown)}`, {
        extensions: { code: 'BAD_USER_INPUT', field: bad.path, http: { status: 400 } },
      });
    }
  }
  return null;
}
