// The real generated client against a Prism mock started from specs/agora-rtc.yaml: every named
// example of every operation, successes and documented errors, and the requests Prism refuses.
// Clients make one attempt here (retry: false): each test is about one exchange.
import { describe, expect, inject, it } from 'vitest';
import { loadSpec, prismFetch } from '@rollcall/test-support/contract';
import { AuthError, createAgoraRtcClient, InvalidParameterError, NotFoundError, operations, ThrottledError, VendorApiError } from '../../src/index.js';
import { examples } from '../../src/generated/examples.js';

const spec = loadSpec('specs/agora-rtc.yaml');
const appid = '12sfegxxxxxxxxxxxx365';

/** An input per operation (the spec's parameter examples). */
const inputs = {
  queryUserStatus: { appid, uid: 2845863044, channelName: 'test' },
  queryUserList: { appid, channelName: 'test' },
  queryHostList: { appid, channelName: 'test' },
  queryChannelList: { appid, page_no: 0, page_size: 100 },
} as const;

/** The class each documented status must become (written out, not derived from the table). */
const expectedClass: Record<string, typeof VendorApiError> = {
  HTTP_400: InvalidParameterError,
  HTTP_401: AuthError,
  HTTP_403: AuthError,
  HTTP_404: NotFoundError,
  HTTP_415: InvalidParameterError,
  HTTP_429: ThrottledError,
  HTTP_500: VendorApiError,
};

const names = Object.keys(inputs) as Array<keyof typeof inputs>;

describe('Agora channel management through Prism', () => {
  const prism = prismFetch();
  const agora = createAgoraRtcClient({
    retry: false,
    credentials: { customerId: 'customer', customerSecret: 'secret' },
    endpoint: inject('mockUrls').agora,
    fetch: prism.fetch,
  });
  const call = (name: keyof typeof inputs) => (agora[name] as (input: unknown) => Promise<Record<string, unknown>>)(inputs[name]);

  const successes = names.flatMap((name) => examples[name].successes.map((example) => [name, example] as const));
  it.each(successes)('%s returns the %s example, validated', async (name, example) => {
    prism.prefer(`example=${example}`);
    const { $metadata, ...payload } = await call(name);
    expect(prism.last()).toEqual({ status: 200, violations: null });
    const item = spec.paths[examples[name].schemaPath].get;
    expect(payload).toEqual(item.responses['200'].content['application/json'].examples[example].value.data);
    expect($metadata).toMatchObject({ httpStatus: 200, attempts: 1 });
  });

  const errors = names.flatMap((name) => examples[name].errors.map((e) => [name, e.status, e.code, e.example] as const));
  it.each(errors)('%s: a %i answer becomes a typed error carrying %s', async (name, status, code, example) => {
    prism.prefer(`code=${status}, example=${example}`);
    const error = (await call(name).catch((e: unknown) => e)) as VendorApiError;
    expect(prism.last().status).toBe(status);
    expect(error).toBeInstanceOf(expectedClass[code]!);
    expect(error).toMatchObject({ vendor: 'agora', operation: operations[name].operationId, httpStatus: status, code });
  });

  it('every operation has its documented statuses as examples', () => {
    for (const name of names) expect(examples[name].errors.map((e) => e.status)).toEqual([400, 401, 403, 404, 415, 429, 500]);
  });

  it('Prism refuses a request without the Basic authorization', async () => {
    prism.prefer(null);
    prism.tamper(async (request) => {
      const headers = new Headers(request.headers);
      headers.delete('authorization');
      return new Request(request.url, { method: request.method, headers });
    });
    try {
      const error = await call('queryUserList').catch((e: unknown) => e);
      expect(prism.last().status).toBe(401);
      expect(error).toBeInstanceOf(AuthError);
    } finally {
      prism.tamper(null);
    }
  });

  it('Prism refuses a uid that breaks the spec, sent past client-side validation', async () => {
    prism.prefer(null);
    prism.tamper(async (request) => new Request(request.url.replace('/2845863044/', '/not-a-uid/'), { method: request.method, headers: request.headers }));
    try {
      const error = await call('queryUserStatus').catch((e: unknown) => e);
      expect([400, 422]).toContain(prism.last().status);
      expect(error).toBeInstanceOf(VendorApiError);
    } finally {
      prism.tamper(null);
    }
  });
});
