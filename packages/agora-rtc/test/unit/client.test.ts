import { describe, expect, it } from 'vitest';
import { jsonResponse, printedForms, stubFetch } from '@rollcall/test-support';
import {
  AuthError,
  basicAuthorization,
  channelPages,
  ConfigurationError,
  createAgoraRtcClient,
  InvalidParameterError,
  MAX_CHANNEL_PAGE_SIZE,
  NotFoundError,
  paginateChannelList,
  RequestValidationError,
  ResponseValidationError,
  ThrottledError,
  VendorApiError,
  type QueryChannelListOutput,
} from '../../src/index.js';

const credentials = { customerId: 'customer-4f2a', customerSecret: 'secret-9c7e-do-not-print' };
const appid = '12sfegxxxxxxxxxxxx365';

function client(respond: Parameters<typeof stubFetch>[0], extra: Record<string, unknown> = {}) {
  const stub = stubFetch(respond);
  const agora = createAgoraRtcClient({ credentials, fetch: stub.fetch, retry: false, ...extra });
  return { agora, calls: stub.calls };
}

describe('Agora requests on the wire', () => {
  it('GETs the user-status path with the uid and channel in it, Basic auth and JSON headers', async () => {
    const { agora, calls } = client(() =>
      jsonResponse({ success: true, data: { join: 1640330382, uid: 2845863044, in_channel: true, platform: 7, role: 2 } }, 200, { 'x-request-id': 'rid-1' }),
    );
    const result = await agora.queryUserStatus({ appid, uid: 2845863044, channelName: 'test' });
    expect(result).toMatchObject({ in_channel: true, uid: 2845863044, join: 1640330382, role: 2, platform: 7 });
    expect(result.$metadata).toEqual({ requestId: 'rid-1', httpStatus: 200, attempts: 1, retryDelayMs: 0 });
    const [call] = calls;
    expect(call!.method).toBe('GET');
    expect(call!.url.href).toBe(`https://api.agora.io/dev/v1/channel/user/property/${appid}/2845863044/test`);
    expect(call!.body).toBeUndefined();
    expect(call!.headers.authorization).toBe(`Basic ${Buffer.from(`${credentials.customerId}:${credentials.customerSecret}`).toString('base64')}`);
    expect(call!.headers.accept).toBe('application/json');
    expect(call!.headers['content-type']).toBe('application/json');
  });

  it('percent-encodes channel names in the path (space, #, %, ?, [ ] are all allowed names)', async () => {
    const { agora, calls } = client(() => jsonResponse({ success: true, data: { channel_exist: false } }));
    await agora.queryUserList({ appid, channelName: 'room #1 50%? [a]' });
    expect(calls[0]!.url.pathname).toBe(`/dev/v1/channel/user/${appid}/room%20%231%2050%25%3F%20%5Ba%5D`);
    expect(calls[0]!.url.search).toBe('');
  });

  it('sends hosts_only and the page parameters as query parameters, never in the path', async () => {
    const { agora, calls } = client((req) =>
      req.url.pathname.startsWith('/dev/v1/channel/user/')
        ? jsonResponse({ success: true, data: { channel_exist: true, mode: 2, broadcasters: [574332, 1347839] } })
        : jsonResponse({ success: true, data: { channels: [], total_size: 0 } }),
    );
    await agora.queryUserList({ appid, channelName: 'live', hosts_only: '1' });
    await agora.queryHostList({ appid, channelName: 'live' });
    await agora.queryChannelList({ appid, page_no: 3, page_size: 500 });
    expect(calls.map((c) => c.url.pathname + c.url.search)).toEqual([
      `/dev/v1/channel/user/${appid}/live?hosts_only=1`,
      `/dev/v1/channel/user/${appid}/live/hosts_only`,
      `/dev/v1/channel/${appid}?page_no=3&page_size=500`,
    ]);
  });

  it('uses the region host, and endpoint for any other', async () => {
    const urls: string[] = [];
    for (const extra of [{ region: 'china' }, { region: 'eu-central-1' }, { endpoint: 'http://127.0.0.1:9/' }]) {
      const { agora, calls } = client(() => jsonResponse({ success: true, data: { channels: [], total_size: 0 } }), extra);
      await agora.queryChannelList({ appid });
      urls.push(calls[0]!.url.origin);
    }
    expect(urls).toEqual(['https://api.sd-rtn.com', 'https://api-eu-central-1.agora.io', 'http://127.0.0.1:9']);
    expect(() => createAgoraRtcClient({ credentials, region: 'mars-1' })).toThrow(ConfigurationError);
    expect(() => createAgoraRtcClient({ credentials: { customerId: 'x', customerSecret: '' } })).toThrow(ConfigurationError);
  });
});

describe('Agora input checked before any call', () => {
  const { agora, calls } = client(() => jsonResponse({}));
  it.each([
    ['a uid of 0', { appid, uid: 0, channelName: 'c' }, 'uid'],
    ['a uid above 2^32 - 1', { appid, uid: 2 ** 32, channelName: 'c' }, 'uid'],
    ['a uid that is not an integer', { appid, uid: 1.5, channelName: 'c' }, 'uid'],
    ['a channel name of 65 bytes', { appid, uid: 1, channelName: 'x'.repeat(65) }, 'channelName'],
    ['a channel name with a slash', { appid, uid: 1, channelName: 'a/b' }, 'channelName'],
    ['an empty App ID', { appid: '', uid: 1, channelName: 'c' }, 'appid'],
  ])('refuses %s, naming the field', async (_what, input, field) => {
    const error = await agora.queryUserStatus(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).field).toBe(field);
    expect(calls).toHaveLength(0);
  });

  it('refuses a page size outside 1–500', async () => {
    const error = await agora.queryChannelList({ appid, page_size: MAX_CHANNEL_PAGE_SIZE + 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).field).toBe('page_size');
    expect(calls).toHaveLength(0);
  });
});

describe('Agora answers, each shape by channel profile', () => {
  it.each([
    ['COMMUNICATION', { channel_exist: true, mode: 1, total: 1, users: [906218805] }],
    ['LIVE_BROADCASTING', { channel_exist: true, mode: 2, broadcasters: [2206227541, 2845863044], audience: [906219905], audience_total: 1 }],
    ['hosts only', { channel_exist: true, mode: 2, broadcasters: [574332] }],
    ['no such channel', { channel_exist: false }],
  ])('accepts the %s shape as it is', async (_what, data) => {
    const { agora } = client(() => jsonResponse({ success: true, data }));
    const { $metadata, ...result } = await agora.queryUserList({ appid, channelName: 'c' });
    expect(result).toEqual(data);
  });

  it.each([
    ['a COMMUNICATION answer without its users', { channel_exist: true, mode: 1, total: 1 }, 'data.users'],
    ['a mode Agora does not have', { channel_exist: true, mode: 3, users: [] }, 'data.mode'],
    ['a uid beyond 32 bits', { channel_exist: true, mode: 1, total: 1, users: [2 ** 32] }, 'data.users.0'],
  ])('refuses %s as a ResponseValidationError', async (_what, data, path) => {
    const { agora } = client(() => jsonResponse({ success: true, data }));
    const error = (await agora.queryUserList({ appid, channelName: 'c' }).catch((e: unknown) => e)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.issues.map((i) => i.path)).toContain(path);
  });

  it('reads "not in the channel" as in_channel false and nothing else', async () => {
    const { agora } = client(() => jsonResponse({ success: true, data: { in_channel: false } }));
    const { $metadata, ...result } = await agora.queryUserStatus({ appid, uid: 7, channelName: 'c' });
    expect(result).toEqual({ in_channel: false });
  });
});

describe('Agora failures are told by the HTTP status', () => {
  it.each([
    [400, InvalidParameterError],
    [401, AuthError],
    [403, AuthError],
    [404, NotFoundError],
    [415, InvalidParameterError],
    [429, ThrottledError],
    [500, VendorApiError],
  ] as const)('%i becomes %o with the code HTTP_<status>, the message and the X-Request-ID', async (status, ErrorClass) => {
    const { agora } = client(() => jsonResponse({ message: 'invalid appid', reason: 'x' }, status, { 'x-request-id': 'rid-9' }));
    const error = (await agora.queryUserList({ appid, channelName: 'c' }).catch((e: unknown) => e)) as VendorApiError;
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ vendor: 'agora', operation: 'QueryUserList', httpStatus: status, code: `HTTP_${status}`, requestId: 'rid-9' });
    expect(error.vendorMessage).toBe('invalid appid');
    expect(error.retryable).toBe(status === 429 || status === 500);
  });

  it('reads success: false (reserved) as a failure, not as data', async () => {
    const { agora } = client(() => jsonResponse({ success: false, data: { channel_exist: false }, message: 'reserved' }));
    const error = await agora.queryUserList({ appid, channelName: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorApiError);
    expect(error).toMatchObject({ code: 'HTTP_200', httpStatus: 200 });
  });

  it('never shows the Customer Secret or the Authorization value, even when a gateway echoes them', async () => {
    const authorization = basicAuthorization(credentials);
    const { agora } = client(() =>
      jsonResponse({ message: `denied: ${authorization} for ${credentials.customerId}:${credentials.customerSecret}`, reason: authorization.slice(6) }, 401),
    );
    const error = await agora.queryUserList({ appid, channelName: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    const printed = printedForms(error);
    expect(printed).not.toContain(credentials.customerSecret);
    expect(printed).not.toContain(authorization.slice(6));
    expect(printed).toContain('REDACTED');
  });

  it('retries a 429 with backoff when retries are on', async () => {
    const { agora, calls } = client(
      (_req, i) => (i === 0 ? jsonResponse({ message: 'Too Many Requests' }, 429) : jsonResponse({ success: true, data: { channel_exist: false } })),
      {
        retry: { baseDelayMs: 1 },
      },
    );
    const result = await agora.queryUserList({ appid, channelName: 'c' });
    expect(result.$metadata.attempts).toBe(2);
    expect(calls).toHaveLength(2);
  });
});

describe('the channel list, every page, each channel once', () => {
  const page = (names: string[], total: number): QueryChannelListOutput => ({
    channels: names.map((n) => ({ channel_name: n, user_count: 1 })),
    total_size: total,
  });

  it('follows page numbers until the last page by total_size', async () => {
    const { agora, calls } = client((req) => {
      const n = Number(req.url.searchParams.get('page_no'));
      return jsonResponse({ success: true, data: page([`c${2 * n}`, `c${2 * n + 1}`].slice(0, n === 2 ? 1 : 2), 5) });
    });
    const pages = [];
    for await (const p of paginateChannelList(agora, { appid, page_size: 2 })) pages.push(p);
    expect(pages.map((p) => p.channels.map((c) => c.channel_name))).toEqual([['c0', 'c1'], ['c2', 'c3'], ['c4']]);
    expect(pages.map((p) => p.next)).toEqual([1, 2, null]);
    expect(calls.map((c) => c.url.searchParams.get('page_no'))).toEqual(['0', '1', '2']);
  });

  it('drops a channel listed again on a later page (drift) and counts it', async () => {
    const answers = [page(['a', 'b'], 4), page(['b', 'c'], 4)];
    const pages = [];
    for await (const p of channelPages(async (n) => answers[n]!, 2)) pages.push(p);
    expect(pages.map((p) => p.channels.map((c) => c.channel_name))).toEqual([['a', 'b'], ['c']]);
    expect(pages.map((p) => p.duplicates)).toEqual([0, 1]);
  });

  it('stops at an empty page, and after pages that bring nothing new (a loop guard)', async () => {
    const empty = [];
    for await (const p of channelPages(async (n) => (n === 0 ? page(['a'], 10) : page([], 10)), 1)) empty.push(p.pageNo);
    expect(empty).toEqual([0, 1]);
    let fetched = 0;
    for await (const _ of channelPages(async () => {
      fetched++;
      return page(['same'], 1000);
    }, 1));
    expect(fetched).toBe(3);
  });
});
