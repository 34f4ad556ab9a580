// Live alerts over graphql-ws in one process: an alert POSTed by a device reaches its reseller's
// subscribers with the contract payload, filters apply per subscriber, another reseller hears nothing,
// bad credentials close with 4403, and lifecycle mutations publish alertUpdated.
//
// "Nothing arrived" is proven by order, not by waiting: one subscription receives its topic's events in
// the order they were published (one Redis connection per process, one queue per subscription), so once
// a probe published after the events under test has arrived, anything those would have delivered is
// already there too.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';
import { subscribe, untilListening, type TestSubscription } from './ws';

let app: TestApp;
let resellerId: string;
let apiKey: string;
let otherKey: string;
let customerId: string;
type TestPrinter = Awaited<ReturnType<typeof newDirectPrinter>>;
let printer: TestPrinter;
/** A printer of the other reseller, whose alerts the stranger's subscriptions do hear. */
let strangersPrinter: TestPrinter;
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

const listening = (reseller: string, kind: 'raised' | 'updated', count: number) =>
  untilListening(app, reseller, kind, count);

function alertBatch(code: string, severity: string, detectedAt = new Date().toISOString(), from = printer) {
  return {
    schemaVersion: 1,
    alertId: randomUUID(),
    serialNumber: from.serialNumber,
    alerts: [{ code, severity, message: `${code} on roll 1`, component: 'roll1', detectedAt }],
  };
}

/** Raises one alert on `from` (a probe: a code no other test uses, so it is always a new alert). */
async function raise(from: TestPrinter, code: string, severity: string): Promise<void> {
  const batch = alertBatch(code, severity, undefined, from);
  expect((await sendSigned(app.url, from, '/ingest/v1/alerts', batch)).status).toBe(202);
}

const codes = (events: Raised[]) => events.map((e) => e.alertRaised.code);

beforeAll(async () => {
  app = await startTestApp();
  const mine = await newReseller(app.services.orm.em);
  resellerId = mine.reseller.id;
  apiKey = mine.apiKey;
  const other = await newReseller(app.services.orm.em, 'Other');
  otherKey = other.apiKey;
  customerId = (await newCustomer(app.services.orm.em, resellerId)).id;
  printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
  const strangersCustomer = await newCustomer(app.services.orm.em, other.reseller.id);
  strangersPrinter = await newDirectPrinter(app.services.orm.em, other.reseller.id, strangersCustomer.id);
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await app?.close();
});

describe('alertRaised', () => {
  it('delivers a device alert with the contract payload, filtered per subscriber, to its reseller only', async () => {
    const secondPrinter = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const all = track(subscribe<Raised>(app.url, apiKey, RAISED));
    const critical = track(
      subscribe<Raised>(app.url, apiKey, RAISED, { filter: { minSeverity: 'CRITICAL' } }),
    );
    const otherPrinter = track(
      subscribe<Raised>(app.url, apiKey, RAISED, { filter: { printerId: secondPrinter.printerId } }),
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
    expect(codes(await critical.waitFor(1))).toEqual(['mediaJam']);
    // Probes published after both alerts: each filtered subscription's first events show what it let
    // through before them (no coverOpen for `critical`, nothing of this printer for `otherPrinter`,
    // nothing of this reseller for the stranger).
    await raise(secondPrinter, 'filterProbe', 'critical');
    await raise(strangersPrinter, 'strangerProbe', 'critical');
    expect(codes(await critical.waitFor(2))).toEqual(['mediaJam', 'filterProbe']);
    expect(codes(await otherPrinter.waitFor(1))).toEqual(['filterProbe']);
    expect(codes(await stranger.waitFor(1))).toEqual(['strangerProbe']);
    expect(stranger.errors).toEqual([]);
    await Promise.all([all, critical, otherPrinter, thisCustomer, stranger].map((sub) => sub.close()));
    await listening(resellerId, 'raised', 0);
  });

  it('does not announce a repeat as a new alert', async () => {
    type Updated = { alertUpdated: { code: string; occurrences: number } };
    const sub = track(subscribe<Raised>(app.url, apiKey, RAISED));
    const updates = track(
      subscribe<Updated>(app.url, apiKey, `subscription { alertUpdated { code occurrences } }`),
    );
    await listening(resellerId, 'raised', 1);
    await listening(resellerId, 'updated', 1);
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
    // The repeat is announced, as an update; a probe raised after it is the next new alert.
    expect((await updates.waitFor(1)).map((e) => e.alertUpdated)).toEqual([
      { code: 'doorOpen', occurrences: 2 },
    ]);
    await raise(printer, 'repeatProbe', 'warning');
    expect(codes(await sub.waitFor(2))).toEqual(['doorOpen', 'repeatProbe']);
    await Promise.all([sub.close(), updates.close()]);
    await listening(resellerId, 'raised', 0);
    await listening(resellerId, 'updated', 0);
  });

  it('executes each event per distinct operation: different selections and filters get their own results', async () => {
    type Slim = { alertRaised: Record<string, unknown> };
    const slim = track(subscribe<Slim>(app.url, apiKey, `subscription { alertRaised { code } }`));
    const full = track(subscribe<Raised>(app.url, apiKey, RAISED));
    const sameAsFull = track(subscribe<Raised>(app.url, apiKey, RAISED));
    const criticalOnly = track(
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
    // tonerLow (a warning) reached the others; a critical probe after it is criticalOnly's first event.
    await raise(printer, 'severityProbe', 'critical');
    expect(codes(await criticalOnly.waitFor(1))).toEqual(['severityProbe']);
    await Promise.all([slim, full, sameAsFull, criticalOnly].map((sub) => sub.close()));
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
    // The next change published is the resolution that follows: nothing came in between.
    const resolved = await app.gql(
      `mutation($id: ID!) { resolveAlert(id: $id) { id } }`,
      { id: alert!.id },
      apiKey,
    );
    expect(resolved.errors).toBeUndefined();
    expect((await sub.waitFor(2)).map((e) => e.alertUpdated.status)).toEqual(['ACKNOWLEDGED', 'RESOLVED']);
  });
});
