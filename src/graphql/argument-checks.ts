// Argument values every resolver would otherwise have to distrust, checked once before execution and
// refused as BAD_USER_INPUT naming the argument (instead of a database error deep inside a resolver):
// - every `ID` in this schema is a UUID (`customer(id: "x")`), in arguments and input-object fields;
// - no string may contain a NUL character: PostgreSQL text cannot hold one, and the driver cannot even
//   send a statement that carries it.
// Runs on every transport, after validation, with the variables. The walk needs type information, so
// the arguments of a document are found once per parsed document (Apollo and the WebSocket path reuse
// parsed documents) and only their values are coerced and walked per request.
import {
  GraphQLBoolean,
  GraphQLError,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  isScalarType,
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

/** Whether a value of this input type can hold a string anywhere (enums, numbers and booleans cannot). */
function holdsText(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named !== GraphQLInt && named !== GraphQLFloat && named !== GraphQLBoolean;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => holdsText(f.type, seen));
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
        if (type && holdsText(type)) list.push({ node, type });
      },
    }),
  );
  bySchema.set(schema, found);
  return found;
}

interface Bad {
  path: string;
  problem: string;
}

/** The first ID that is not a UUID or string with a NUL in `value` (of `type`), with its path, or null. */
function firstBad(value: unknown, type: GraphQLInputType, path: string): Bad | null {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return firstBad(value, type.ofType, path);
  if (isListType(type)) {
    if (!Array.isArray(value)) return firstBad(value, type.ofType, path);
    for (const [i, item] of value.entries()) {
      const bad = firstBad(item, type.ofType, `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (type === GraphQLID) {
    if (typeof value === 'string' && isUuid(value)) return null;
    const shown = String(value).length > 64 ? `${String(value).slice(0, 64)}…` : String(value);
    return { path, problem: `expected an id (a UUID), got ${JSON.stringify(shown)}` };
  }
  if (typeof value === 'string')
    return value.includes('\u0000') ? { path, problem: 'must not contain a NUL character (\\u0000)' } : null;
  if (isScalarType(type) && value && typeof value === 'object' && JSON.stringify(value).includes('\\u0000'))
    return { path, problem: 'must not contain a NUL character (\\u0000)' };
  if (isInputObjectType(type) && typeof value === 'object') {
    for (const [name, field] of Object.entries(type.getFields())) {
      const bad = firstBad((value as Record<string, unknown>)[name], field.type, `${path}.${name}`);
      if (bad) return bad;
    }
  }
  return null;
}

/** BAD_USER_INPUT naming the first argument with a malformed id or a NUL character, or null. */
export function invalidArgumentProblem(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
): GraphQLError | null {
  for (const { node, type } of idArgumentsOf(schema, document)) {
    // Literals and variables alike; a value graphql itself cannot coerce is left to graphql's own error.
    const value = node.value.kind === Kind.NULL ? null : valueFromAST(node.value, type, variables);
    const bad = firstBad(value, type, node.name.value);
    if (bad) {
      return new GraphQLError(`${bad.path}: ${bad.problem}`, {
        extensions: { code: 'BAD_USER_INPUT', field: bad.path, http: { status: 400 } },
      });
    }
  }
  return null;
}
