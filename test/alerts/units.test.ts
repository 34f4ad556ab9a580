// The small pure pieces of live alerts: which change notifies whom (snooze policy), the per-subscriber
// event filter, tenant topics, webhook signatures, and the Redis pub/sub iterator's clean-up.
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { alertEventFilter } from '../../src/resolvers/alert-subscription.resolver';
import { SeverityEnum } from '../../src/schema/enums';
import { classifyChange } from '../../src/services/alerts';
import { alertTopic, RedisPubSub, type AlertEventPayload } from '../../src/services/pubsub';
import { signWebhookBody, verifyWebhookSignature } from '../../src/services/webhooks';
import { eventually } from '../support/app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = new Date('2026-11-26T12:00:00Z');
const RESELLER = '0192f0a0-0000-7000-8000-000000000001';

describe('classifyChange', () => {
  it('announces a brand-new open alert as raised and anything else as updated', () => {
    expect(classifyChange({ status: 'OPEN', occurrences: 1, snoozed_until: null }, NOW)).toBe('raised');
    expect(classifyChange({ status: 'OPEN', occurrences: 2, snoozed_until: null }, NOW)).toBe('updated');
    expect(classifyChange({ status: 'RESOLVED', occurrences: 1, snoozed_until: null }, NOW)).toBe('updated');
  });

  it('keeps repeats of a snoozed alert quiet until the snooze ends, but always announces a resolution', () => {
    const until = '2026-11-26T13:00:00Z';
    expect(classifyChange({ status: 'ACKNOWLEDGED', occurrences: 5, snoozed_until: until }, NOW)).toBeNull();
    expect(classifyChange({ status: 'RESOLVED', occurrences: 5, snoozed_until: until }, NOW)).toBe('updated');
    expect(
      classifyChange(
        { status: 'ACKNOWLEDGED', occurrences: 5, snoozed_until: until },
        new Date('2026-11-26T13:00:01Z'),
      ),
    ).toBe('updated');
  });
});

describe('alertEventFilter', () => {
  const event = (
    over: Partial<AlertEventPayload['alert']> = {},
    resellerId = RESELLER,
  ): AlertEventPayload => ({
    kind: 'raised',
    resellerId,
    alert: {
      id: 'a',
      severity: 'error',
      customer_id: '0192f0a0-0000-7000-8000-00000000000c',
      printer_id: '0192f0a0-0000-7000-8000-00000000000a',
      ...over,
    },
    printer: null,
    publishedAt: 0,
  });

  it('applies minSeverity, customer and printer, and never passes another tenant', () => {
    expect(alertEventFilter(RESELLER, { minSeverity: SeverityEnum.ERROR })(event())).toBe(true);
    expect(alertEventFilter(RESELLER, { minSeverity: SeverityEnum.CRITICAL })(event())).toBe(false);
    expect(alertEventFilter(RESELLER, { customerId: '0192F0A0-0000-7000-8000-00000000000C' })(event())).toBe(
      true,
    );
    expect(alertEventFilter(RESELLER, { printerId: '0192f0a0-0000-7000-8000-00000000000b' })(event())).toBe(
      false,
    );
    expect(alertEventFilter(RESELLER, null)(event({}, '0192f0a0-0000-7000-8000-000000000002'))).toBe(false);
  });

  it('names a malformed id', () => {
    expect(() => alertEventFilter(RESELLER, { customerId: 'ACME' })).toThrow(/filter\.customerId/);
  });
});

describe('alertTopic', () => {
  it('puts the tenant in the topic and refuses anything but a uuid there', () => {
    expect(alertTopic('{pm}', RESELLER, 'updated')).toBe(`{pm}:alerts:${RESELLER}:updated`);
    expect(() => alertTopic('{pm}', '*', 'raised')).toThrow(/resellerId/);
  });
});

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"type":"alert.raised"}';

  it('signs "<t>.<body>" with HMAC-SHA256 and verifies only the exact body within 300 s', () => {
    const header = signWebhookBody(secret, body, 1_800_000_000);
    expect(header).toBe(
      `t=1800000000,v1=${createHmac('sha256', secret).update(`1800000000.${body}`).digest('hex')}`,
    );
    expect(verifyWebhookSignature(secret, body, header, 1_800_000_100)).toBe(true);
    expect(verifyWebhookSignature(secret, `${body} `, header, 1_800_000_100)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', body, header, 1_800_000_100)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, 1_800_000_301)).toBe(false);
    expect(verifyWebhookSignature(secret, body, 'garbage', 1_800_000_000)).toBe(false);
  });
});

describe('RedisPubSub', () => {
  const publisher = new Redis(REDIS_URL);
  const pubsub = new RedisPubSub({ REDIS_URL, REDIS_CLUSTER: false }, publisher);
  afterAll(async () => {
    await pubsub.close();
    publisher.disconnect();
  });

  it('delivers to every local listener with one Redis subscription, and unsubscribes when the last leaves', async () => {
    const topic = `pmtest-units:${Date.now()}`;
    const a = await pubsub.subscribe<{ n: number }>(topic);
    const b = await pubsub.subscribe<{ n: number }>(topic);
    const numsub = async () => ((await publisher.pubsub('NUMSUB', topic)) as [string, number])[1];
    expect(await numsub()).toBe(1);
    expect(await pubsub.publish(topic, { n: 1 })).toBe(1);
    expect((await a.next()).value).toEqual({ n: 1 });
    expect((await b.next()).value).toEqual({ n: 1 });

    // A pending next() ends when the consumer goes away (graphql-ws calls return() on complete).
    const pending = a.next();
    await a.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(pubsub.listenerCount(topic)).toBe(1);
    await b.return!();
    expect(pubsub.listenerCount(topic)).toBe(0);
    await eventually(async () => (await numsub()) === 0);
  });
});
