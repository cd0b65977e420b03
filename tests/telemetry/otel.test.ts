// Telemetry through OpenTelemetry (issue 26, part 2), read by the OpenTelemetry SDK's in-memory
// exporter and a collecting metric reader, against the emulator: a span per call with a child per
// attempt carrying the HTTP client conventions' attributes, metrics for calls, retries, throttles
// and quota wait, and nothing secret or personal in any attribute.
import { createPresence } from '@rollcall/presence-core';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { DEFAULT_APPS, DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '@rollcall/emulator';
import type { Telemetry } from '@rollcall/runtime';
import { openTelemetry } from '@rollcall/runtime/otel';
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const USER_IDS = ['1847260331508621312', '1847260331508621313', '6812345672'];
const GROUP = '7226277271248584971';

let emulator: RunningEmulator;
let exporter: InMemorySpanExporter;
let reader: CollectingReader;
let telemetry: Telemetry;

beforeAll(async () => {
  emulator = await startEmulator({ qps: 'off' });
  emulator.world.join('volcengine-im', GROUP, { userId: USER_IDS[0]!, joinedAt: 0 });
});
afterAll(() => emulator?.close());
beforeEach(() => {
  exporter = new InMemorySpanExporter();
  reader = new CollectingReader();
  telemetry = openTelemetry({
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    meterProvider: new MeterProvider({ readers: [reader] }),
  });
  emulator.setFaults([]);
});

const client = (options: object = {}) => createVolcengineRtcClient({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url, telemetry, ...options });
const status = (options: object = {}) =>
  client(options).queryLiveParticipantStatus({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: GROUP, ParticipantUserIds: USER_IDS });

/** The value of each metric: a counter's sum, a histogram's count, by name, for points matching `where`. */
async function collected(where: Record<string, unknown> = {}) {
  const { resourceMetrics } = await reader.collect();
  const out: Record<string, number> = {};
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
        if (!Object.entries(where).every(([key, value]) => point.attributes[key] === value)) continue;
        const value = typeof point.value === 'number' ? point.value : point.value.count;
        out[metric.descriptor.name] = (out[metric.descriptor.name] ?? 0) + value;
      }
    }
  }
  return out;
}

const spans = () => exporter.getFinishedSpans();
const byKind = (kind: SpanKind) => spans().filter((span) => span.kind === kind);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** No attribute value of any span holds a secret, a user id, the group, a signature or a URL. */
function expectNothingSecret() {
  const values = spans().flatMap((span) => Object.values(span.attributes).map(String));
  const forbidden = [DEMO_CREDENTIALS.volcengine.secretAccessKey, ...USER_IDS, GROUP, 'Signature', 'HMAC-SHA256', emulator.url, '?'];
  for (const value of values) for (const word of forbidden) expect(value).not.toContain(word);
}

describe('a call', () => {
  it('is a span with one CLIENT child per attempt, named and attributed by the conventions', async () => {
    const answer = await status();
    const [call] = byKind(SpanKind.INTERNAL);
    const attempts = byKind(SpanKind.CLIENT);
    expect(call!.name).toBe('volcengine QueryLiveParticipantStatus');
    expect(call!.status.code).toBe(SpanStatusCode.UNSET);
    expect(attempts).toHaveLength(1);
    const { hostname, port } = new URL(emulator.url);
    expect(parentOf(attempts[0]!)).toBe(call!.spanContext().spanId);
    expect(attempts[0]!.name).toBe('POST');
    expect(attempts[0]!.attributes).toEqual({
      'rollcall.vendor': 'volcengine',
      'rollcall.operation': 'QueryLiveParticipantStatus',
      'server.address': hostname,
      'server.port': Number(port),
      'http.request.method': 'POST',
      'rollcall.attempt': 1,
      // A client of its own sends at once: no limiter to wait for.
      'rollcall.quota_wait_ms': expect.any(Number),
      'http.response.status_code': 200,
      'rollcall.request_id': answer.$metadata.requestId,
    });
    expect(attempts[0]!.attributes['rollcall.quota_wait_ms']).toBeLessThan(50);
    expect(await collected()).toMatchObject({ 'rollcall.client.calls': 1, 'http.client.request.duration': 1, 'rollcall.client.quota_wait': 1 });
    expect((await collected())['rollcall.client.retries']).toBeUndefined();
    expectNothingSecret();
  });

  it('throttled once, then answered: two attempts, the first a ThrottledError with its 429, counted', async () => {
    emulator.setFaults([{ operation: 'QueryLiveParticipantStatus', kind: 'throttle', times: 1 }]);
    const answer = await status({ retry: { baseDelayMs: 1 } });
    expect(answer.$metadata.attempts).toBe(2);
    const attempts = byKind(SpanKind.CLIENT);
    expect(attempts.map((span) => [span.attributes['rollcall.attempt'], span.attributes['error.type'], span.attributes['http.response.status_code']])).toEqual([
      [1, 'ThrottledError', 429],
      [2, undefined, 200],
    ]);
    expect(attempts[0]!.attributes['rollcall.error_code']).toBe('FlowLimitExceeded.QPSOverLimit');
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[1]!.attributes['http.request.resend_count']).toBe(1);
    expect(await collected()).toMatchObject({
      'rollcall.client.calls': 1,
      'rollcall.client.retries': 1,
      'rollcall.client.throttles': 1,
      'http.client.request.duration': 2,
    });
    expect(await collected({ 'error.type': 'ThrottledError' })).toMatchObject({ 'http.client.request.duration': 1 });
    expectNothingSecret();
  });

  it('that fails ends its span in error, with the class as error.type and no message', async () => {
    const error = await client()
      .getRoomOnlineUsers({ AppId: 'no-such-app', RoomId: 'room' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const [call] = byKind(SpanKind.INTERNAL);
    expect(call!.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(call!.attributes['error.type']).toBe((error as Error).name);
    expect(call!.events).toEqual([]);
    expect(await collected({ 'rollcall.outcome': (error as Error).name })).toMatchObject({ 'rollcall.client.calls': 1 });
  });

  it('with no telemetry option, nothing is recorded', async () => {
    await createVolcengineRtcClient({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url }).queryLiveParticipantStatus({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: GROUP,
      ParticipantUserIds: USER_IDS,
    });
    expect(spans()).toEqual([]);
    expect(await collected()).toEqual({});
  });
});

describe('through presence-core', () => {
  it("records each attempt's wait for the quota, and presence-core's own hooks still fire", async () => {
    const requests: number[] = [];
    const presence = createPresence(
      volcengine({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url, imAppId: DEFAULT_APPS.volcengineImAppId, telemetry }),
      // Five calls a second: the later calls of a 2,000-id lookup wait their turn.
      { qps: { QueryLiveParticipantStatus: 5 }, hooks: { onRequest: () => requests.push(Date.now()) } },
    );
    const ids = Array.from({ length: 2000 }, (_, i) => (1847260331508621312n + BigInt(i)).toString());
    const entries = await presence.status(GROUP, ids);
    expect(entries.map((entry) => entry.userId)).toEqual(ids);
    expect(requests).toHaveLength(10);
    const attempts = byKind(SpanKind.CLIENT);
    expect(attempts).toHaveLength(10);
    const waits = attempts.map((span) => span.attributes['rollcall.quota_wait_ms'] as number);
    // Ten calls at five a second: the last waited most of two seconds for its turn.
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(900);
    expect(await collected()).toMatchObject({ 'rollcall.client.calls': 10, 'rollcall.client.quota_wait': 10 });
    expectNothingSecret();
  });
});
