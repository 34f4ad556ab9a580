// Billing events as webhooks, end to end against a local receiver: statement.drafted, .approved, .exported
// and .voided (with the rebill's new draft) reach a webhook that asked for them, signed like alert
// webhooks (checked with an independent HMAC), once per change: a failed mutation announces nothing, an
// ERP repeating its export acknowledgement gets no second event, and webhooks that did not ask for
// billing events get none. The scheduled drafting job announces its drafts too.
import { createHmac } from 'node:crypto';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftStatementsJob } from '../../src/jobs/draft-statements.job';
import { requeueWebhooksJob } from '../../src/jobs/requeue-webhooks.job';
import { recordStatementEvents } from '../../src/services/billing-events';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';
import { insertReading, monthlyContract, newApiKey, utc } from './billing-fixtures';

interface StatementEvent {
  id: string;
  type: string;
  createdAt: string;
  data: { statement: Record<string, unknown> & { id: string; status: string } };
}

let app: TestApp;
let receiver: WebhookReceiver;
let receiverUrl: string;
let received: ReceivedRequest[];
let adminKey: string;
let billingKey: string;
let resellerId: string;
let customerId: string;
let secret: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  ({ url: receiverUrl, received } = receiver);

  app = await startTestApp();
  const em = app.services.orm.em.fork();
  const mine = await newReseller(em);
  resellerId = mine.reseller.id;
  adminKey = mine.apiKey;
  billingKey = await newApiKey(em, resellerId, 'billing');
  customerId = (await newCustomer(em, resellerId, 'Acme')).id;
  await em.execute(`update customer set external_ref = 'ERP-7' where id = ?`, [customerId]);

  const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id eventTypes } } }`;
  const billing = await app.gql<{ createWebhook: { secret: string; webhook: { eventTypes: string[] } } }>(
    CREATE,
    {
      input: {
        url: `${receiverUrl}/billing`,
        eventTypes: ['STATEMENT_DRAFTED', 'STATEMENT_APPROVED', 'STATEMENT_VOIDED', 'STATEMENT_EXPORTED'],
      },
    },
    adminKey,
  );
  expect(billing.errors).toBeUndefined();
  expect(billing.data!.createWebhook.webhook.eventTypes).toEqual([
    'STATEMENT_DRAFTED',
    'STATEMENT_APPROVED',
    'STATEMENT_VOIDED',
    'STATEMENT_EXPORTED',
  ]);
  secret = billing.data!.createWebhook.secret;
  const alerts = await app.gql(
    CREATE,
    { input: { url: `${receiverUrl}/alerts-only`, eventTypes: ['ALERT_RAISED'] } },
    adminKey,
  );
  expect(alerts.errors).toBeUndefined();
});
afterAll(async () => {
  await app?.close();
  await receiver?.close();
});

/** The receiver's own check, written independently of the server's signing code. */
function signatureValid(header: string, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
  return expected === match[2];
}

function events(statementId: string): StatementEvent[] {
  return received
    .filter((r) => r.path === '/billing')
    .map((r) => JSON.parse(r.body) as StatementEvent)
    .filter((e) => e.data.statement.id === statementId);
}

async function contractWithOctober(mediaAreaM2: number, periodStartAt = '2026-10-01T00:00:00') {
  const em = app.services.orm.em.fork();
  const printer = await newDirectPrinter(em, resellerId, customerId);
  const start = utc(periodStartAt);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  await insertReading(em, resellerId, printer.printerId, {
    at: start,
    serial: printer.serialNumber,
    mediaAreaM2: 0,
  });
  await insertReading(em, resellerId, printer.printerId, {
    at: end,
    serial: printer.serialNumber,
    mediaAreaM2,
  });
  const contract = await monthlyContract(em, resellerId, {
    customerId,
    printerIds: [printer.printerId],
    validFrom: start,
    priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '10' }],
  });
  return contract.id;
}

const STATEMENT = `id status version totalMinor`;

describe('statement events', () => {
  let statementId: string;
  let contractId: string;

  it('announces a drafted statement, signed, with the statement as the ERP sees it', async () => {
    contractId = await contractWithOctober(12.5);
    const closed = await app.gql<{ closeBillingPeriod: { id: string; totalMinor: string } }>(
      `mutation($id: ID!) { closeBillingPeriod(contractId: $id, period: "2026-10") { ${STATEMENT} } }`,
      { id: contractId },
      billingKey,
    );
    expect(closed.errors).toBeUndefined();
    statementId = closed.data!.closeBillingPeriod.id;
    const [event] = await eventually(async () =>
      events(statementId).length > 0 ? events(statementId) : null,
    );
    const request = received.find((r) => r.body.includes(event!.id))!;
    expect(signatureValid(String(request.headers['x-plotmeter-signature']), request.body)).toBe(true);
    expect(request.headers['x-plotmeter-event']).toBe('statement.drafted');
    expect(request.headers['x-plotmeter-delivery']).toBe(event!.id);
    expect(event).toMatchObject({
      type: 'statement.drafted',
      data: {
        statement: {
          id: statementId,
          contractId,
          customerId,
          customerExternalRef: 'ERP-7',
          periodKey: '2026-10',
          periodStart: '2026-10-01T00:00:00.000Z',
          periodEnd: '2026-11-01T00:00:00.000Z',
          version: 1,
          status: 'DRAFT',
          currency: 'EUR',
          totalMinor: closed.data!.closeBillingPeriod.totalMinor,
          approvedAt: null,
        },
      },
    });
    expect(closed.data!.closeBillingPeriod.totalMinor).toBe('125');
  });

  it('announces approval and export once each; a refused transition announces nothing', async () => {
    const approve = `mutation($id: ID!) { approveStatement(id: $id) { ${STATEMENT} } }`;
    expect((await app.gql(approve, { id: statementId }, billingKey)).errors).toBeUndefined();
    // Approving twice is a CONFLICT: its transaction rolls back, so no second event.
    const again = await app.gql(approve, { id: statementId }, billingKey);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const exported = `mutation($ids: [ID!]!) { markStatementsExported(ids: $ids, reference: "INV-1") { id status } }`;
    expect((await app.gql(exported, { ids: [statementId] }, billingKey)).errors).toBeUndefined();
    // The ERP retries its acknowledgement: accepted, not announced again.
    expect((await app.gql(exported, { ids: [statementId] }, billingKey)).errors).toBeUndefined();

    // Deliveries are logged in the transaction of the change they announce (an outbox), so once both
    // acknowledgements have answered, a second statement.exported would be in the log: count there, and
    // at the receiver once everything logged was delivered.
    const logged = await eventually(async () => {
      const rows = await app.services.orm.em
        .fork()
        .execute<{ event_type: string; status: string }[]>(
          `select event_type, status from webhook_delivery where payload->'data'->'statement'->>'id' = ? order by id`,
          [statementId],
        );
      return rows.every((r) => r.status === 'DELIVERED') ? rows.map((r) => r.event_type) : null;
    });
    expect(logged).toEqual(['statement.drafted', 'statement.approved', 'statement.exported']);
    const types = events(statementId).map((e) => e.type);
    expect(types).toEqual(['statement.drafted', 'statement.approved', 'statement.exported']);
    const last = events(statementId).at(-1)!;
    expect(last.data.statement).toMatchObject({ status: 'EXPORTED', exportReference: 'INV-1' });
    expect(events(statementId)[1]!.data.statement).toMatchObject({
      status: 'APPROVED',
      approvedBy: expect.any(String),
    });
  });

  it('announces a void and the rebill as a new draft that replaces it', async () => {
    const voided = await app.gql<{ voidStatement: { replacement: { id: string } } }>(
      `mutation($id: ID!) { voidStatement(id: $id, reason: "wrong price", rebill: true) { voided { id } replacement { id } } }`,
      { id: statementId },
      billingKey,
    );
    expect(voided.errors).toBeUndefined();
    const replacementId = voided.data!.voidStatement.replacement.id;
    const voidEvent = await eventually(async () =>
      events(statementId).find((e) => e.type === 'statement.voided'),
    );
    expect(voidEvent.data.statement).toMatchObject({ status: 'VOID', voidReason: 'wrong price' });
    const [draft] = await eventually(async () =>
      events(replacementId).length ? events(replacementId) : null,
    );
    expect(draft!.data.statement).toMatchObject({ status: 'DRAFT', version: 2, replacesId: statementId });
    expect(draft!.type).toBe('statement.drafted');
  });

  it('announces what the scheduled drafting job drafts', async () => {
    // A month long past its grace period with no statement: the hourly job drafts it.
    const dueContract = await contractWithOctober(3, '2026-11-01T00:00:00');
    await draftStatementsJob({} as Job, app.services);
    const [row] = await app.services.orm.em
      .fork()
      .execute<{ id: string }[]>(
        `select id from billing_statement where contract_id = ? and period_key = '2026-11'`,
        [dueContract],
      );
    expect(row).toBeDefined();
    const [event] = await eventually(async () => (events(row!.id).length ? events(row!.id) : null));
    expect(event).toMatchObject({
      type: 'statement.drafted',
      data: { statement: { status: 'DRAFT', totalMinor: '30' } },
    });
  });

  it('queues a delivery that was logged but never queued (Redis away after the commit), and only such', async () => {
    const [statement] = await app.services.orm.em
      .fork()
      .execute<{ id: string }[]>(
        `select id from billing_statement where reseller_id = ? and status = 'VOID'`,
        [resellerId],
      );
    const em = app.services.orm.em.fork();
    const [stale] = await recordStatementEvents(em, resellerId, 'statement.voided', [statement!.id]);
    const [fresh] = await recordStatementEvents(em, resellerId, 'statement.voided', [statement!.id]);
    await em.execute(`update webhook_delivery set created_at = now() - interval '1 hour' where id = ?`, [
      stale,
    ]);

    const result = await requeueWebhooksJob({} as Job, app.services);
    expect(result.requeued).toBe(1);
    const statuses = await eventually(async () => {
      const rows = await em.execute<{ id: string; status: string }[]>(
        `select id, status from webhook_delivery where id in (?, ?)`,
        [stale, fresh],
      );
      const byId = Object.fromEntries(rows.map((r) => [r.id, r.status]));
      return byId[stale!] === 'DELIVERED' ? byId : null;
    });
    expect(statuses).toEqual({ [stale!]: 'DELIVERED', [fresh!]: 'PENDING' });
    expect(received.some((r) => r.body.includes(stale!))).toBe(true);
    expect(received.some((r) => r.body.includes(fresh!))).toBe(false);
    // The fresh one may still be on its way to the queue; this test's stands in for a lost one.
    await em.execute(`delete from webhook_delivery where id = ?`, [fresh]);
  });

  it('sends webhooks that asked only for alerts no billing event', async () => {
    expect(received.filter((r) => r.path === '/alerts-only')).toEqual([]);
    const log = await eventually(async () => {
      const rows = await app.services.orm.em
        .fork()
        .execute<{ event_type: string; status: string }[]>(
          `select distinct event_type, status from webhook_delivery where reseller_id = ? order by event_type`,
          [resellerId],
        );
      return rows.every((r) => r.status === 'DELIVERED') ? rows : null;
    });
    expect(log).toEqual([
      { event_type: 'statement.approved', status: 'DELIVERED' },
      { event_type: 'statement.drafted', status: 'DELIVERED' },
      { event_type: 'statement.exported', status: 'DELIVERED' },
      { event_type: 'statement.voided', status: 'DELIVERED' },
    ]);
  });
});
