// Live alerts over graphql-ws in one process: an alert POSTed by a device reaches its reseller's
// subscribers with the contract payload, filters apply per subscriber, another reseller hears nothing,
// bad credentials close with 4403, and lifecycle mutations publish alertUpdated.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertTopic } from '../../src/services/pubsub';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';
import { subscribe, type TestSubscription } from './ws';

let app: TestApp;
let resellerId: string;
let apiKey: string;
let otherKey: string;
let customerId: string;
let printer: Awaited<ReturnType<typeof newDirectPrinter>>;
const open: TestSubscription<unknown>[] = [];

const RAISED = `subscription($filter: AlertSubscriptionFilter) { alertRaised(filter: $filter) { id code severity status message raisedAt printer { id serialNumber } } }`;
const UPDATED = `subscription { alertUpdated { id code status acknowledgedAt } }`;

type Raised = {
  alertRaised: {
    id: string;
    code: string;
    severity: string;
    status: string;
    message: string;
    raisedAt: string;
    printer: { id: string; serialNumber: string } | null;
  };
};

function track<T>(s: TestSubscription<T>): TestSubscription<T> {
  open.push(s as TestSubscription<unknown>);
  return s;
}

async function listening(reseller: string, kind: 'raised' | 'updated', count: number) {
  await eventually(
    async () =>
      app.services.pubsub.listenerCount(alertTopic(app.config.REDIS_PREFIX, reseller, kind)) === count,
  );
}

function alertBatch(code: string, severity: string, detectedAt = new Date().toISOString()) {
  return {
    schemaVersion: 1,
    alertId: randomUUID(),
    serialNumber: printer.serialNumber,
    alerts: [{ code, severity, message: `${code} on roll 1`, component: 'roll1', detectedAt }],
  };
}

beforeAll(async () => {
  app = await startTestApp();
  const mine = await newReseller(app.services.orm.em);
  resellerId = mine.reseller.id;
  apiKey = mine.apiKey;
  otherKey = (await newReseller(app.services.orm.em, 'Other')).apiKey;
  customerId = (await newCustomer(app.services.orm.em, resellerId)).id;
  printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await app?.close();
});

describe('alertRaised', () => {
  it('delivers a device alert with the contract payload, filtered per subscriber, to its reseller only', async () => {
    const all = track(subscribe<Raised>(app.url, apiKey, RAISED));
    const critical = track(
      subscribe<Raised>(app.url, apiKey, RAISED, { filter: { minSeverity: 'CRITICAL' } }),
    );
    const otherPrinter = track(
      subscribe<Raised>(app.url, apiKey, RAISED, { filter: { printerId: randomUUID() } }),
    );
    const thisCustomer = track(subscribe<Raised>(app.url, apiKey, RAISED, { filter: { customerId } }));
    const stranger = track(subscribe<Raised>(app.url, otherKey, RAISED));
    await listening(resellerId, 'raised', 4);

    expect(
      (await sendSigned(app.url, printer, '/ingest/v1/alerts', alertBatch('coverOpen', 'warning'))).status,
    ).toBe(202);
    expect(
      (await sendSigned(app.url, printer, '/ingest/v1/alerts', alertBatch('mediaJam', 'critical'))).status,
    ).toBe(202);

    const events = await all.waitFor(2);
    const jam = events.map((e) => e.alertRaised).find((a) => a.code === 'mediaJam')!;
    expect(jam).toMatchObject({
      severity: 'CRITICAL',
      status: 'OPEN',
      message: 'mediaJam on roll 1',
      printer: { id: printer.printerId, serialNumber: printer.serialNumber },
    });
    const [row] = await app.services.orm.em
      .fork()
      .execute<{ id: string; raised_at: Date }[]>(`select id, raised_at from alert where id = ?`, [jam.id]);
    expect(new Date(jam.raisedAt).toISOString()).toBe(new Date(row!.raised_at).toISOString());

    await thisCustomer.waitFor(2);
    expect((await critical.waitFor(1)).map((e) => e.alertRaised.code)).toEqual(['mediaJam']);
    // Give stray deliveries time to arrive before asserting that none did.
    await new Promise((r) => setTimeout(r, 300));
    expect(critical.events).toHaveLength(1);
    expect(otherPrinter.events).toEqual([]);
    expect(stranger.events).toEqual([]);
    expect(stranger.errors).toEqual([]);
    await Promise.all([all, critical, otherPrinter, thisCustomer, stranger].map((sub) => sub.close()));
    await listening(resellerId, 'raised', 0);
  });

  it('does not announce a repeat as a new alert', async () => {
    const sub = track(subscribe<Raised>(app.url, apiKey, RAISED));
    await listening(resellerId, 'raised', 1);
    const first = new Date().toISOString();
    await sendSigned(app.url, printer, '/ingest/v1/alerts', alertBatch('doorOpen', 'warning', first));
    await sub.waitFor(1);
    await sendSigned(
      app.url,
      printer,
      '/ingest/v1/alerts',
      alertBatch('doorOpen', 'warning', new Date(Date.now() + 1000).toISOString()),
    );
    await eventually(async () => {
      const [row] = await app.services.orm.em
        .fork()
        .execute<{ occurrences: number }[]>(`select occurrences from alert where code = 'doorOpen'`);
      return row?.occurrences === 2;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.events.map((e) => e.alertRaised.code)).toEqual(['doorOpen']);
    await sub.close();
    await listening(resellerId, 'raised', 0);
  });

  it('executes each event per distinct operation: different selections and filters get their own results', async () => {
    type Slim = { alertRaised: Record<string, unknown> };
    const slim = track(subscribe<Slim>(app.url, apiKey, `subscription { alertRaised { code } }`));
    const full = track(subscribe<Raised>(app.url, apiKey, RAISED));
    const sameAsFull = track(subscribe<Raised>(app.url, apiKey, RAISED));
    const warningsOnly = track(
      subscribe<Raised>(app.url, apiKey, RAISED, { filter: { minSeverity: 'CRITICAL' } }),
    );
    await listening(resellerId, 'raised', 4);
    await sendSigned(app.url, printer, '/ingest/v1/alerts', alertBatch('tonerLow', 'warning'));
    expect((await slim.waitFor(1))[0]!.alertRaised).toEqual({ code: 'tonerLow' });
    const [a] = await full.waitFor(1);
    const [b] = await sameAsFull.waitFor(1);
    expect(a!.alertRaised).toMatchObject({
      code: 'tonerLow',
      printer: { serialNumber: printer.serialNumber },
    });
    expect(b!.alertRaised).toEqual(a!.alertRaised);
    await new Promise((r) => setTimeout(r, 300));
    expect(warningsOnly.events).toEqual([]);
    await Promise.all([slim, full, sameAsFull, warningsOnly].map((sub) => sub.close()));
    await listening(resellerId, 'raised', 0);
  });

  it('closes the socket with 4403 on bad credentials', async () => {
    const bad = track(subscribe(app.url, 'pmk_not-a-key', RAISED));
    await eventually(async () => bad.closeCode !== null);
    expect(bad.closeCode).toBe(4403);
  });

  it('rejects a malformed filter id with BAD_USER_INPUT naming the field', async () => {
    const sub = track(subscribe(app.url, apiKey, RAISED, { filter: { printerId: 'printer-7' } }));
    await eventually(async () => sub.errors.length > 0);
    expect(JSON.stringify(sub.errors)).toContain('filter.printerId');
  });
});

describe('alertUpdated', () => {
  it('publishes lifecycle changes after the mutation commits', async () => {
    type Updated = { alertUpdated: { id: string; status: string; acknowledgedAt: string | null } };
    const sub = track(subscribe<Updated>(app.url, apiKey, UPDATED));
    await listening(resellerId, 'updated', 1);
    const [alert] = await app.services.orm.em
      .fork()
      .execute<{ id: string }[]>(`select id from alert where code = 'mediaJam'`);
    const result = await app.gql(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { id status } }`,
      { id: alert!.id },
      apiKey,
    );
    expect(result.errors).toBeUndefined();
    const [event] = await sub.waitFor(1);
    expect(event!.alertUpdated).toMatchObject({ id: alert!.id, status: 'ACKNOWLEDGED' });
    expect(event!.alertUpdated.acknowledgedAt).not.toBeNull();

    // A refused mutation publishes nothing.
    const failed = await app.gql(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`,
      { id: randomUUID() },
      apiKey,
    );
    expect(failed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.events).toHaveLength(1);
  });
});
