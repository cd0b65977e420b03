// The real generated client against a Prism mock started from specs/volcengine-rtc.yaml.
// Clients make one attempt here (retry: false): each test is about one exchange; the engine's
// retries are tested in the clients' unit tests and the fault suite.
import { describe, expect, inject, it } from 'vitest';
import { asAnswered, loadSpec, prismFetch } from '@rollcall/test-support/contract';
import {
  AuthError,
  createVolcengineRtcClient,
  InvalidParameterError,
  NotFoundError,
  ThrottledError,
  VendorApiError,
  operations,
  type OperationName,
} from '../../src/index.js';
import { examples } from '../../src/generated/examples.js';

const spec = loadSpec('specs/volcengine-rtc.yaml');
const prism = prismFetch();
const rtc = createVolcengineRtcClient({
  retry: false,
  credentials: { accessKeyId: 'AKLTTESTACCESSKEY0000', secretAccessKey: 'SKTESTsecretKEY+/=0000' },
  endpoint: inject('mockUrls').volcengine,
  fetch: prism.fetch,
});

/**
 * Each operation's input, from the spec's request example (body) or parameter examples (query).
 * Always the page's: Prism refuses a request int64 beyond 2^53 (its int64 format is JavaScript's
 * safe range), so the real-shaped ids are tested here in the answers (`realIds`), which Prism
 * serves, and on the way out against the emulator and the vendors' own clients.
 */
function exampleInput(name: OperationName): Record<string, unknown> {
  const op = operations[name];
  const item = spec.paths[examples[name].schemaPath][op.method.toLowerCase()];
  if (item.requestBody) return item.requestBody.content['application/json'].examples.page.value;
  return Object.fromEntries(item.parameters.map((p: any) => [p.name, p.example]));
}

/** The example answer as the client gives it: int64 fields as exact decimal strings. */
function exampleResponse(name: OperationName, example: string): any {
  const op = operations[name];
  const media = spec.paths[examples[name].schemaPath][op.method.toLowerCase()].responses['200'].content['application/json'];
  return asAnswered(spec, media.schema, media.examples[example].value);
}

/** The class each documented code must become (written out, not derived from the table). */
const expectedClass: Record<string, typeof VendorApiError> = {
  InvalidParam: InvalidParameterError,
  MissingParameter: InvalidParameterError,
  'InvalidParameter.IllegalRoomID': InvalidParameterError,
  'InvalidParameter.IllegalAppId': InvalidParameterError,
  OnlyLiveConversationSupport: InvalidParameterError,
  SignatureDoesNotMatch: AuthError,
  InvalidAccessKey: AuthError,
  AccessDenied: AuthError,
  ConversationNotFound: NotFoundError,
  InvalidActionOrVersion: NotFoundError,
  'FlowLimitExceeded.QPSOverLimit': ThrottledError,
  InternalError: VendorApiError,
};

const names = Object.keys(operations) as OperationName[];
const call = (name: OperationName, input: Record<string, unknown>) => (rtc[name] as (input: unknown) => Promise<Record<string, unknown>>)(input);

describe.each(names)('Volcengine %s through Prism', (name) => {
  const op = operations[name];

  it.each(examples[name].successes.map((e) => [e]))('returns the %s example, validated', async (example) => {
    prism.prefer(`example=${example}`);
    const result = await call(name, exampleInput(name));
    const expected = exampleResponse(name, example);
    expect(prism.last()).toEqual({ status: 200, violations: null });
    const { $metadata, ...payload } = result;
    expect(payload).toEqual(expected.Result);
    expect($metadata).toEqual({ requestId: expected.ResponseMetadata.RequestId, httpStatus: 200, attempts: 1, retryDelayMs: 0 });
  });

  it.each(examples[name].errors.map((e) => [e.status, e.example, e.code] as const))(
    'HTTP %i %s becomes a typed error carrying %s',
    async (status, example, code) => {
      prism.prefer(`code=${status}, example=${example}`);
      const error = (await call(name, exampleInput(name)).catch((e: unknown) => e)) as VendorApiError;
      expect(prism.last()).toEqual({ status, violations: null });
      expect(error).toBeInstanceOf(expectedClass[code]!);
      expect(error).toMatchObject({ vendor: 'volcengine', operation: op.operationId, httpStatus: status, code });
      expect(error.requestId).toMatch(/\S/);
    },
  );

  it('Prism rejects a request that breaks the spec, sent past client-side validation', async () => {
    prism.prefer(null);
    prism.tamper(async (request) => {
      if (request.method === 'GET') {
        const url = new URL(request.url);
        url.searchParams.delete('RoomId');
        return new Request(url, request);
      }
      const body = JSON.parse(await request.text());
      body.ParticipantUserIds = ['not-a-number'];
      return new Request(request.url, { method: request.method, headers: request.headers, body: JSON.stringify(body) });
    });
    try {
      await call(name, exampleInput(name)).catch(() => undefined);
      expect(prism.last().violations).toMatch(/\S/);
      expect(prism.last().status).toBe(400);
    } finally {
      prism.tamper(null);
    }
  });
});

describe('Volcengine RPC routing', () => {
  it('an unknown Action/Version is answered 404 InvalidActionOrVersion', async () => {
    prism.prefer(null);
    prism.tamper(async (request) => {
      const url = new URL(request.url);
      url.searchParams.set('Version', '1999-01-01');
      return new Request(url, request);
    });
    try {
      const error = await rtc.getRoomOnlineUsers({ AppId: 'a', RoomId: 'r' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ httpStatus: 404, code: 'InvalidActionOrVersion' });
    } finally {
      prism.tamper(null);
    }
  });
});
