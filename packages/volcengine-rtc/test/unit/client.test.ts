import { describe, expect, it } from 'vitest';
import { fakeClock, jsonResponse, printedForms, stubFetch } from '@rollcall/test-support';
import {
  AuthError,
  ConfigurationError,
  ConnectionError,
  createVolcengineRtcClient,
  InvalidParameterError,
  NotFoundError,
  RequestValidationError,
  ResponseTooLargeError,
  ResponseValidationError,
  ThrottledError,
  TimeoutError,
  VendorApiError,
  operations,
} from '../../src/index.js';

const credentials = { accessKeyId: 'AKLTTESTACCESSKEY0000', secretAccessKey: 'SKTESTsecretKEY+/=0000' };
const metadata = (action: string) => ({
  RequestId: 'req-1',
  Action: action,
  Version: '2020-12-01',
  Service: 'rtc',
  Region: 'cn-north-1',
});

function client(respond: Parameters<typeof stubFetch>[0], extra: Record<string, unknown> = {}) {
  const stub = stubFetch(respond);
  const clock = fakeClock();
  // One exchange per call unless a test turns retries on (the engine's retries have tests of their own).
  const rtc = createVolcengineRtcClient({ credentials, fetch: stub.fetch, now: clock.now, retry: false, ...extra });
  return { rtc, calls: stub.calls, clock };
}

const statusResult = {
  Status: [{ AppId: 1, ConversationShortId: 7, ParticipantUserId: 10001, IsInConversation: true, CreateTime: 1687068887 }],
};

describe('Volcengine requests on the wire', () => {
  it('QueryLiveParticipantStatus: POST /?Action&Version with the JSON body, signed', async () => {
    const { rtc, calls } = client(() => jsonResponse({ ResponseMetadata: metadata('QueryLiveParticipantStatus'), Result: statusResult }));
    const result = await rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [10001] });
    expect(result.Status[0]!.IsInConversation).toBe(true);
    expect(result.$metadata).toEqual({ requestId: 'req-1', httpStatus: 200, attempts: 1, retryDelayMs: 0 });
    const [call] = calls;
    expect(call!.method).toBe('POST');
    expect(call!.url.href).toBe('https://rtc.volcengineapi.com/?Action=QueryLiveParticipantStatus&Version=2020-12-01');
    expect(call!.body).toBe('{"AppId":1,"ConversationShortId":7,"ParticipantUserIds":[10001]}');
    expect(call!.headers['x-date']).toBe('20250115T083000Z');
    expect(call!.headers['content-type']).toBe('application/json');
    expect(call!.headers.authorization).toMatch(
      /^HMAC-SHA256 Credential=AKLTTESTACCESSKEY0000\/20250115\/cn-north-1\/rtc\/request, SignedHeaders=x-content-sha256;x-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('QueryLiveParticipantStatus with string user ids: ParticipantUserIdsStr beside an empty ParticipantUserIds, answered under ParticipantUserIdStr', async () => {
    const answer = {
      Status: [{ AppId: 1, ConversationShortId: 7, ParticipantUserId: 0, ParticipantUserIdStr: 'alice', IsInConversation: true, CreateTime: 5 }],
    };
    const { rtc, calls } = client(() => jsonResponse({ ResponseMetadata: metadata('QueryLiveParticipantStatus'), Result: answer }));
    const result = await rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [], ParticipantUserIdsStr: ['alice'] });
    expect(JSON.parse(calls[0]!.body!)).toEqual({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [], ParticipantUserIdsStr: ['alice'] });
    expect(result.Status[0]!.ParticipantUserIdStr).toBe('alice');
  });

  it('BatchGetConversationParticipant: POST with its own Action', async () => {
    const { rtc, calls } = client(() =>
      jsonResponse({
        ResponseMetadata: metadata('BatchGetConversationParticipant'),
        Result: { Participants: [{ ConversationShortId: 7, ParticipantUserId: 2, Operator: 10, Role: 0, Ext: { k: 'v' } }] },
      }),
    );
    const result = await rtc.batchGetConversationParticipant({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [2, 3] });
    expect(result.Participants[0]!.Ext).toEqual({ k: 'v' });
    expect(calls[0]!.url.search).toBe('?Action=BatchGetConversationParticipant&Version=2020-12-01');
  });

  it('GetRoomOnlineUsers: GET with AppId and RoomId in the canonical (sorted, signed) query', async () => {
    const { rtc, calls } = client(() =>
      jsonResponse({
        ResponseMetadata: { ...metadata('GetRoomOnlineUsers'), Version: '2023-11-01' },
        Result: { RoomExists: true, TotalUser: 1, TotalInvisibleUser: 0, VisibleUserList: ['u1'], InvisibleUserList: [] },
      }),
    );
    const result = await rtc.getRoomOnlineUsers({ AppId: '661e1234543cf', RoomId: 'Room_1' });
    expect(result.VisibleUserList).toEqual(['u1']);
    expect(calls[0]!.method).toBe('GET');
    expect(calls[0]!.body).toBeUndefined();
    expect(calls[0]!.url.href).toBe('https://rtc.volcengineapi.com/?Action=GetRoomOnlineUsers&AppId=661e1234543cf&RoomId=Room_1&Version=2023-11-01');
    expect(calls[0]!.headers.authorization).toContain('SignedHeaders=x-date,');
  });

  it('signs every call afresh with the current time and carries the session token', async () => {
    const { rtc, calls, clock } = client(() => jsonResponse({ ResponseMetadata: metadata('QueryLiveParticipantStatus'), Result: statusResult }), {
      credentials: { ...credentials, sessionToken: 'STS-token' },
    });
    const input = { AppId: 1, ConversationShortId: 7, ParticipantUserIds: [10001] };
    await rtc.queryLiveParticipantStatus(input);
    clock.advance(1000);
    await rtc.queryLiveParticipantStatus(input);
    expect(calls[0]!.headers['x-date']).toBe('20250115T083000Z');
    expect(calls[1]!.headers['x-date']).toBe('20250115T083001Z');
    expect(calls[0]!.headers.authorization).not.toBe(calls[1]!.headers.authorization);
    expect(calls[1]!.headers['x-security-token']).toBe('STS-token');
  });

  it('overseas: one host, and each service signs its own region there (IM ap-southeast-1, RTC ap-singapore-1, as volc-sdk-golang)', async () => {
    for (const region of ['ap-southeast-1', 'ap-singapore-1']) {
      const { rtc, calls } = client(
        (request) =>
          request.url.searchParams.get('Action') === 'GetRoomOnlineUsers'
            ? jsonResponse({ ResponseMetadata: { ...metadata('GetRoomOnlineUsers'), Version: '2023-11-01' }, Result: { RoomExists: false } })
            : jsonResponse({ ResponseMetadata: metadata('QueryLiveParticipantStatus'), Result: statusResult }),
        { region },
      );
      await rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [1] });
      await rtc.getRoomOnlineUsers({ AppId: 'app', RoomId: 'room' });
      expect(calls.map((c) => c.url.host)).toEqual(['open-ap-singapore-1.volcengineapi.com', 'open-ap-singapore-1.volcengineapi.com']);
      expect(calls[0]!.headers.authorization).toContain('/20250115/ap-southeast-1/rtc/request');
      expect(calls[1]!.headers.authorization).toContain('/20250115/ap-singapore-1/rtc/request');
    }
    // With an endpoint of the caller's, the region given is the one signed.
    const { rtc, calls } = client(() => jsonResponse({ ResponseMetadata: metadata('QueryLiveParticipantStatus'), Result: statusResult }), {
      region: 'ap-singapore-1',
      endpoint: 'https://gateway.example.com',
    });
    await rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [1] });
    expect(calls[0]!.headers.authorization).toContain('/20250115/ap-singapore-1/rtc/request');
  });
});

describe('Volcengine input validation (no network call)', () => {
  const { rtc, calls } = client(() => {
    throw new Error('must not be called');
  });
  const cases: Array<[string, () => Promise<unknown>, string]> = [
    [
      `more than ${operations.queryLiveParticipantStatus.batch.max} ids`,
      () =>
        rtc.queryLiveParticipantStatus({
          AppId: 1,
          ConversationShortId: 7,
          ParticipantUserIds: Array.from({ length: operations.queryLiveParticipantStatus.batch.max + 1 }, (_, i) => i + 1),
        }),
      'ParticipantUserIds',
    ],
    [
      `more than ${operations.queryLiveParticipantStatus.batch.max} integer and string ids together`,
      () =>
        rtc.queryLiveParticipantStatus({
          AppId: 1,
          ConversationShortId: 7,
          ParticipantUserIds: Array.from({ length: 150 }, (_, i) => i + 1),
          ParticipantUserIdsStr: Array.from({ length: 51 }, (_, i) => `u${i}`),
        }),
      '',
    ],
    [
      'no ids in either list',
      () => rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [], ParticipantUserIdsStr: [] }),
      '',
    ],
    [
      'an empty string id',
      () => rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [], ParticipantUserIdsStr: ['a', ''] }),
      'ParticipantUserIdsStr.1',
    ],
    ['an unsafe integer id', () => rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [2 ** 53] }), 'ParticipantUserIds.0'],
    ['a non-integer id', () => rtc.batchGetConversationParticipant({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [1.5] }), 'ParticipantUserIds.0'],
    ['no ids', () => rtc.batchGetConversationParticipant({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [] }), 'ParticipantUserIds'],
    ['an empty room id', () => rtc.getRoomOnlineUsers({ AppId: 'app', RoomId: '' }), 'RoomId'],
    ['a room id outside the documented alphabet', () => rtc.getRoomOnlineUsers({ AppId: 'app', RoomId: 'room 1' }), 'RoomId'],
    ['a room id over 128 characters', () => rtc.getRoomOnlineUsers({ AppId: 'app', RoomId: 'r'.repeat(129) }), 'RoomId'],
    ['an unknown field', () => rtc.getRoomOnlineUsers({ AppId: 'app', RoomId: 'r', Extra: 1 } as never), ''],
    ['a lone surrogate in a query field', () => rtc.getRoomOnlineUsers({ AppId: 'app\uD800', RoomId: 'r' }), 'AppId'],
  ];
  it.each(cases)('rejects %s', async (_what, call, field) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).field).toBe(field);
    expect(calls).toHaveLength(0);
  });

  it('rejects missing credentials when the client is made', () => {
    expect(() => createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: '' } })).toThrow(ConfigurationError);
    expect(() => createVolcengineRtcClient({ credentials, region: 'mars-1' })).toThrow(/unknown region/);
  });
});

describe('Volcengine errors', () => {
  const input = { AppId: 1, ConversationShortId: 7, ParticipantUserIds: [1] };
  const errorBody = (code: string, message = 'failed') => ({
    ResponseMetadata: { ...metadata('QueryLiveParticipantStatus'), RequestId: 'req-err', Error: { CodeN: 0, Code: code, Message: message } },
  });

  it.each([
    [429, 'FlowLimitExceeded.QPSOverLimit', ThrottledError, true],
    [401, 'SignatureDoesNotMatch', AuthError, false],
    // Gateway codes of a bad Authorization, credential (400: not an auth error by status) and token.
    [400, 'InvalidAuthorization', AuthError, false],
    [400, 'InvalidCredential', AuthError, false],
    [401, 'InvalidSecretToken', AuthError, false],
    [404, 'ConversationNotFound', NotFoundError, false],
    [400, 'InvalidParameter.UserCountOverLimit', InvalidParameterError, false],
    [500, 'InternalError', VendorApiError, true],
  ] as const)('HTTP %i %s → %o', async (status, code, ErrorClass, retryable) => {
    const { rtc } = client(() => jsonResponse(errorBody(code), status));
    const error = (await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e)) as VendorApiError;
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ vendor: 'volcengine', operation: 'QueryLiveParticipantStatus', httpStatus: status, code, requestId: 'req-err', retryable });
    expect(error.vendorMessage).toBe('failed');
  });

  it('treats a 200 carrying ResponseMetadata.Error as a failure', async () => {
    const { rtc } = client(() => jsonResponse(errorBody('OnlyLiveConversationSupport', 'live only')));
    const error = await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error).toMatchObject({ httpStatus: 200, code: 'OnlyLiveConversationSupport', requestId: 'req-err' });
  });

  it('honours Retry-After on a throttle', async () => {
    const { rtc } = client(() => jsonResponse(errorBody('FlowLimitExceeded.QPSOverLimit'), 429, { 'retry-after': '2' }));
    await expect(rtc.queryLiveParticipantStatus(input)).rejects.toMatchObject({ retryAfterMs: 2000 });
  });

  it('gives a typed error for a non-JSON failure (a proxy page)', async () => {
    const { rtc } = client(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorApiError);
    expect(error).toMatchObject({ code: 'HTTP_502', httpStatus: 502, retryable: true });
  });

  it('rejects a success that breaks the schema, keeping the raw body', async () => {
    const raw = JSON.stringify({ ResponseMetadata: metadata('x'), Result: { Status: [{ AppId: 1 }] } });
    const { rtc } = client(() => new Response(raw, { status: 200 }));
    const error = (await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.body).toBe(raw);
    expect(error.requestId).toBe('req-1');
    expect(error.issues[0]!.path).toMatch(/^Result\.Status\.0\./);
  });

  it('sends and answers 19-digit ids exactly: a bigint, a decimal string or a safe number in, decimal strings out', async () => {
    // A live group's real id and snowflake user ids on both sides of 2^53 (9007199254740992).
    const group = '7226277271248584971';
    const ids = ['1847260331508621312', '9007199254740993', '9007199254740991', '10001'];
    const raw = `{"ResponseMetadata":${JSON.stringify(metadata('QueryLiveParticipantStatus'))},"Result":{"Status":[${ids
      .map((id, i) => `{"AppId":583401,"ConversationShortId":${group},"ParticipantUserId":${id},"IsInConversation":${i % 2 === 0},"CreateTime":1687068887}`)
      .join(',')}]}}`;
    const { rtc, calls } = client(() => new Response(raw));
    const input = { AppId: 583401, ConversationShortId: BigInt(group), ParticipantUserIds: [BigInt(ids[0]!), ids[1]!, 9007199254740991, 10001] };
    const result = await rtc.queryLiveParticipantStatus(input);
    // The exact digits went out, bare, as the signature covers them.
    expect(calls[0]!.body).toBe(`{"AppId":583401,"ConversationShortId":${group},"ParticipantUserIds":[${ids.join(',')}]}`);
    expect(result.Status.map((s) => s.ParticipantUserId)).toEqual(ids);
    expect(result.Status.map((s) => s.ConversationShortId)).toEqual([group, group, group, group]);
    expect(result.Status[0]!.CreateTime).toBe('1687068887');
    // The caller's input is not changed.
    expect(input.ParticipantUserIds[0]).toBe(BigInt(ids[0]!));
  });

  it('refuses an int64 beyond its range, or a number JavaScript may already have rounded, before sending', async () => {
    const { rtc, calls } = client(() => jsonResponse({}));
    const beyond = await rtc
      .queryLiveParticipantStatus({ AppId: 1, ConversationShortId: '9223372036854775808', ParticipantUserIds: [1] })
      .catch((e: unknown) => e);
    expect(beyond).toBeInstanceOf(RequestValidationError);
    expect((beyond as RequestValidationError).issues).toEqual([{ path: 'ConversationShortId', message: 'is beyond the int64 range' }]);
    const rounded = await rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [2 ** 53 + 2] }).catch((e: unknown) => e);
    expect(rounded).toBeInstanceOf(RequestValidationError);
    expect((rounded as RequestValidationError).issues[0]!.path).toBe('ParticipantUserIds.0');
    expect((rounded as RequestValidationError).issues[0]!.message).toMatch(/beyond 2\^53/);
    const malformed = await rtc.queryLiveParticipantStatus({ AppId: 1, ConversationShortId: '07', ParticipantUserIds: [1] }).catch((e: unknown) => e);
    expect((malformed as RequestValidationError).issues[0]!.path).toBe('ConversationShortId');
    expect(calls).toHaveLength(0);
  });

  it("reads a Go-style null or absent list in a success as none (the service's nil slices)", async () => {
    for (const result of [{ Status: null }, {}]) {
      const { rtc } = client(() => jsonResponse({ ResponseMetadata: metadata('QueryLiveParticipantStatus'), Result: result }));
      expect((await rtc.queryLiveParticipantStatus(input)).Status).toEqual([]);
    }
    const { rtc } = client(() => jsonResponse({ ResponseMetadata: metadata('BatchGetConversationParticipant'), Result: { Participants: null } }));
    expect((await rtc.batchGetConversationParticipant(input)).Participants).toEqual([]);
    // A list of the wrong type is still refused.
    const wrong = client(() => jsonResponse({ ResponseMetadata: metadata('QueryLiveParticipantStatus'), Result: { Status: 'none' } }));
    await expect(wrong.rtc.queryLiveParticipantStatus(input)).rejects.toBeInstanceOf(ResponseValidationError);
  });

  it('refuses an answer that repeats a key with a different value, naming it (JSON.parse would keep the last)', async () => {
    const raw = `{"ResponseMetadata":${JSON.stringify(metadata('QueryLiveParticipantStatus'))},"Result":{"Status":[{"AppId":1,"ConversationShortId":7,"ParticipantUserId":2,"IsInConversation":false,"IsInConversation":true,"CreateTime":0}]}}`;
    const { rtc } = client(() => new Response(raw));
    const error = await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues).toEqual([{ path: 'Result.Status.0.IsInConversation', message: 'given twice with different values' }]);
    // The same key with the same value changes nothing: accepted.
    const same = client(() => new Response(raw.replace('"IsInConversation":false,', '"IsInConversation":true,')));
    expect((await same.rtc.queryLiveParticipantStatus(input)).Status[0]!.IsInConversation).toBe(true);
  });

  it('holds a map field to its value type (Ext: string → string)', async () => {
    const answer = (ext: unknown) =>
      jsonResponse({
        ResponseMetadata: metadata('BatchGetConversationParticipant'),
        Result: { Participants: [{ ConversationShortId: 7, ParticipantUserId: 2, Operator: 1, Role: 0, Ext: ext }] },
      });
    const good = client(() => answer({ 's:from': 'biz' }));
    expect((await good.rtc.batchGetConversationParticipant({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [2] })).Participants[0]!.Ext).toEqual({
      's:from': 'biz',
    });
    const bad = client(() => answer({ level: 3 }));
    const error = await bad.rtc.batchGetConversationParticipant({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [2] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues[0]!.path).toBe('Result.Participants.0.Ext.level');
  });

  it('rejects a success without Result', async () => {
    const { rtc } = client(() => jsonResponse({ ResponseMetadata: metadata('x') }));
    await expect(rtc.queryLiveParticipantStatus(input)).rejects.toBeInstanceOf(ResponseValidationError);
  });

  it('turns a network failure into ConnectionError', async () => {
    const { rtc } = client(() => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    });
    const error = await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('times out with TimeoutError, and a caller abort throws the caller reason', async () => {
    // Like fetch: never answers, but rejects as soon as the request's signal aborts.
    const rtc = createVolcengineRtcClient({
      credentials,
      fetch: (request: Request) =>
        new Promise<Response>((_resolve, reject) => {
          if (request.signal.aborted) reject(request.signal.reason);
          request.signal.addEventListener('abort', () => reject(request.signal.reason));
        }),
    });
    await expect(rtc.queryLiveParticipantStatus(input, { timeoutMs: 20 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const pending = rtc.queryLiveParticipantStatus(input, { signal: controller.signal });
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('never puts the secret key, the signature or the Authorization header in an error', async () => {
    const { rtc, calls } = client(() => jsonResponse(errorBody('SignatureDoesNotMatch'), 401), {
      credentials: { ...credentials, sessionToken: 'STS-secret-token' },
    });
    const error = await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e);
    const printed = printedForms(error);
    const signature = calls[0]!.headers.authorization!.split('Signature=')[1]!;
    for (const secret of [credentials.secretAccessKey, signature, 'STS-secret-token', 'HMAC-SHA256 Credential']) {
      expect(printed).not.toContain(secret);
    }
    expect(JSON.stringify(rtc)).not.toContain(credentials.secretAccessKey);
  });

  it('an answer over maxResponseBytes is a ResponseTooLargeError, not retried, nothing kept', async () => {
    const { rtc, calls } = client(() => new Response('x'.repeat(4096), { status: 200 }), { maxResponseBytes: 1024 });
    const error = await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ vendor: 'volcengine', operation: 'QueryLiveParticipantStatus', httpStatus: 200, limitBytes: 1024 });
    expect(calls).toHaveLength(1);
  });

  it('redacts the Authorization header and the session token from a gateway page that echoes them', async () => {
    const { rtc, calls } = client((request) => new Response(`<pre>upstream reset\n${JSON.stringify(request.headers, null, 1)}</pre>`, { status: 503 }), {
      credentials: { ...credentials, sessionToken: 'STS-secret-token' },
    });
    const error = (await rtc.queryLiveParticipantStatus(input).catch((e: unknown) => e)) as VendorApiError;
    expect(error).toBeInstanceOf(VendorApiError);
    const authorization = calls[0]!.headers.authorization!;
    for (const secret of [authorization, authorization.split('Signature=')[1]!, 'STS-secret-token']) expect(printedForms(error)).not.toContain(secret);
    expect(error.body).toContain('"authorization": "REDACTED"');
    expect(error.vendorMessage).toContain('upstream reset');
  });
});
