// OpenTelemetry tracing: off unless the standard OTEL_* variables ask for it; when on, a report's ingest
// span and the worker's persist span share one trace id (the trace context travels in the job data),
// exported over OTLP/HTTP to a receiver on a free port, continuing the traceparent the sender sent.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleDirectReport } from '@plotmeter/protocol';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { otlpTracesUrl, tracingWanted } from '../../src/observability/tracing';
import { queueOptions } from '../../src/queue/queues';
import { eventually, startTestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** OTLP/JSON carries ids as hex; accept base64 too (the protobuf-JSON mapping). */
const hex = (id: string) => (/^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

describe('tracing configuration', () => {
  it('is off unless an exporter or an OTLP endpoint is set, and OTEL_SDK_DISABLED wins', () => {
    const wanted = (env: Record<string, string>) => tracingWanted(loadConfig(env));
    expect(wanted({})).toBe(false);
    expect(wanted({ OTEL_SERVICE_NAME: 'x' })).toBe(false);
    expect(wanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(wanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(wanted({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(
      wanted({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }),
    ).toBe(false);
    expect(wanted({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'console' })).toBe(false);
  });

  it('sends to <endpoint>/v1/traces unless a traces endpoint is given, and refuses unknown values by name', () => {
    expect(otlpTracesUrl(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      otlpTracesUrl(
        loadConfig({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:9999/traces',
        }),
      ),
    ).toBe('http://other:9999/traces');
    expect(otlpTracesUrl(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }))).toBe(
      'http://localhost:4318/v1/traces',
    );
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER must be otlp/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });
});

describe('with tracing off', () => {
  it('queues reports without any trace context', async () => {
    const app = await startTestApp({ db, roles: ['ingest'] });
    try {
      const { reseller } = await newReseller(app.services.orm.em);
      const customer = await newCustomer(app.services.orm.em, reseller.id);
      const printer = await newDirectPrinter(app.services.orm.em, reseller.id, customer.id);
      const report = exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() });
      const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
      const sent = await sendSigned(app.url, printer, '/ingest/v1/reports', report, {
        headers: { traceparent },
      });
      expect(sent.status).toBe(202);
      const queue = new Queue(
        'reports',
        queueOptions({ url: app.config.REDIS_URL }, app.config.REDIS_PREFIX),
      );
      try {
        const [job] = await queue.getWaiting();
        expect(job!.data.reportId).toBe(report.reportId);
        expect(job!.data).not.toHaveProperty('trace');
      } finally {
        await queue.close();
      }
    } finally {
      await app.close();
    }
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let receiver: Server;
  let endpoint: string;
  const spans: OtlpSpan[] = [];
  const services = new Set<string>();
  beforeAll(async () => {
    // A minimal OTLP/HTTP (JSON) trace receiver.
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (request.url === '/v1/traces' && request.headers['content-type']?.includes('json')) {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            resourceSpans: Array<{
              resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
              scopeSpans: Array<{ spans: OtlpSpan[] }>;
            }>;
          };
          for (const rs of body.resourceSpans) {
            const name = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
            if (name) services.add(name);
            for (const ss of rs.scopeSpans) spans.push(...ss.spans);
          }
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else {
          response.writeHead(415).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise((r) => receiver?.close(r)));

  it("exports a report's ingest span and the worker's persist span in one trace, continuing the sender's", async () => {
    const app = await startTestApp({
      db,
      roles: ['ingest', 'worker'],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'plotmeter-test' },
    });
    const traceId = randomBytes(16).toString('hex');
    const report = exampleDirectReport({ serialNumber: 'placeholder', reportId: randomUUID() });
    try {
      const { reseller } = await newReseller(app.services.orm.em);
      const customer = await newCustomer(app.services.orm.em, reseller.id);
      const printer = await newDirectPrinter(app.services.orm.em, reseller.id, customer.id);
      report.printers[0]!.device.serialNumber = printer.serialNumber;
      const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
      const sent = await sendSigned(app.url, printer, '/ingest/v1/reports', report, {
        headers: { traceparent },
      });
      expect(sent.status).toBe(202);
      await eventually(async () => {
        const [row] = await app.services.orm.em
          .fork()
          .execute<{ n: number }[]>(`select count(*)::int as n from raw_report where report_id = ?`, [
            report.reportId,
          ]);
        return row!.n === 1;
      });
    } finally {
      await app.close(); // flushes the spans still buffered
    }
    const ingest = spans.find((s) => s.name === 'POST /ingest/v1/reports');
    const persist = spans.find(
      (s) =>
        s.name === 'reports persist-report' &&
        s.attributes.some((a) => a.key === 'plotmeter.report_id' && a.value.stringValue === report.reportId),
    );
    expect(ingest, `spans: ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
    expect(persist, `spans: ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
    expect(hex(ingest!.traceId)).toBe(traceId);
    expect(hex(persist!.traceId)).toBe(traceId);
    // The persist span is the ingest request's child: SERVER (2) then CONSUMER (5).
    expect(hex(persist!.parentSpanId!)).toBe(hex(ingest!.spanId));
    expect([ingest!.kind, persist!.kind]).toEqual([2, 5]);
    expect(services).toEqual(new Set(['plotmeter-test']));
  });
});
