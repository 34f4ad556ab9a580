// OpenTelemetry tracing across ingest -> queue -> worker -> API, off by default.
//
// On when the standard variables ask for it: OTEL_TRACES_EXPORTER=otlp|console, or an OTLP endpoint
// (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) without OTEL_TRACES_EXPORTER=none;
// OTEL_SDK_DISABLED=true wins over both. Spans:
// - every HTTP request of the api and ingest roles (SERVER, `POST /ingest/v1/reports`, `POST /graphql`),
//   continuing a W3C `traceparent` the client sent;
// - every worker job (CONSUMER, `reports persist-report`), continuing the trace of whoever queued it:
//   the ingest routes put the W3C trace context into the job's data (`trace`), so a report's ingest
//   span and the worker's persist span share one trace id.
// When off, nothing is loaded from the SDK, no span object is made and no job carries a `trace` field:
// the hot paths pay one boolean test (docs/operations.md, "Tracing").
import {
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { Config } from '../config';

/** W3C trace context as carried in job data (the `traceparent` and `tracestate` headers' values). */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

interface TracingState {
  tracer: Tracer;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let state: TracingState | null = null;
let users = 0;

/** Whether spans are being recorded in this process (checked on every hot path before any work). */
export const tracingOn = (): boolean => state !== null;

export function tracingWanted(config: Config): boolean {
  if (config.OTEL_SDK_DISABLED) return false;
  if (config.OTEL_TRACES_EXPORTER) return config.OTEL_TRACES_EXPORTER !== 'none';
  return Boolean(config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** Where OTLP/HTTP traces go, per the specification's precedence. */
export function otlpTracesUrl(config: Config): string {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Starts tracing for this process when the configuration asks for it (idempotent: roles started
 * separately in one process share one provider). Returns what to call at shutdown: it flushes the
 * spans still buffered, and the last caller shuts the provider down.
 */
export async function startTracing(
  config: Config,
  roles: readonly string[],
  options: { exporter?: import('@opentelemetry/sdk-trace-base').SpanExporter } = {},
): Promise<() => Promise<void>> {
  if (!options.exporter && !tracingWanted(config)) return async () => undefined;
  if (!state) {
    // Loaded only when on: a process without tracing never loads the SDK.
    const [{ NodeTracerProvider }, { BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter }] =
      await Promise.all([import('@opentelemetry/sdk-trace-node'), import('@opentelemetry/sdk-trace-base')]);
    const { resourceFromAttributes } = await import('@opentelemetry/resources');
    let processor;
    if (options.exporter) processor = new SimpleSpanProcessor(options.exporter);
    else if (config.OTEL_TRACES_EXPORTER === 'console')
      processor = new BatchSpanProcessor(new ConsoleSpanExporter());
    else {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(config) }));
    }
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({
        'service.name': config.OTEL_SERVICE_NAME,
        'service.version': process.env.npm_package_version ?? '0.1.0',
        'plotmeter.roles': roles.join(','),
      }),
      spanProcessors: [processor],
    });
    // Registers the W3C propagator and the async-hooks context manager, so spans nest across awaits.
    provider.register();
    state = {
      tracer: trace.getTracer('plotmeter'),
      flush: () => provider.forceFlush(),
      shutdown: () => provider.shutdown(),
    };
  }
  users += 1;
  let stopped = false;
  return async () => {
    if (stopped || !state) return;
    stopped = true;
    users -= 1;
    const current = state;
    if (users > 0) return current.flush();
    state = null;
    await current.shutdown();
    trace.disable();
    propagation.disable();
    otelContext.disable();
  };
}

/** The trace context of `ctx` as a carrier for job data, or undefined when tracing is off. */
export function traceCarrier(ctx: Context | undefined): TraceCarrier | undefined {
  if (!state || !ctx) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent ? carrier : undefined;
}

export interface RequestTrace {
  span: Span;
  context: Context;
  /** Runs `fn` (the rest of the request) with the span active. */
  run(fn: () => void): void;
}

/** Starts a SERVER span for an HTTP request, continuing the caller's `traceparent`; null when off. */
export function startRequestSpan(
  method: string,
  headers: Record<string, string | string[] | undefined>,
): RequestTrace | null {
  if (!state) return null;
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = state.tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
  const ctx = trace.setSpan(parent, span);
  return { span, context: ctx, run: (fn) => otelContext.with(ctx, fn) };
}

/** Ends a request span with its route and status (5xx marks it an error). */
export function endRequestSpan(span: Span, route: string, method: string, status: number): void {
  span.updateName(`${method} ${route}`);
  span.setAttributes({
    'http.request.method': method,
    'http.route': route,
    'http.response.status_code': status,
  });
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/**
 * Runs a worker job inside a CONSUMER span that continues the trace its data carries (if any); the
 * job's own work (queries, the batch it joins) runs in that span's context. Without tracing: `run()`.
 */
export async function inJobSpan<T>(
  queue: string,
  job: { id?: string; name: string; attemptsMade: number; data: unknown },
  run: () => Promise<T>,
): Promise<T> {
  if (!state) return run();
  const carried = (job.data as { trace?: TraceCarrier } | null)?.trace;
  const parent = carried ? propagation.extract(ROOT_CONTEXT, carried) : ROOT_CONTEXT;
  return state.tracer.startActiveSpan(
    `${queue} ${job.name}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.destination.name': queue,
        'messaging.message.id': job.id ?? '',
        'plotmeter.job.attempt': job.attemptsMade + 1,
      },
    },
    parent,
    async (span) => {
      try {
        return await run();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Adds attributes to the active span (a no-op without tracing or outside a span). */
export function annotateSpan(attributes: Record<string, string | number | boolean>): void {
  if (!state) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}
