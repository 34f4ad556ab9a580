// The operator's metrics move for real events, read from a real /metrics scrape (METRICS_PORT): queue
// depth and the oldest waiting job's age while no worker runs, then drained by one; reports accepted and
// rejected by reason; the collectedAt -> committed lag; a report parked in failed_report; open
// subscriptions of the API process; webhook deliveries delivered and retried; statements drafted and
// approved (a refused approval counts nothing).
import { exampleDirectReport } from '@plotmeter/protocol';
import { Queue } from 'bullmq';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueOptions } from '../../src/queue/queues';
import { monthlyContract, newApiKey, printerWithReadings, utc } from '../billing/billing-fixtures';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { parseExposition, sampleValue, type Sample } from '../support/prometheus';
import { sendSigned } from '../support/signed';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

let db: TestDatabase;
let ingest: TestApp;
let resellerId: string;
let customerId: string;
let adminKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  // Ingest alone first: reports wait in the queue until a worker starts.
  ingest = await startTestApp({ db, roles: ['ingest'], env: { METRICS_PORT: '0' } });
  const mine = await newReseller(ingest.services.orm.em);
  resellerId = mine.reseller.id;
  adminKey = mine.apiKey;
  customerId = (await newCustomer(ingest.services.orm.em, resellerId)).id;
});
afterAll(async () => {
  await ingest?.close();
  await db?.drop();
});

async function scrape(app: TestApp): Promise<Sample[]> {
  const response = await fetch(`${app.metricsUrl}/metrics`);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

describe('pipeline metrics', () => {
  let worker: TestApp | null = null;
  afterAll(async () => worker?.close());

  it('count accepted and rejected reports, the queue backlog and its age, then the lag once persisted', async () => {
    const printer = await newDirectPrinter(ingest.services.orm.em, resellerId, customerId);
    const before = await scrape(ingest);
    const accepted = () => ({ kind: 'report', duplicate: 'false' });

    const collectedAt = new Date(Date.now() - 90_000).toISOString(); // read 90 s ago
    const reports = [0, 1].map(() => {
      const report = exampleDirectReport({
        serialNumber: printer.serialNumber,
        reportId: crypto.randomUUID(),
      });
      for (const entry of report.printers) entry.collectedAt = collectedAt;
      return report;
    });
    for (const report of reports)
      expect((await sendSigned(ingest.url, printer, '/ingest/v1/reports', report)).status).toBe(202);
    // A resend is a duplicate; a report with a broken field is refused with its reason.
    expect((await sendSigned(ingest.url, printer, '/ingest/v1/reports', reports[0])).body.duplicate).toBe(
      true,
    );
    const broken = { ...reports[0]!, reportId: 'not a uuid' };
    expect((await sendSigned(ingest.url, printer, '/ingest/v1/reports', broken)).status).toBe(400);

    const waiting = await eventually(async () => {
      const now = await scrape(ingest);
      // The two reports wait (no worker): depth 2, and the oldest one's age grows from its enqueueing.
      return sampleValue(now, 'plotmeter_queue_oldest_waiting_seconds', { queue: 'reports' }) > 0.05
        ? now
        : null;
    });
    expect(sampleValue(waiting, 'plotmeter_queue_jobs', { queue: 'reports', state: 'waiting' })).toBe(2);
    expect(sampleValue(waiting, 'plotmeter_queue_jobs', { queue: 'alerts', state: 'waiting' })).toBe(0);
    expect(sampleValue(waiting, 'plotmeter_queue_oldest_waiting_seconds', { queue: 'alerts' })).toBe(0);
    const delta = (name: string, labels: Record<string, string>) =>
      sampleValue(waiting, name, labels) - sampleValue(before, name, labels);
    expect(delta('plotmeter_ingest_accepted_total', accepted())).toBe(2);
    expect(delta('plotmeter_ingest_accepted_total', { kind: 'report', duplicate: 'true' })).toBe(1);
    expect(delta('plotmeter_ingest_rejected_total', { status: '400', reason: 'invalid_report' })).toBe(1);

    worker = await startTestApp({
      db,
      roles: ['worker'],
      env: { METRICS_PORT: '0', REDIS_PREFIX: ingest.config.REDIS_PREFIX },
    });
    const drained = await eventually(async () => {
      const now = await scrape(worker!);
      return sampleValue(now, 'plotmeter_report_lag_seconds_count', { from: 'collected' }) >= 2 ? now : null;
    });
    expect(sampleValue(drained, 'plotmeter_report_lag_seconds_count', { from: 'received' })).toBe(2);
    // Read 90 s before it was committed: in the (60, 300] bucket, not below.
    expect(sampleValue(drained, 'plotmeter_report_lag_seconds_bucket', { from: 'collected', le: '60' })).toBe(
      0,
    );
    expect(
      sampleValue(drained, 'plotmeter_report_lag_seconds_bucket', { from: 'collected', le: '300' }),
    ).toBe(2);
    expect(sampleValue(drained, 'plotmeter_report_lag_seconds_sum', { from: 'collected' })).toBeGreaterThan(
      180,
    );
    const empty = await eventually(async () => {
      const now = await scrape(ingest);
      return sampleValue(now, 'plotmeter_queue_jobs', { queue: 'reports', state: 'waiting' }) === 0
        ? now
        : null;
    });
    expect(sampleValue(empty, 'plotmeter_queue_oldest_waiting_seconds', { queue: 'reports' })).toBe(0);
  });

  it('count a report that used up its attempts and was parked in failed_report', async () => {
    const printer = await newDirectPrinter(ingest.services.orm.em, resellerId, customerId);
    const before = await scrape(worker!);
    // A job whose body is no JSON cannot be persisted by any attempt.
    const queue = new Queue(
      'reports',
      queueOptions({ url: ingest.config.REDIS_URL }, ingest.config.REDIS_PREFIX),
    );
    try {
      await queue.add(
        'persist-report',
        {
          receiptId: crypto.randomUUID(),
          sender: { kind: 'printer', keyId: printer.keyId, resellerId, printerSerial: printer.serialNumber },
          receivedAt: new Date().toISOString(),
          bodyBytes: 8,
          reportId: crypto.randomUUID(),
          body: { encoding: 'identity', data: 'not json' },
        },
        { attempts: 1 },
      );
    } finally {
      await queue.close();
    }
    const after = await eventually(async () => {
      const now = await scrape(worker!);
      return sampleValue(now, 'plotmeter_failed_reports_total', { queue: 'reports' }) >
        sampleValue(before, 'plotmeter_failed_reports_total', { queue: 'reports' })
        ? now
        : null;
    });
    const [row] = await ingest.services.orm.em
      .fork()
      .execute<{ n: number }[]>(`select count(*)::int as n from failed_report where key_id = ?`, [
        printer.keyId,
      ]);
    expect(row!.n).toBe(1);
    expect(sampleValue(after, 'plotmeter_failed_reports_total', { queue: 'alerts' })).toBe(0);
    // The queue gauges are read at most once a second: the failed job shows within a scrape or two.
    await eventually(
      async () =>
        sampleValue(await scrape(worker!), 'plotmeter_queue_jobs', { queue: 'reports', state: 'failed' }) ===
        1,
    );
  });
});

describe('API metrics', () => {
  let api: TestApp;
  let receiver: WebhookReceiver;
  let receiverUrl: string;
  let failing = true;
  beforeAll(async () => {
    // A webhook receiver that fails until told otherwise.
    receiver = await startWebhookReceiver(() => (failing ? 503 : 200));
    receiverUrl = receiver.url;
    api = await startTestApp({ db, roles: ['api', 'worker'], env: { METRICS_PORT: '0' } });
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });

  it('count open WebSocket connections and subscriptions, and forget them when they end', async () => {
    const before = await scrape(api);
    const base = (name: string) => sampleValue(before, name);
    const client: Client = createClient({
      url: `${api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${adminKey}` },
      retryAttempts: 0,
    });
    const ends: Array<() => void> = [];
    try {
      for (let i = 0; i < 2; i++) {
        const subscribed = client.iterate({ query: 'subscription { alertRaised { id } }' });
        ends.push(() => void subscribed.return?.());
        void subscribed.next().catch(() => undefined);
      }
      const open = await eventually(async () => {
        const now = await scrape(api);
        return sampleValue(now, 'plotmeter_graphql_subscriptions') -
          base('plotmeter_graphql_subscriptions') ===
          2
          ? now
          : null;
      });
      expect(sampleValue(open, 'plotmeter_graphql_websockets') - base('plotmeter_graphql_websockets')).toBe(
        1,
      );
      ends[0]!();
      await eventually(async () => {
        const now = await scrape(api);
        return (
          sampleValue(now, 'plotmeter_graphql_subscriptions') - base('plotmeter_graphql_subscriptions') === 1
        );
      });
    } finally {
      for (const end of ends) end();
      await client.dispose();
    }
    const closed = await eventually(async () => {
      const now = await scrape(api);
      return sampleValue(now, 'plotmeter_graphql_websockets') === base('plotmeter_graphql_websockets')
        ? now
        : null;
    });
    expect(sampleValue(closed, 'plotmeter_graphql_subscriptions')).toBe(
      base('plotmeter_graphql_subscriptions'),
    );
  });

  it('count statements drafted and approved, and webhook deliveries retried then delivered', async () => {
    const em = api.services.orm.em.fork();
    const billingKey = await newApiKey(em, resellerId, 'billing');
    const hook = await api.gql(
      `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`,
      { input: { url: `${receiverUrl}/billing`, eventTypes: ['STATEMENT_DRAFTED'] } },
      adminKey,
    );
    expect(hook.errors).toBeUndefined();
    const start = '2026-09-01T00:00:00';
    const printer = await printerWithReadings(em, resellerId, customerId, [
      { at: start, mediaAreaM2: 0 },
      { at: '2026-10-01T00:00:00', mediaAreaM2: 3 },
    ]);
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [printer.printerId],
      validFrom: utc(start),
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '10' }],
    });
    const before = await scrape(api);
    const delta = (now: Sample[], name: string, labels: Record<string, string>) =>
      sampleValue(now, name, labels) - sampleValue(before, name, labels);

    const closed = await api.gql<{ closeBillingPeriod: { id: string } }>(
      `mutation($id: ID!) { closeBillingPeriod(contractId: $id, period: "2026-09") { id } }`,
      { id: contract.id },
      billingKey,
    );
    expect(closed.errors).toBeUndefined();
    const approve = `mutation($id: ID!) { approveStatement(id: $id) { id } }`;
    const id = closed.data!.closeBillingPeriod.id;
    expect((await api.gql(approve, { id }, billingKey)).errors).toBeUndefined();
    expect((await api.gql(approve, { id }, billingKey)).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const retried = await eventually(async () => {
      const now = await scrape(api);
      return delta(now, 'plotmeter_webhook_deliveries_total', { outcome: 'retried' }) >= 1 ? now : null;
    });
    expect(delta(retried, 'plotmeter_webhook_deliveries_total', { outcome: 'delivered' })).toBe(0);
    expect(delta(retried, 'plotmeter_statements_total', { event: 'drafted' })).toBe(1);
    expect(delta(retried, 'plotmeter_statements_total', { event: 'approved' })).toBe(1);

    // The receiver works again; the retry waits 30 s of backoff, so it is promoted to run now.
    failing = false;
    const webhooks = new Queue(
      'webhooks',
      queueOptions({ url: api.config.REDIS_URL }, api.config.REDIS_PREFIX),
    );
    try {
      await eventually(async () => (await webhooks.getDelayedCount()) === 1);
      await webhooks.promoteJobs();
    } finally {
      await webhooks.close();
    }
    const delivered = await eventually(async () => {
      const now = await scrape(api);
      return delta(now, 'plotmeter_webhook_deliveries_total', { outcome: 'delivered' }) === 1 ? now : null;
    });
    expect(delta(delivered, 'plotmeter_webhook_deliveries_total', { outcome: 'failed' })).toBe(0);
  });
});
