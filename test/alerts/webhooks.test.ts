// Webhooks end to end against a local receiver: registration (admin only, secret shown once, bad input
// named), signed deliveries of alert events (checked here with an independent HMAC), the delivery
// log, retry with backoff, and disabling after repeated failures with a webhook.disabled alert.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/services/api-keys';
import { loadAlertPayloads } from '../../src/services/alerts';
import {
  DISABLE_AFTER_CONSECUTIVE_FAILURES,
  enqueueWebhookEvent,
  webhookQueue,
} from '../../src/services/webhooks';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';
import { sql } from './support';

let app: TestApp;
let receiver: WebhookReceiver;
let receiverUrl: string;
let received: ReceivedRequest[];
/** Status codes the receiver answers with, in order; 200 once exhausted. */
let script: number[] = [];
let adminKey: string;
let technicianKey: string;
let resellerId: string;
let printer: Awaited<ReturnType<typeof newDirectPrinter>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver(() => script.shift() ?? 200);
  ({ url: receiverUrl, received } = receiver);

  app = await startTestApp();
  const mine = await newReseller(app.services.orm.em);
  resellerId = mine.reseller.id;
  adminKey = mine.apiKey;
  const em = app.services.orm.em.fork();
  technicianKey = issueApiKey(em, { resellerId, name: 'tech', role: 'technician' }).key;
  await em.flush();
  const customer = await newCustomer(app.services.orm.em, resellerId);
  printer = await newDirectPrinter(app.services.orm.em, resellerId, customer.id);
});
afterAll(async () => {
  await app?.close();
  await receiver?.close();
});

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url eventTypes enabled } } }`;

async function createWebhook(path: string, eventTypes: string[]) {
  const result = await app.gql<{
    createWebhook: {
      secret: string;
      webhook: { id: string; url: string; eventTypes: string[]; enabled: boolean };
    };
  }>(CREATE, { input: { url: `${receiverUrl}${path}`, eventTypes } }, adminKey);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.createWebhook;
}

async function raiseDeviceAlert(code: string) {
  const batch = {
    schemaVersion: 1,
    alertId: randomUUID(),
    serialNumber: printer.serialNumber,
    alerts: [{ code, severity: 'critical', message: `${code} now`, detectedAt: new Date().toISOString() }],
  };
  expect((await sendSigned(app.url, printer, '/ingest/v1/alerts', batch)).status).toBe(202);
}

/** The receiver's own check, written independently of the server's signing code. */
function signatureValid(secret: string, header: string, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
}

describe('webhook registration', () => {
  it('is for admins only and names a bad URL or event type', async () => {
    const asTech = await app.gql(
      CREATE,
      { input: { url: `${receiverUrl}/x`, eventTypes: ['ALERT_RAISED'] } },
      technicianKey,
    );
    expect(asTech.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badUrl = await app.gql(
      CREATE,
      { input: { url: 'ftp://example.test/hook', eventTypes: ['ALERT_RAISED'] } },
      adminKey,
    );
    expect(badUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    const none = await app.gql(CREATE, { input: { url: `${receiverUrl}/x`, eventTypes: [] } }, adminKey);
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventTypes' });
  });

  it('stores the secret encrypted, never in clear', async () => {
    const { secret, webhook } = await createWebhook('/stored', ['ALERT_UPDATED']);
    expect(secret).toMatch(/^whsec_/);
    const [row] = await sql<{ secret_encrypted: string }>(
      app,
      `select secret_encrypted from webhook where id = ?`,
      [webhook.id],
    );
    expect(row!.secret_encrypted).not.toContain(secret);
    expect(app.services.secrets.decrypt(row!.secret_encrypted, `webhook:${webhook.id}`)).toBe(secret);
    await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id }, adminKey);
  });
});

describe('webhook deliveries', () => {
  it('delivers alert.raised signed with the webhook secret, logs it, and skips events it did not ask for', async () => {
    const { secret, webhook } = await createWebhook('/raised', ['ALERT_RAISED']);
    await raiseDeviceAlert('mediaJam');
    const request = await eventually(async () => received.find((r) => r.path === '/raised'));
    expect(signatureValid(secret, String(request.headers['x-plotmeter-signature']), request.body)).toBe(true);
    expect(
      signatureValid('whsec_wrong', String(request.headers['x-plotmeter-signature']), request.body),
    ).toBe(false);
    const event = JSON.parse(request.body) as {
      id: string;
      type: string;
      data: { alert: { code: string; severity: string; printer: { id: string; serialNumber: string } } };
    };
    expect(event).toMatchObject({
      type: 'alert.raised',
      data: {
        alert: {
          code: 'mediaJam',
          severity: 'CRITICAL',
          printer: { id: printer.printerId, serialNumber: printer.serialNumber },
        },
      },
    });
    expect(request.headers['x-plotmeter-delivery']).toBe(event.id);

    const log = await eventually(async () => {
      const result = await app.gql<{
        webhookDeliveries: Array<{ id: string; status: string; attempts: number; responseStatus: number }>;
      }>(
        `query($id: ID!) { webhookDeliveries(webhookId: $id) { id status attempts responseStatus eventType } }`,
        { id: webhook.id },
        adminKey,
      );
      return result.data?.webhookDeliveries[0]?.status === 'DELIVERED' ? result.data.webhookDeliveries : null;
    });
    expect(log).toEqual([
      { id: event.id, status: 'DELIVERED', attempts: 1, responseStatus: 200, eventType: 'ALERT_RAISED' },
    ]);

    // Acknowledging publishes alert.updated, which this webhook did not subscribe to and a second one
    // did. An event's deliveries are logged in one statement for all its webhooks, so once the second
    // one's has arrived, a delivery for this webhook would be in the log.
    const updates = await createWebhook('/updated', ['ALERT_UPDATED']);
    const [alert] = await sql<{ id: string }>(app, `select id from alert where code = 'mediaJam'`);
    await app.gql(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`,
      { id: alert!.id },
      technicianKey,
    );
    await eventually(async () => received.find((r) => r.path === '/updated'));
    const logged = await sql<{ event_type: string }>(
      app,
      `select event_type from webhook_delivery where webhook_id = ?`,
      [webhook.id],
    );
    expect(logged).toEqual([{ event_type: 'alert.raised' }]);
    expect(received.filter((r) => r.path === '/raised')).toHaveLength(1);
    for (const id of [webhook.id, updates.webhook.id])
      await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id }, adminKey);
  });

  it('retries a failed delivery with backoff and resets the failure count on success', async () => {
    const { webhook } = await createWebhook('/flaky', ['ALERT_UPDATED']);
    const [alert] = await sql<{ id: string }>(app, `select id from alert where code = 'mediaJam'`);
    const [payload] = await loadAlertPayloads(app.services.orm.em.fork(), [alert!.id]);
    script = [503];
    const [deliveryId] = await enqueueWebhookEvent(
      app.services,
      { ...payload!, kind: 'updated', publishedAt: Date.now() },
      { attempts: 3, backoff: { type: 'fixed', delayMs: 50 } },
    );
    const delivery = await eventually(async () => {
      const [row] = await sql<{ status: string; attempts: number; response_status: number }>(
        app,
        `select status, attempts, response_status from webhook_delivery where id = ?`,
        [deliveryId],
      );
      return row?.status === 'DELIVERED' ? row : null;
    });
    expect(delivery).toMatchObject({ attempts: 2, response_status: 200 });
    expect(received.filter((r) => r.path === '/flaky')).toHaveLength(2);
    const [hook] = await sql<{ consecutive_failures: number; last_error: string | null }>(
      app,
      `select consecutive_failures, last_error from webhook where id = ?`,
      [webhook.id],
    );
    expect(hook).toEqual({ consecutive_failures: 0, last_error: null });
    await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id }, adminKey);
  });

  it(`disables a webhook after ${DISABLE_AFTER_CONSECUTIVE_FAILURES} failed attempts in a row, raises webhook.disabled, and re-enabling resolves it`, async () => {
    const { webhook } = await createWebhook('/down', ['ALERT_UPDATED']);
    // Start two failures short of the limit, so the test needs only two attempts.
    await sql(app, `update webhook set consecutive_failures = ? where id = ?`, [
      DISABLE_AFTER_CONSECUTIVE_FAILURES - 2,
      webhook.id,
    ]);
    const [alert] = await sql<{ id: string }>(app, `select id from alert where code = 'mediaJam'`);
    const [payload] = await loadAlertPayloads(app.services.orm.em.fork(), [alert!.id]);
    script = Array(10).fill(500);
    const [deliveryId] = await enqueueWebhookEvent(
      app.services,
      { ...payload!, kind: 'updated', publishedAt: Date.now() },
      { attempts: 6, backoff: { type: 'fixed', delayMs: 20 } },
    );

    const disabled = await eventually(async () => {
      const [row] = await sql<{ enabled: boolean; disabled_at: Date | null; last_error: string }>(
        app,
        `select enabled, disabled_at, last_error from webhook where id = ?`,
        [webhook.id],
      );
      return row && !row.enabled ? row : null;
    });
    expect(disabled.disabled_at).not.toBeNull();
    expect(disabled.last_error).toContain('HTTP 500');
    const [raised] = await sql<{
      id: string;
      code: string;
      status: string;
      printer_id: string | null;
      reseller_id: string;
      message: string;
    }>(app, `select id, code, status, printer_id, reseller_id, message from alert where subject_key = ?`, [
      `webhook:${webhook.id}`,
    ]);
    expect(raised).toMatchObject({
      code: 'webhook.disabled',
      status: 'OPEN',
      printer_id: null,
      reseller_id: resellerId,
    });
    expect(raised!.message).toContain(`${receiverUrl}/down`);
    const [delivery] = await sql<{ status: string; attempts: number }>(
      app,
      `select status, attempts from webhook_delivery where id = ?`,
      [deliveryId],
    );
    expect(delivery).toEqual({ status: 'FAILED', attempts: 2 });
    // No retries after the webhook was disabled: the delivery's job has ended for good (failed, not
    // waiting for another attempt), after two requests.
    const queue = webhookQueue(app.services);
    await eventually(async () => (await queue.getJobState(deliveryId!)) === 'failed');
    expect((await queue.getJob(deliveryId!))!.attemptsMade).toBe(2);
    expect(received.filter((r) => r.path === '/down')).toHaveLength(2);

    const enabled = await app.gql<{ updateWebhook: { enabled: boolean; consecutiveFailures: number } }>(
      `mutation($id: ID!) { updateWebhook(id: $id, input: { enabled: true }) { enabled consecutiveFailures } }`,
      { id: webhook.id },
      adminKey,
    );
    expect(enabled.data!.updateWebhook).toEqual({ enabled: true, consecutiveFailures: 0 });
    const [after] = await sql<{ status: string }>(app, `select status from alert where id = ?`, [raised!.id]);
    expect(after!.status).toBe('RESOLVED');
  });
});
