// The real generated client (V3 and V1 signatures) against a Prism mock started from specs/aliyun-live.yaml.
// Clients make one attempt here (retry: false): each test is about one exchange; the engine's
// retries are tested in the clients' unit tests and the fault suite.
import { describe, expect, inject, it } from 'vitest';
import { asAnswered, loadSpec, prismFetch } from '@rollcall/test-support/contract';
import { AuthError, createAliyunLiveClient, InvalidParameterError, ThrottledError, VendorApiError, operations } from '../../src/index.js';
import { examples } from '../../src/generated/examples.js';

const spec = loadSpec('specs/aliyun-live.yaml');
const op = operations.batchGetOnlineUsers;
const item = spec.paths[examples.batchGetOnlineUsers.schemaPath].post;
const input = item.requestBody.content['application/x-www-form-urlencoded'].examples.page.value;

/** The class each documented code must become (written out, not derived from the table). */
const expectedClass: Record<string, typeof VendorApiError> = {
  'Throttling.User': ThrottledError,
  'Throttling.Api': ThrottledError,
  SignatureDoesNotMatch: AuthError,
  SignatureNonceUsed: AuthError,
  'InvalidTimeStamp.Expired': AuthError,
  'InvalidAccessKeyId.NotFound': AuthError,
  Forbidden: AuthError,
  InvalidParameter: InvalidParameterError,
  InternalError: VendorApiError,
  ServiceUnavailable: VendorApiError,
};

describe.each(['v3', 'v1'] as const)('Alibaba BatchGetOnlineUsers through Prism (%s signature)', (signatureVersion) => {
  const prism = prismFetch();
  const live = createAliyunLiveClient({
    retry: false,
    credentials: { accessKeyId: 'LTAI5tTESTACCESSKEYID00', accessKeySecret: 'TESTsecret/Key+With=Chars00' },
    endpoint: inject('mockUrls').aliyun,
    signatureVersion,
    fetch: prism.fetch,
  });

  it.each(examples.batchGetOnlineUsers.successes.map((e) => [e]))('returns the %s example, validated', async (example) => {
    prism.prefer(`example=${example}`);
    const result = await live.batchGetOnlineUsers(input);
    const media = item.responses['200'].content['application/json'];
    // int64 fields (JoinTime) as the client gives them: decimal strings.
    const expected = asAnswered(spec, media.schema, media.examples[example].value) as { Result: unknown; RequestId: string };
    expect(prism.last()).toEqual({ status: 200, violations: null });
    const { $metadata, ...payload } = result;
    expect(payload).toEqual(expected.Result);
    expect($metadata).toEqual({ requestId: expected.RequestId, httpStatus: 200, attempts: 1, retryDelayMs: 0 });
  });

  it.each(examples.batchGetOnlineUsers.errors.map((e) => [e.status, e.example, e.code] as const))(
    'HTTP %i %s becomes a typed error carrying %s',
    async (status, example, code) => {
      prism.prefer(`code=${status}, example=${example}`);
      const error = (await live.batchGetOnlineUsers(input).catch((e: unknown) => e)) as VendorApiError;
      expect(prism.last()).toEqual({ status, violations: null });
      expect(error).toBeInstanceOf(expectedClass[code]!);
      expect(error).toMatchObject({ vendor: 'aliyun', operation: 'BatchGetOnlineUsers', httpStatus: status, code });
      expect(error.requestId).toMatch(/\S/);
    },
  );

  it('Prism rejects a request that breaks the spec, sent past client-side validation', async () => {
    prism.prefer(null);
    prism.tamper(async (request) => {
      const body = new URLSearchParams(await request.text());
      body.delete('GroupId');
      return new Request(request.url, { method: request.method, headers: request.headers, body: body.toString() });
    });
    try {
      await live.batchGetOnlineUsers(input).catch(() => undefined);
      expect(prism.last().violations).toMatch(/GroupId/);
      expect(prism.last().status).toBe(400);
    } finally {
      prism.tamper(null);
    }
  });
});
