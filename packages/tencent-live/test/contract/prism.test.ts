// The real generated client against a Prism mock started from specs/tencent-live.yaml.
// Clients make one attempt here (retry: false): each test is about one exchange; the engine's
// retries are tested in the clients' unit tests and the fault suite.
import { describe, expect, inject, it } from 'vitest';
import { loadSpec, prismFetch } from '@rollcall/test-support/contract';
import { AuthError, createTencentLiveClient, InvalidParameterError, NotFoundError, ThrottledError, VendorApiError, operations } from '../../src/index.js';
import { examples } from '../../src/generated/examples.js';

const spec = loadSpec('specs/tencent-live.yaml');
const op = operations.getMemberList;
const item = spec.paths[examples.getMemberList.schemaPath].post;
const input = item.requestBody.content['application/json'].examples.page.value;
const responseExamples = item.responses['200'].content['application/json'].examples;

/** The class each documented code must become (written out, not derived from the table). */
const expectedClass: Record<string, typeof VendorApiError> = {
  '100001': VendorApiError,
  '100004': NotFoundError,
  '100006': InvalidParameterError,
  '70001': AuthError,
  '60007': ThrottledError,
};

describe('Tencent get_member_list through Prism', () => {
  const prism = prismFetch();
  const im = createTencentLiveClient({
    retry: false,
    credentials: { sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'test-secret-key' },
    endpoint: inject('mockUrls').tencent,
    fetch: prism.fetch,
  });

  it.each(examples.getMemberList.successes.map((e) => [e]))('returns the %s example, validated', async (example) => {
    prism.prefer(`example=${example}`);
    const result = await im.getMemberList(input);
    expect(prism.last()).toEqual({ status: 200, violations: null });
    const { $metadata, ...payload } = result;
    expect(payload).toEqual(responseExamples[example].value.Response);
    expect($metadata).toEqual({ requestId: responseExamples[example].value.RequestId, httpStatus: 200, attempts: 1, retryDelayMs: 0 });
  });

  it.each(examples.getMemberList.errors.map((e) => [e.example, e.code] as const))(
    'the %s example (ActionStatus FAIL) becomes a typed error carrying %s',
    async (example, code) => {
      prism.prefer(`example=${example}`);
      const error = (await im.getMemberList(input).catch((e: unknown) => e)) as VendorApiError;
      expect(prism.last()).toEqual({ status: 200, violations: null });
      expect(error).toBeInstanceOf(expectedClass[code]!);
      expect(error).toMatchObject({ vendor: 'tencent', operation: 'GetMemberList', httpStatus: 200, code });
      expect(error.requestId).toBe(responseExamples[example].value.RequestId);
    },
  );

  it('Prism rejects a request that breaks the spec, sent past client-side validation', async () => {
    prism.prefer(null);
    prism.tamper(async (request) => new Request(request.url, { method: request.method, headers: request.headers, body: JSON.stringify({ RoomId: 'r' }) }));
    try {
      // With no 4xx in the spec, Prism answers 422 problem+json naming the violation.
      const error = await im.getMemberList(input).catch((e: unknown) => e);
      expect(prism.last().status).toBe(422);
      expect(error).toBeInstanceOf(VendorApiError);
      expect(error).toMatchObject({ httpStatus: 422, vendorMessage: expect.stringMatching(/Invalid request/) });
    } finally {
      prism.tamper(null);
    }
  });

  it('Prism refuses a request without the UserSig', async () => {
    prism.prefer(null);
    prism.tamper(async (request) => {
      const url = new URL(request.url);
      url.searchParams.delete('usersig');
      return new Request(url, request);
    });
    try {
      await im.getMemberList(input).catch(() => undefined);
      expect(prism.last().status).toBe(401);
    } finally {
      prism.tamper(null);
    }
  });
});
