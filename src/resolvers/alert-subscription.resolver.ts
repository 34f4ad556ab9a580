// Live alerts over graphql-ws: `alertRaised` and `alertUpdated`. The topic is the caller's reseller's
// (src/services/pubsub.ts), so a subscriber can only ever hear its own organisation; the filter
// (minSeverity, customer, printer) is applied here, per subscriber. Events carry the alert and printer
// rows, so answering `Alert { ... printer { id serialNumber } }` needs no database round trip.
import { Arg, Authorized, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { Alert } from '../entities/alert.entity';
import { Printer } from '../entities/printer.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput } from '../graphql/errors';
import { writeTenant } from '../graphql/scope';
import { alertTopic, type AlertEventKind, type AlertEventPayload } from '../services/pubsub';
import { AlertSubscriptionFilter } from '../schema/alert-subscription.input';
import { AlertType } from '../schema/alert.type';
import { severitiesFrom } from './alert.resolver';
import { isUuid } from '../lib/ids';

/** The event filter of one subscription; throws BAD_USER_INPUT naming a malformed field. */
export function alertEventFilter(
  resellerId: string,
  filter: AlertSubscriptionFilter | null | undefined,
): (payload: AlertEventPayload) => boolean {
  for (const field of ['customerId', 'printerId'] as const) {
    const value = filter?.[field];
    if (value && !isUuid(value))
      throw badUserInput(`filter.${field}: expected an id (uuid), got "${value}"`, `filter.${field}`);
  }
  const severities = new Set<string>(severitiesFrom(filter?.minSeverity));
  const customerId = filter?.customerId?.toLowerCase();
  const printerId = filter?.printerId?.toLowerCase();
  return (payload) =>
    // The topic already is the tenant's; checking again costs nothing and survives a topic mix-up.
    payload.resellerId === resellerId &&
    severities.has(payload.alert.severity) &&
    (!customerId || payload.alert.customer_id === customerId) &&
    (!printerId || payload.alert.printer_id === printerId);
}

/** Wraps an iterator so only matching events come through; return() reaches the source at once. */
function filtered<T>(
  source: AsyncIterableIterator<T>,
  keep: (value: T) => boolean,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    return: () => source.return!(),
    throw: (error?: unknown) => source.throw!(error),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

async function alertEvents(
  context: GraphQLContext,
  kind: AlertEventKind,
  filter: AlertSubscriptionFilter | null | undefined,
): Promise<AsyncIterable<AlertEventPayload>> {
  const resellerId = writeTenant(context);
  const keep = alertEventFilter(resellerId, filter);
  const source = await context.services.pubsub.subscribe<AlertEventPayload>(
    alertTopic(context.services.config.REDIS_PREFIX, resellerId, kind),
  );
  return filtered(source, keep);
}

/** Entities built from one event, shared by every local subscriber that receives the same event. */
const mappedEvents = new WeakMap<AlertEventPayload, { alert: Alert; printer: Printer | null }>();

/**
 * Turns an event into the Alert entity the Alert type's field resolvers expect, without a database
 * round trip. The entities are built once per event (one fresh, short-lived EntityManager, so a
 * months-long subscription accumulates no identity map) and read-only from then on; the printer is
 * primed into each subscription's loader so `printer { ... }` is answered from the event.
 */
function alertFromEvent(context: GraphQLContext, payload: AlertEventPayload): Alert {
  let mapped = mappedEvents.get(payload);
  if (!mapped) {
    const em = context.services.orm.em.fork();
    mapped = {
      printer: payload.printer ? em.map(Printer, payload.printer) : null,
      alert: em.map(Alert, payload.alert as Record<string, unknown>),
    };
    mappedEvents.set(payload, mapped);
  }
  if (mapped.printer)
    context.loaders.printer.clear(mapped.printer.id).prime(mapped.printer.id, mapped.printer);
  return mapped.alert;
}

@Resolver()
export class AlertSubscriptionResolver {
  @Authorized()
  @Subscription(() => AlertType, {
    description: 'New alerts of your organisation as they are raised',
    subscribe: ({ context, args }) =>
      alertEvents(context as GraphQLContext, 'raised', (args as { filter?: AlertSubscriptionFilter }).filter),
  })
  alertRaised(
    @Root() payload: AlertEventPayload,
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => AlertSubscriptionFilter, { nullable: true }) _filter?: AlertSubscriptionFilter,
  ): Alert {
    return alertFromEvent(ctx, payload);
  }

  @Authorized()
  @Subscription(() => AlertType, {
    description:
      'Changes to alerts of your organisation: repeats, acknowledgements, snoozes, assignments, resolutions',
    subscribe: ({ context, args }) =>
      alertEvents(
        context as GraphQLContext,
        'updated',
        (args as { filter?: AlertSubscriptionFilter }).filter,
      ),
  })
  alertUpdated(
    @Root() payload: AlertEventPayload,
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => AlertSubscriptionFilter, { nullable: true }) _filter?: AlertSubscriptionFilter,
  ): Alert {
    return alertFromEvent(ctx, payload);
  }
}
