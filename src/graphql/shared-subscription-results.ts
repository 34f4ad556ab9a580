// Subscription execution for graphql-ws that runs each event once per distinct operation, not once per
// subscriber: a live alert reaching 1,000 subscribers of one reseller who sent the same subscription
// document is executed once and the result shared (graphql-ws then serialises it per socket). This is
// what keeps fan-out latency flat as subscribers grow (see docs/performance.md "## Alerts").
//
// Sharing is safe because subscription results here depend on the event, the operation (document and
// variables) and the caller's tenant and role only: topics are per tenant, field resolvers read the
// tenant's data and authorisation is by role. A resolver that answers per user must not be reached from
// a subscription without adding the user to the key below.
import {
  createSourceEventStream,
  execute,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { GraphQLContext } from './context';

type Execution = ExecutionResult | Promise<ExecutionResult>;

/** event payload -> operation key -> its execution; entries vanish with the event object. */
const executions = new WeakMap<object, Map<string, Execution>>();
/** print() once per parsed document, not once per event. */
const printed = new WeakMap<DocumentNode, string>();

function operationKey(args: ExecutionArgs): string {
  let document = printed.get(args.document);
  if (document === undefined) {
    document = print(args.document);
    printed.set(args.document, document);
  }
  const principal = (args.contextValue as GraphQLContext | undefined)?.principal;
  return JSON.stringify([
    principal?.resellerId ?? null,
    principal?.role ?? null,
    args.operationName ?? null,
    args.variableValues ?? null,
    document,
  ]);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Drop-in for graphql's subscribe() in graphql-ws' useServer({ subscribe }). `executeEvent` resolves
 * one event (the WebSocket server wraps it in a tenant transaction).
 */
export async function subscribeSharingResults(
  args: ExecutionArgs,
  executeEvent: (args: ExecutionArgs) => Execution = execute,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source as ExecutionResult;
  const key = operationKey(args);
  const events = source[Symbol.asyncIterator]();
  const run = (payload: unknown): Execution => {
    if (typeof payload !== 'object' || payload === null) return executeEvent({ ...args, rootValue: payload });
    let byOperation = executions.get(payload);
    if (!byOperation) executions.set(payload, (byOperation = new Map()));
    let execution = byOperation.get(key);
    if (!execution) {
      execution = executeEvent({ ...args, rootValue: payload });
      byOperation.set(key, execution);
    }
    return execution;
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const event = await events.next();
      return event.done ? { value: undefined, done: true } : { value: await run(event.value), done: false };
    },
    async return() {
      await events.return?.();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      await events.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
