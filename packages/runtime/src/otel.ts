// `@rollcall/runtime/otel`: telemetry through OpenTelemetry's API (`@opentelemetry/api`, an optional
// peer dependency: only this entry imports it, so an app that never imports it loads nothing).
//
// Each client call is a span (`<vendor> <operation>`, INTERNAL), and each attempt a CLIENT span
// under it named by its HTTP method, with the HTTP client semantic conventions' attributes
// (`http.request.method`, `server.address`, `server.port`, `http.response.status_code`,
// `error.type`, `http.request.resend_count`) and rollcall's (`rollcall.vendor`,
// `rollcall.operation`, `rollcall.attempt`, `rollcall.quota_wait_ms`, `rollcall.request_id`,
// `rollcall.error_code`). No URL, query, body or message is recorded: those carry signatures, user
// ids and vendors' messages quoting them. Metrics: `http.client.request.duration` per attempt (the
// convention's histogram, seconds), and `rollcall.client.calls`, `rollcall.client.retries`,
// `rollcall.client.throttles`, `rollcall.client.quota_wait` (seconds).
import { context, metrics, SpanKind, SpanStatusCode, trace, type Attributes, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import type { Telemetry, TracedCall } from './contract.js';
import type { RetryStrategy } from './retry.js';

export interface OpenTelemetryOptions {
  /** Default: the global one (`trace.setGlobalTracerProvider`, or what an SDK's `register()` set). */
  tracerProvider?: TracerProvider | undefined;
  /** Default: the global one. */
  meterProvider?: MeterProvider | undefined;
}

const SCOPE = '@rollcall/runtime';
// The convention's advice for http.client.request.duration, in seconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** What an attempt's failure says: the class (`ThrottledError`…), the vendor's code and HTTP status, if any. */
function failureOf(error: unknown): { type: string; code?: string; status?: number } {
  // A refusal the engine answers by signing again (a clock or credentials corrected) is its refusal.
  const failure = (error as { refusal?: unknown })?.refusal ?? error;
  const { name, code, httpStatus } = (failure ?? {}) as { name?: unknown; code?: unknown; httpStatus?: unknown };
  return {
    type: typeof name === 'string' && name !== 'Error' ? name : '_OTHER',
    ...(typeof code === 'string' && { code }),
    ...(typeof httpStatus === 'number' && { status: httpStatus }),
  };
}

/** Telemetry through OpenTelemetry: pass it as a client's (or presence-core provider's) `telemetry` option. */
export function openTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const duration = meter.createHistogram('http.client.request.duration', {
    unit: 's',
    description: 'Duration of HTTP client requests (each attempt).',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const calls = meter.createCounter('rollcall.client.calls', { description: 'Client calls, by how they ended.' });
  const retries = meter.createCounter('rollcall.client.retries', { description: 'Attempts after the first.' });
  const throttles = meter.createCounter('rollcall.client.throttles', { description: 'Attempts the vendor throttled.' });
  const quotaWait = meter.createHistogram('rollcall.client.quota_wait', {
    unit: 's',
    description: "Time an attempt waited for its turn in the quota's limiter.",
  });

  return {
    async call(call: TracedCall, run) {
      const common: Attributes = {
        'rollcall.vendor': call.vendor,
        'rollcall.operation': call.operation,
        'server.address': call.serverAddress,
        'server.port': call.serverPort,
      };
      const span = tracer.startSpan(`${call.vendor} ${call.operation}`, { kind: SpanKind.INTERNAL, attributes: common });
      const parent = trace.setSpan(context.active(), span);
      const attempts = (strategy: RetryStrategy): RetryStrategy => ({
        next: (error, n) => strategy.next(error, n),
        attempt(n, send) {
          const askedAt = performance.now();
          return strategy.attempt(n, async (timeoutMs) => {
            const startedAt = performance.now();
            const waitedMs = startedAt - askedAt;
            const attributes: Attributes = {
              ...common,
              'http.request.method': call.method,
              'rollcall.attempt': n,
              'rollcall.quota_wait_ms': Math.round(waitedMs),
              ...(n > 1 && { 'http.request.resend_count': n - 1 }),
            };
            const attemptSpan = tracer.startSpan(call.method, { kind: SpanKind.CLIENT, attributes }, parent);
            quotaWait.record(waitedMs / 1000, common);
            if (n > 1) retries.add(1, common);
            const finish = (extra: Attributes, failed: boolean) => {
              attemptSpan.setAttributes(extra);
              if (failed) attemptSpan.setStatus({ code: SpanStatusCode.ERROR });
              attemptSpan.end();
              duration.record((performance.now() - startedAt) / 1000, {
                'http.request.method': call.method,
                'server.address': call.serverAddress,
                'server.port': call.serverPort,
                ...(extra['http.response.status_code'] !== undefined && { 'http.response.status_code': extra['http.response.status_code'] }),
                ...(extra['error.type'] !== undefined && { 'error.type': extra['error.type'] }),
              });
            };
            try {
              const answer = await send(timeoutMs);
              const [, requestId, status] = answer as unknown as [unknown, string | undefined, number];
              finish({ 'http.response.status_code': status, ...(requestId && { 'rollcall.request_id': requestId }) }, false);
              return answer;
            } catch (error) {
              const failure = failureOf(error);
              if (failure.type === 'ThrottledError') throttles.add(1, common);
              finish(
                {
                  'error.type': failure.type,
                  ...(failure.code !== undefined && { 'rollcall.error_code': failure.code }),
                  ...(failure.status !== undefined && { 'http.response.status_code': failure.status }),
                },
                true,
              );
              throw error;
            }
          });
        },
      });
      try {
        const result = await context.with(parent, () => run(attempts));
        calls.add(1, { ...common, 'rollcall.outcome': 'ok' });
        return result;
      } catch (error) {
        const { type } = failureOf(error);
        span.setAttribute('error.type', type);
        span.setStatus({ code: SpanStatusCode.ERROR });
        calls.add(1, { ...common, 'rollcall.outcome': type });
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
