import { describe, expect, it } from 'vitest';
import { fakeClock, jsonResponse, printedForms, stubFetch } from '@rollcall/test-support';
import {
  AuthError,
  ConfigurationError,
  NotFoundError,
  createAliyunLiveClient,
  InvalidParameterError,
  operations,
  RequestValidationError,
  ThrottledError,
  TimeoutError,
  VendorApiError,
} from '../../src/index.js';

const credentials = { accessKeyId: 'LTAI5tTESTACCESSKEYID00', accessKeySecret: 'TESTsecret/Key+With=Chars00' };
const success = {
  RequestId: '16A96B9A-0000-CB92E68F4CD8',
  Result: {
    OnlineUsers: [
      { JoinTime: 1736929800000, Online: true, UserId: 'u1' },
      { Online: false, UserId: 'u2' },
    ],
  },
};

function client(respond: Parameters<typeof stubFetch>[0], extra: Record<string, unknown> = {}) {
  const stub = stubFetch(respond);
  const clock = fakeClock();
  let n = 0;
  const live = createAliyunLiveClient({
    credentials,
    fetch: stub.fetch,
    now: clock.now,
    nonce: () => `nonce-${++n}`,
    // One exchange per call unless a test turns retries on (see "retries in the client").
    retry: false,
    ...extra,
  });
  return { live, calls: stub.calls, clock };
}

const input = { AppId: 'app-1', GroupId: 'group-1', UserIds: ['u1', 'u2'] };
const errorBody = (code: string) => ({ RequestId: 'req-err', HostId: 'live.aliyuncs.com', Code: code, Message: 'failed', Recommend: 'x' });

describe('Alibaba requests on the wire', () => {
  it('V3 (default): POST / with the form body and signed x-acs-* headers', async () => {
    const { live, calls } = client(() => jsonResponse(success));
    const result = await live.batchGetOnlineUsers(input);
    expect(result.OnlineUsers.map((u) => u.Online)).toEqual([true, false]);
    expect(result.$metadata.requestId).toBe(success.RequestId);
    const [call] = calls;
    expect(call!.method).toBe('POST');
    expect(call!.url.href).toBe('https://live.aliyuncs.com/');
    expect(call!.body).toBe('AppId=app-1&GroupId=group-1&UserIds=u1%2Cu2');
    expect(call!.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      'x-acs-action': 'BatchGetOnlineUsers',
      'x-acs-version': '2016-11-01',
      'x-acs-date': '2025-01-15T08:30:00Z',
      'x-acs-signature-nonce': 'nonce-1',
    });
    expect(call!.headers.authorization).toMatch(
      /^ACS3-HMAC-SHA256 Credential=LTAI5tTESTACCESSKEYID00,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/,
    );
  });

  it('V1: the common parameters and Signature in the query, the same form body', async () => {
    const { live, calls } = client(() => jsonResponse(success), { signatureVersion: 'v1' });
    await live.batchGetOnlineUsers(input);
    const query = Object.fromEntries(calls[0]!.url.searchParams);
    expect(query).toMatchObject({
      Action: 'BatchGetOnlineUsers',
      Version: '2016-11-01',
      Format: 'json',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'nonce-1',
      Timestamp: '2025-01-15T08:30:00Z',
      AccessKeyId: credentials.accessKeyId,
    });
    expect(query.Signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(calls[0]!.body).toBe('AppId=app-1&GroupId=group-1&UserIds=u1%2Cu2');
    expect(calls[0]!.headers.authorization).toBeUndefined();
  });

  it('every call gets a fresh nonce and date', async () => {
    const { live, calls, clock } = client(() => jsonResponse(success));
    await live.batchGetOnlineUsers(input);
    clock.advance(2000);
    await live.batchGetOnlineUsers(input);
    expect(calls.map((c) => c.headers['x-acs-signature-nonce'])).toEqual(['nonce-1', 'nonce-2']);
    expect(calls[1]!.headers['x-acs-date']).toBe('2025-01-15T08:30:02Z');
  });

  it("every region goes where Alibaba's own client sends it: its endpoint map to live.aliyuncs.com, any other region to live.<region>.aliyuncs.com", async () => {
    for (const [region, host] of [
      ['ap-southeast-1', 'live.aliyuncs.com'],
      ['eu-central-1', 'live.aliyuncs.com'],
      ['us-east-1', 'live.aliyuncs.com'],
      ['cn-beijing', 'live.aliyuncs.com'],
      ['cn-chengdu', 'live.aliyuncs.com'],
      ['cn-wuhan', 'live.aliyuncs.com'],
      ['me-east-1', 'live.aliyuncs.com'],
      ['me-central-1', 'live.me-central-1.aliyuncs.com'],
      ['ap-southeast-7', 'live.ap-southeast-7.aliyuncs.com'],
    ]) {
      const { live, calls } = client(() => jsonResponse(success), { region });
      await live.batchGetOnlineUsers(input);
      expect(calls[0]!.url.host).toBe(host);
    }
    // What cannot be a region is refused, naming what can.
    expect(() => createAliyunLiveClient({ credentials: { accessKeyId: 'a', accessKeySecret: 'b' }, region: 'Shanghai' })).toThrow(ConfigurationError);
    expect(() => createAliyunLiveClient({ credentials: { accessKeyId: 'a', accessKeySecret: 'b' }, region: 'evil.example.com/x' })).toThrow(/unknown region/);
  });
});

describe("Today's apps: the LiveMessage operations", () => {
  const ids = ['1847260331508621312', '6812345672'];
  it('CheckLiveMessageUsersInGroup: POST / with every parameter in the query and no body, UserIds comma-joined; the answer without a Result wrapper', async () => {
    const { live, calls } = client(() =>
      jsonResponse({
        RequestId: 'F1F6-req',
        Users: [
          { UserId: ids[0], Online: true },
          { UserId: ids[1], Online: false },
        ],
      }),
    );
    const result = await live.checkLiveMessageUsersInGroup({ AppId: 'im-app', GroupId: 'group-1', UserIds: ids, DataCenter: 'ap-southeast-1' });
    expect(result.Users.map((u) => [u.UserId, u.Online])).toEqual([
      [ids[0], true],
      [ids[1], false],
    ]);
    expect(result.$metadata.requestId).toBe('F1F6-req');
    const [call] = calls;
    expect(call!.method).toBe('POST');
    expect(call!.body).toBeUndefined();
    expect(Object.fromEntries(call!.url.searchParams)).toEqual({ AppId: 'im-app', GroupId: 'group-1', UserIds: ids.join(','), DataCenter: 'ap-southeast-1' });
    expect(call!.headers['x-acs-action']).toBe('CheckLiveMessageUsersInGroup');
  });

  it('refuses more than 10 ids, an id with a comma, and a data center Alibaba does not have, before sending', async () => {
    const { live, calls } = client(() => jsonResponse({}));
    const max = operations.checkLiveMessageUsersInGroup.batch.max;
    const many = Array.from({ length: max + 1 }, (_, i) => String(1_847_260_331_508_621_312n + BigInt(i)));
    await expect(live.checkLiveMessageUsersInGroup({ AppId: 'a', GroupId: 'g', UserIds: many })).rejects.toMatchObject({ field: 'UserIds' });
    await expect(live.checkLiveMessageUsersInGroup({ AppId: 'a', GroupId: 'g', UserIds: ['a,b'] })).rejects.toBeInstanceOf(RequestValidationError);
    await expect(
      live.checkLiveMessageUsersInGroup({ AppId: 'a', GroupId: 'g', UserIds: ['a'], DataCenter: 'us-east-1' as 'cn-shanghai' }),
    ).rejects.toMatchObject({ field: 'DataCenter' });
    expect(calls).toHaveLength(0);
  });

  it('ListLiveMessageGroupUsers: a page of members, the next page token an exact decimal string; PageSize bounded by the spec', async () => {
    const { live, calls } = client(
      () =>
        new Response(`{"RequestId":"r","GroupId":"g","NextPageToken":9007199254740993,"Hasmore":true,"UserList":[{"UserId":"${ids[0]}","UserInfo":"host"}]}`),
    );
    const page = await live.listLiveMessageGroupUsers({ AppId: 'im-app', GroupId: 'g', PageSize: 50, SortType: 1, NextPageToken: 100n });
    expect(page.NextPageToken).toBe('9007199254740993');
    expect(page.UserList.map((u) => u.UserId)).toEqual([ids[0]]);
    expect(calls[0]!.url.searchParams.get('NextPageToken')).toBe('100');
    await expect(live.listLiveMessageGroupUsers({ AppId: 'a', GroupId: 'g', PageSize: 51, SortType: 1 })).rejects.toMatchObject({ field: 'PageSize' });
    expect(calls).toHaveLength(1);
  });

  it("maps the LiveMessage pages' error codes to kinds", async () => {
    for (const [status, code, ErrorClass] of [
      [400, 'InputInvalid', InvalidParameterError],
      [403, 'NoAuth', AuthError],
      [404, 'ResourceNotExist', NotFoundError],
      [500, 'ServerError', VendorApiError],
    ] as const) {
      const { live } = client(() => jsonResponse(errorBody(code), status));
      const error = await live.checkLiveMessageUsersInGroup({ AppId: 'a', GroupId: 'g', UserIds: ['u'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({ code, httpStatus: status, retryable: code === 'ServerError' });
    }
  });
});

describe('Alibaba input validation (no network call)', () => {
  const { live, calls } = client(() => {
    throw new Error('must not be called');
  });
  it.each([
    ['more ids than the limit', { ...input, UserIds: Array.from({ length: operations.batchGetOnlineUsers.batch.max + 1 }, (_, i) => `u${i}`) }, 'UserIds'],
    ['an id with a comma (it would split into two)', { ...input, UserIds: ['a,b'] }, 'UserIds.0'],
    ['an empty group id', { ...input, GroupId: '' }, 'GroupId'],
    ['an empty id', { ...input, UserIds: [''] }, 'UserIds.0'],
    ['a lone surrogate in a form field', { ...input, GroupId: 'g\uD800' }, 'GroupId'],
    ['a lone low surrogate in an id', { ...input, UserIds: ['ok', 'u\uDC00x'] }, 'UserIds.1'],
  ])('rejects %s', async (_what, bad, field) => {
    const error = await live.batchGetOnlineUsers(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).field).toBe(field);
    expect(calls).toHaveLength(0);
  });
});

describe('Alibaba errors', () => {
  it.each([
    [400, 'Throttling.User', ThrottledError, true],
    [429, 'Throttling.Api', ThrottledError, true],
    [400, 'SignatureDoesNotMatch', AuthError, false],
    [403, 'Forbidden', AuthError, false],
    [400, 'InvalidParameter', InvalidParameterError, false],
    [503, 'ServiceUnavailable', VendorApiError, true],
  ] as const)('HTTP %i %s → %o', async (status, code, ErrorClass, retryable) => {
    const { live } = client(() => jsonResponse(errorBody(code), status));
    const error = await live.batchGetOnlineUsers(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ vendor: 'aliyun', code, httpStatus: status, requestId: 'req-err', retryable });
  });

  it('a 200 carrying the error envelope is that error, with its code', async () => {
    const { live } = client(() => jsonResponse(errorBody('Forbidden'), 200));
    const error = await live.batchGetOnlineUsers(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'Forbidden', httpStatus: 200, requestId: 'req-err' });
  });

  it('never puts the secret, the signature or the security token in an error', async () => {
    for (const signatureVersion of ['v3', 'v1'] as const) {
      const { live, calls } = client(() => jsonResponse(errorBody('SignatureDoesNotMatch'), 400), {
        signatureVersion,
        credentials: { ...credentials, securityToken: 'CAIS-secret-token' },
      });
      const printed = printedForms(await live.batchGetOnlineUsers(input).catch((e: unknown) => e));
      const signature = signatureVersion === 'v3' ? calls[0]!.headers.authorization!.split('Signature=')[1]! : calls[0]!.url.searchParams.get('Signature')!;
      for (const secret of [credentials.accessKeySecret, signature, 'CAIS-secret-token']) {
        expect(printed).not.toContain(secret);
      }
    }
  });

  it('redacts the signature and the security token from answers that echo the request', async () => {
    const echo = (request: { url: URL; headers: Record<string, string>; body: string | undefined }) =>
      `${request.url.href} ${JSON.stringify(request.headers)} ${request.body ?? ''}`;
    for (const signatureVersion of ['v3', 'v1'] as const) {
      for (const respond of [
        (request: Parameters<typeof echo>[0]) => new Response(`<html>502 Bad Gateway ${echo(request)}</html>`, { status: 502 }),
        (request: Parameters<typeof echo>[0]) => jsonResponse({ ...errorBody('InternalError'), Message: `failed: ${echo(request)}` }, 500),
      ]) {
        const { live, calls } = client(respond, { signatureVersion, credentials: { ...credentials, securityToken: 'CAIS-secret-token' } });
        const error = (await live.batchGetOnlineUsers(input).catch((e: unknown) => e)) as VendorApiError;
        expect(error).toBeInstanceOf(VendorApiError);
        const signature = signatureVersion === 'v3' ? calls[0]!.headers.authorization!.split('Signature=')[1]! : calls[0]!.url.searchParams.get('Signature')!;
        for (const secret of [signature, encodeURIComponent(signature), 'CAIS-secret-token']) expect(printedForms(error)).not.toContain(secret);
        expect(error.body).toContain('REDACTED');
      }
    }
  });
});

describe('retries in the client', () => {
  const fast = { retry: { baseDelayMs: 1 } };
  const unavailable = () => jsonResponse(errorBody('ServiceUnavailable'), 503);

  it('retries a retryable failure by default, signing each attempt afresh, and says so in $metadata', async () => {
    const { live, calls } = client((_r, i) => (i < 2 ? unavailable() : jsonResponse(success)), fast);
    const result = await live.batchGetOnlineUsers(input);
    expect(result.OnlineUsers.map((u) => u.UserId)).toEqual(success.Result.OnlineUsers.map((u) => u.UserId));
    expect(result.$metadata).toMatchObject({ attempts: 3, httpStatus: 200 });
    expect(result.$metadata.retryDelayMs).toBeGreaterThanOrEqual(0);
    expect(calls.map((c) => c.headers['x-acs-signature-nonce'])).toEqual(['nonce-1', 'nonce-2', 'nonce-3']);
  });

  it('gives up after maxAttempts with the last error, and never retries what is not retryable', async () => {
    const failing = client(unavailable, { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    await expect(failing.live.batchGetOnlineUsers(input)).rejects.toMatchObject({ code: 'ServiceUnavailable', retryable: true });
    expect(failing.calls).toHaveLength(2);
    const refused = client(() => jsonResponse(errorBody('Forbidden.RAM'), 403), fast);
    await expect(refused.live.batchGetOnlineUsers(input)).rejects.toBeInstanceOf(AuthError);
    expect(refused.calls).toHaveLength(1);
  });

  it('a Retry-After longer than maxDelayMs fails at once with the ThrottledError', async () => {
    const { live, calls } = client(() => jsonResponse(errorBody('Throttling.User'), 429, { 'retry-after': '3600' }), fast);
    const error = await live.batchGetOnlineUsers(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(3_600_000);
    expect(calls).toHaveLength(1);
  });

  it('retries can be turned off per client and back on per call', async () => {
    const off = client(unavailable, { retry: false });
    await expect(off.live.batchGetOnlineUsers(input)).rejects.toBeInstanceOf(VendorApiError);
    expect(off.calls).toHaveLength(1);
    await expect(off.live.batchGetOnlineUsers(input, { retry: { maxAttempts: 2, baseDelayMs: 1 } })).rejects.toBeInstanceOf(VendorApiError);
    expect(off.calls).toHaveLength(3);
  });

  it('a whole-call deadline: each attempt gets what is left, no retry starts past it', async () => {
    const { live, calls } = client(
      (request) => new Promise<Response>(() => void request), // never answers
      { retry: { maxAttempts: 5, baseDelayMs: 1 }, timeoutMs: 60_000, deadlineMs: 150 },
    );
    const error = await live.batchGetOnlineUsers(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBeLessThanOrEqual(150);
    expect(calls).toHaveLength(1);
  });
});
