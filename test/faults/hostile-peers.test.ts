// Slow or hostile peers against the compiled server (an api+ingest process and a worker process), each
// met by a server-side limit while another tenant's requests, signed reports, subscription and webhook
// keep working:
// - slowloris: connections that trickle their headers one byte at a time are answered 408 and closed
//   after HTTP_HEADERS_TIMEOUT_MS; a body trickled the same way after HTTP_REQUEST_TIMEOUT_MS;
// - a WebSocket client that subscribes and then never reads: once WS_MAX_BUFFERED_BYTES wait in the
//   server's send buffer, the server terminates the socket (and says so in its log);
// - webhook receivers that hang (never answer) or answer an error with an endless body: the delivery
//   gives up after its 10 s timeout, and reads at most 2 KB of an error body before closing.
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { clearRedisPrefix, eventually, testRedisPrefix } from '../support/app';
import { createFaultFleet, type FaultFleet } from '../support/fault-fixtures';
import { report, type FleetPrinter } from '../support/fault-load';
import { liveSubscriber, type LiveSubscriber } from '../support/live-subscriber';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { sendSigned } from '../support/signed';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HEADERS_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 4_000;
const WS_MAX_BUFFERED_BYTES = 256 * 1024;

const prefix = testRedisPrefix();
let hostile: FaultFleet;
let other: FaultFleet;
let server: ServerProcess;
let worker: ServerProcess;
const cleanups: Array<() => unknown> = [];

async function gql<T>(
  apiKey: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; data?: T; errors?: unknown[] }> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as { data?: T; errors?: unknown[] }) };
}

/** The other tenant's everyday traffic: a GraphQL query and a signed report, both must succeed. */
async function otherTenantWorks(): Promise<void> {
  const query = await gql<{ printers: { edges: unknown[] } }>(
    other.apiKey,
    `{ printers(first: 5) { edges { node { id } } } }`,
  );
  expect(query.status).toBe(200);
  expect(query.data?.printers.edges).toHaveLength(other.printers.length);
  const printer = other.printers[0]!;
  expect((await sendSigned(server.url, printer, '/ingest/v1/reports', report(printer))).status).toBe(202);
}

function alertBatch(printer: FleetPrinter, count: number, message: (i: number) => string) {
  return {
    schemaVersion: 1,
    alertId: randomUUID(),
    serialNumber: printer.serialNumber,
    alerts: Array.from({ length: count }, (_, i) => ({
      code: 'mediaJam',
      severity: 'critical',
      message: message(i),
      component: `c-${randomUUID()}`,
      detectedAt: new Date().toISOString(),
    })),
  };
}

/** A batch of `count` critical alerts from the tenant's printer, through the ingest. */
const raiseAlerts = (tenant: FaultFleet, count: number, message: (i: number) => string) =>
  sendSigned(
    server.url,
    tenant.printers[0]!,
    '/ingest/v1/alerts',
    alertBatch(tenant.printers[0]!, count, message),
  );

async function listen(handler: (res: ServerResponse, socket: net.Socket) => void): Promise<Server> {
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => handler(response, request.socket));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  cleanups.push(() => receiver.closeAllConnections());
  cleanups.push(() => receiver.close());
  return receiver;
}
const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`;

beforeAll(async () => {
  hostile = await createFaultFleet(1);
  other = await createFaultFleet(1, hostile.db);
  const env = {
    DATABASE_URL: hostile.db.serverUrl,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    WS_MAX_BUFFERED_BYTES: String(WS_MAX_BUFFERED_BYTES),
  };
  server = await startServerProcess({ roles: 'api,ingest', env });
  worker = await startServerProcess({ roles: 'worker', env, wait: false });
}, 120_000);
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await Promise.all([server?.kill(), worker?.kill()]);
  await clearRedisPrefix(REDIS_URL, prefix);
  await other?.close();
  await hostile?.close();
});

const hostileWebhooks: string[] = [];
async function createWebhook(apiKey: string, url: string): Promise<string> {
  const created = await gql<{ createWebhook: { webhook: { id: string } } }>(
    apiKey,
    `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`,
    { input: { url, eventTypes: ['ALERT_RAISED'] } },
  );
  expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
  return created.data!.createWebhook.webhook.id;
}

/** Opens a connection that sends `head` and then one more byte every 200 ms, for as long as it is open. */
function trickle(head: string, bytes: () => string): Promise<{ answer: string; trickled: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    let answer = '';
    let trickled = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (!socket.writable) return;
        socket.write(bytes());
        trickled += 1;
      }, 200);
    });
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, trickled });
    });
    // Far beyond the limits: the server must have closed it long before.
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a trickling connection open for 60 s (sent ${trickled} bytes)`));
    }, 60_000).unref();
  });
}

describe('slow or hostile peers', () => {
  it('closes slowloris connections (headers, then body) at their deadlines; other tenants unaffected', async () => {
    const port = new URL(server.url).port;
    const headers = Array.from({ length: 40 }, () =>
      trickle(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, () => 'X'),
    );
    const bodies = Array.from({ length: 10 }, () =>
      trickle(
        `POST /ingest/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`,
        () => ' ',
      ),
    );
    // While 50 connections trickle, the other tenant's requests are served as usual.
    await otherTenantWorks();
    const slowHeaders = await Promise.all(headers);
    const slowBodies = await Promise.all(bodies);
    for (const closed of [...slowHeaders, ...slowBodies]) expect(closed.answer).toMatch(/^HTTP\/1\.1 408/);
    // Each kept sending until the server closed it: the limit, not the client, ended it.
    const headerBytes = slowHeaders.map((c) => c.trickled);
    const bodyBytes = slowBodies.map((c) => c.trickled);
    console.log(
      `slowloris: header tricklers closed after ${Math.min(...headerBytes)}-${Math.max(...headerBytes)} bytes (one per 200 ms; limit ${HEADERS_TIMEOUT_MS} ms), body tricklers after ${Math.min(...bodyBytes)}-${Math.max(...bodyBytes)} (limit ${REQUEST_TIMEOUT_MS} ms)`,
    );
    expect(Math.min(...headerBytes, ...bodyBytes)).toBeGreaterThan(0);
    await otherTenantWorks();
  }, 120_000);

  it('terminates a WebSocket that never reads once its send buffer passes the limit', async () => {
    // The other tenant's technician, subscribed as usual.
    const otherSubscriber: LiveSubscriber<{ alertRaised: { message: string } }> = liveSubscriber(
      'other',
      server.url,
      other.apiKey,
      `subscription { alertRaised { message } }`,
    );
    cleanups.push(() => otherSubscriber.close());
    // The hostile client: 16 subscriptions, each result 25 copies of a 1,000-character message, then
    // it stops reading its socket.
    const fields = Array.from({ length: 25 }, (_, i) => `m${i}: message`).join(' ');
    const hog = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    cleanups.push(() => hog.terminate());
    await new Promise<void>((resolve, reject) => {
      hog.once('error', reject);
      hog.once('open', () => {
        hog.send(
          JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${hostile.apiKey}` } }),
        );
      });
      hog.once('message', (data) => {
        expect(JSON.parse(String(data))).toMatchObject({ type: 'connection_ack' });
        resolve();
      });
    });
    for (let i = 0; i < 16; i++)
      hog.send(
        JSON.stringify({
          id: String(i),
          type: 'subscribe',
          payload: { query: `subscription { alertRaised { ${fields} } }` },
        }),
      );
    let hogClosed = false;
    hog.on('close', () => (hogClosed = true));
    // Both tenants' subscriptions are live before the flood (a probe alert each way).
    await eventually(
      async () => {
        await raiseAlerts(other, 1, () => 'ready');
        return otherSubscriber.events.length > 0;
      },
      30_000,
      1_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    hog.pause();

    // 300 alerts of 1,000 characters: far more than the kernel's socket buffers hold.
    for (let batch = 0; batch < 3; batch++) {
      const sent = await raiseAlerts(hostile, 100, (i) => `${batch}/${i} `.padEnd(1000, 'x'));
      expect(sent.status).toBe(202);
    }
    const log = () => server.output.join('');
    await eventually(
      async () => log().includes('closed a GraphQL WebSocket whose client does not read'),
      60_000,
      200,
    );
    const line = log()
      .split('\n')
      .find((l) => l.includes('closed a GraphQL WebSocket'))!;
    const { bufferedBytes, limit } = JSON.parse(line) as { bufferedBytes: number; limit: number };
    expect(limit).toBe(WS_MAX_BUFFERED_BYTES);
    expect(bufferedBytes).toBeGreaterThan(WS_MAX_BUFFERED_BYTES);
    console.log(`never-reading WebSocket terminated with ${bufferedBytes} bytes buffered (limit ${limit})`);

    // Meanwhile the other tenant hears its own alert at once and its requests are served.
    await raiseAlerts(other, 1, () => 'during');
    await eventually(
      async () => otherSubscriber.events.some((e) => e.alertRaised.message === 'during'),
      30_000,
    );
    await otherTenantWorks();
    // The hog, reading again, finds its connection ended by the server.
    hog.resume();
    await eventually(async () => hogClosed, 30_000);
  }, 180_000);

  it('gives up on a webhook receiver that hangs and reads only the start of an endless error body', async () => {
    let hangingOpen = 0;
    let hangingClosed = 0;
    const hanging = await listen((_res, socket) => {
      hangingOpen += 1;
      socket.on('close', () => (hangingClosed += 1));
    });
    let endlessWritten = 0;
    let endlessClosed = false;
    const endless = await listen((res, socket) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'e');
      const pump = () => {
        while (!socket.destroyed && endlessWritten < 1024 * 1024 * 1024) {
          endlessWritten += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      socket.on('close', () => (endlessClosed = true));
      pump();
    });
    const delivered: string[] = [];
    const fine = await listen((res) => {
      delivered.push('ok');
      res.writeHead(204).end();
    });

    for (const [apiKey, url] of [
      [hostile.apiKey, urlOf(hanging)],
      [hostile.apiKey, urlOf(endless)],
      [other.apiKey, urlOf(fine)],
    ] as const) {
      const created = await createWebhook(apiKey, url);
      if (apiKey === hostile.apiKey) hostileWebhooks.push(created);
    }

    await raiseAlerts(hostile, 1, () => 'to hooks');
    await eventually(async () => hangingOpen > 0, 30_000);
    // While the hostile tenant's delivery hangs, the other tenant's webhook is delivered.
    await raiseAlerts(other, 1, () => 'to hook');
    await eventually(async () => delivered.length > 0, 30_000);
    expect(hangingClosed).toBe(0);

    type Delivery = { url: string; error: string | null; attempts: number };
    const deliveries = async () =>
      hostile.orm.em
        .fork()
        .execute<Delivery[]>(
          `select w.url, d.error, d.attempts from webhook_delivery d join webhook w on w.id = d.webhook_id where d.reseller_id = ?`,
          [hostile.resellerId],
        );
    const failed = await eventually(
      async () => {
        const rows = await deliveries();
        return rows.length === 2 && rows.every((d) => d.attempts >= 1) ? rows : null;
      },
      60_000,
      250,
    );
    const byUrl = new Map(failed.map((d) => [d.url, d]));
    expect(byUrl.get(urlOf(hanging))!.error).toBe('no answer within 10000 ms');
    // The endless body: the error names the status and the first 500 characters; nothing waited for
    // the rest, and the connection was closed after a bounded amount.
    expect(byUrl.get(urlOf(endless))!.error).toBe(`HTTP 500: ${'e'.repeat(500)}`);
    await eventually(async () => endlessClosed && hangingClosed > 0, 30_000);
    console.log(
      `endless webhook body: ${endlessWritten} bytes written before the worker closed the connection`,
    );
    expect(endlessWritten).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);
  it("keeps a tenant whose receiver hangs to half of a worker's delivery slots", async () => {
    for (const id of hostileWebhooks.splice(0))
      await gql(hostile.apiKey, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id });
    let opened = 0;
    let closed = 0;
    let mostAtOnce = 0;
    const hanging = await listen((_res, socket) => {
      opened += 1;
      mostAtOnce = Math.max(mostAtOnce, opened - closed);
      socket.on('close', () => (closed += 1));
    });
    let delivered = 0;
    let hangingClosedWhenDelivered = -1;
    const fine = await listen((res) => {
      delivered += 1;
      hangingClosedWhenDelivered = closed;
      res.writeHead(204).end();
    });
    hostileWebhooks.push(await createWebhook(hostile.apiKey, urlOf(hanging)));
    await createWebhook(other.apiKey, urlOf(fine));

    // Twelve deliveries to the hanging receiver at once: more than the worker's 8 slots.
    await raiseAlerts(hostile, 12, (i) => `hang ${i}`);
    await eventually(async () => opened >= 4, 30_000);
    await raiseAlerts(other, 1, () => 'fair');
    await eventually(async () => delivered > 0, 30_000);
    // The other tenant's delivery did not wait for a hanging attempt to time out, and the hanging tenant
    // never held more than half of the 8 slots.
    expect(hangingClosedWhenDelivered).toBe(0);
    expect(mostAtOnce).toBe(4);
    console.log(`webhook fairness: ${opened} hanging attempts started, at most ${mostAtOnce} at once`);
  }, 120_000);
});
