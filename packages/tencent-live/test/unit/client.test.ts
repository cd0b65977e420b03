import { describe, expect, it } from 'vitest';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { fakeClock, jsonResponse, printedForms, stubFetch } from '@rollcall/test-support';
import { redactUrl } from '@rollcall/runtime';
import {
  AuthError,
  createTencentLiveClient,
  InvalidParameterError,
  NotFoundError,
  RequestValidationError,
  ResponseValidationError,
  ThrottledError,
  USERSIG_RENEW_BEFORE_SECONDS,
  VendorApiError,
  verifyUserSig,
} from '../../src/index.js';

const secretKey = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const credentials = { sdkAppId: 1400000000, identifier: 'administrator', secretKey };
const page = (next: string) => ({
  ActionStatus: 'OK',
  ErrorCode: 0,
  ErrorInfo: '',
  RequestId: 'req-1',
  Response: { Next: next, MemberCount: 2, MemberList: [{ Member_Account: 'brennan1' }, { Member_Account: 'tandy' }] },
});

function client(respond: Parameters<typeof stubFetch>[0], extra: Record<string, unknown> = {}) {
  const stub = stubFetch(respond);
  const clock = fakeClock();
  let n = 0;
  const im = createTencentLiveClient({ credentials, fetch: stub.fetch, now: clock.now, random: () => ++n, retry: false, ...extra });
  return { im, calls: stub.calls, clock };
}

describe('Tencent requests on the wire', () => {
  it('POSTs the JSON body with sdkappid, identifier, usersig, random and contenttype in the query', async () => {
    const { im, calls } = client(() => jsonResponse(page('')));
    const result = await im.getMemberList({ RoomId: 'room_id', Next: '' });
    expect(result.MemberList.map((m) => m.Member_Account)).toEqual(['brennan1', 'tandy']);
    expect(result.$metadata.requestId).toBe('req-1');
    const [call] = calls;
    expect(call!.method).toBe('POST');
    expect(call!.url.origin + call!.url.pathname).toBe('https://console.tim.qq.com/v4/live_engine_http_srv/get_member_list');
    expect(call!.body).toBe('{"RoomId":"room_id","Next":""}');
    const query = Object.fromEntries(call!.url.searchParams);
    expect(query).toMatchObject({ sdkappid: '1400000000', identifier: 'administrator', random: '1', contenttype: 'json' });
    const verified = await verifyUserSig(nodeCrypto, query.usersig!, secretKey, Date.parse('2025-01-15T08:30:00Z') / 1000);
    expect(verified).toMatchObject({ valid: true, expired: false });
    expect(verified.doc['TLS.identifier']).toBe('administrator');
  });

  it("an international app (SDKAppID below 1400000000) goes to Singapore, a China one to China, as Tencent's own server code chooses; a region given wins", async () => {
    const hostFor = async (sdkAppId: number, region?: string) => {
      const { im, calls } = client(() => jsonResponse(page('')), { credentials: { ...credentials, sdkAppId }, ...(region ? { region } : {}) });
      await im.getMemberList({ RoomId: 'room_id', Next: '' });
      return calls[0]!.url.host;
    };
    expect(await hostFor(20_012_345)).toBe('adminapisgp.im.qcloud.com');
    expect(await hostFor(1_399_999_999)).toBe('adminapisgp.im.qcloud.com');
    expect(await hostFor(1_400_000_000)).toBe('console.tim.qq.com');
    expect(await hostFor(1_600_012_345)).toBe('console.tim.qq.com');
    expect(await hostFor(20_012_345, 'na-siliconvalley')).toBe('adminapiusa.im.qcloud.com');
    expect(await hostFor(1_600_012_345, 'ap-jakarta')).toBe('adminapiidn.im.qcloud.com');
  });

  it('reuses the UserSig until five minutes before it expires, with a fresh random each time', async () => {
    const { im, calls, clock } = client(() => jsonResponse(page('')), {
      credentials: { ...credentials, userSigTtlSeconds: 3600 },
    });
    await im.getMemberList({ RoomId: 'r', Next: '' });
    clock.advance((3600 - USERSIG_RENEW_BEFORE_SECONDS - 1) * 1000);
    await im.getMemberList({ RoomId: 'r', Next: '' });
    clock.advance(1000);
    await im.getMemberList({ RoomId: 'r', Next: '' });
    const sigs = calls.map((c) => c.url.searchParams.get('usersig'));
    expect(sigs[0]).toBe(sigs[1]);
    expect(sigs[2]).not.toBe(sigs[1]);
    expect(calls.map((c) => c.url.searchParams.get('random'))).toEqual(['1', '2', '3']);
  });

  it('sends a ready UserSig as given', async () => {
    const { im, calls } = client(() => jsonResponse(page('')), {
      credentials: { sdkAppId: 1400000000, identifier: 'admin', userSig: 'ready-made-sig' },
    });
    await im.getMemberList({ RoomId: 'r', Next: '' });
    expect(calls[0]!.url.searchParams.get('usersig')).toBe('ready-made-sig');
  });

  it('draws random from a 32-bit unsigned range by default', async () => {
    const stub = stubFetch(() => jsonResponse(page('')));
    const im = createTencentLiveClient({ credentials, fetch: stub.fetch });
    await im.getMemberList({ RoomId: 'r', Next: '' });
    await im.getMemberList({ RoomId: 'r', Next: '' });
    const randoms = stub.calls.map((c) => Number(c.url.searchParams.get('random')));
    for (const r of randoms) expect(Number.isInteger(r) && r >= 0 && r <= 0xffffffff).toBe(true);
    expect(randoms[0]).not.toBe(randoms[1]);
  });

  it('rejects an empty room id and a missing cursor before sending', async () => {
    const { im, calls } = client(() => jsonResponse(page('')));
    await expect(im.getMemberList({ RoomId: '', Next: '' })).rejects.toBeInstanceOf(RequestValidationError);
    await expect(im.getMemberList({ RoomId: 'r' } as never)).rejects.toMatchObject({ field: 'Next' });
    expect(calls).toHaveLength(0);
  });
});

describe('Tencent errors (HTTP 200, ActionStatus FAIL)', () => {
  const fail = (code: number) => ({ ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: 'failed', RequestId: 'req-err' });
  it.each([
    [100004, NotFoundError, false],
    [100006, InvalidParameterError, false],
    [100002, InvalidParameterError, false],
    [100001, VendorApiError, true],
    [70001, AuthError, false],
    [60007, ThrottledError, true],
  ] as const)('ErrorCode %i → %o', async (code, ErrorClass, retryable) => {
    const { im } = client(() => jsonResponse(fail(code)));
    const error = await im.getMemberList({ RoomId: 'r', Next: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ vendor: 'tencent', httpStatus: 200, code: String(code), requestId: 'req-err', retryable });
  });

  it('an ErrorCode of the wrong type is a malformed answer, not a vendor error', async () => {
    const { im } = client(() => jsonResponse({ ...page(''), ErrorCode: '0' }));
    const error = await im.getMemberList({ RoomId: 'r', Next: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues.map((i) => i.path)).toEqual(['ErrorCode']);
  });

  it('an OK status without the page is a ResponseValidationError', async () => {
    const { im } = client(() => jsonResponse({ ActionStatus: 'OK', ErrorCode: 0 }));
    await expect(im.getMemberList({ RoomId: 'r', Next: '' })).rejects.toBeInstanceOf(ResponseValidationError);
  });

  it('never puts the secret key or the UserSig in an error, and redacts it from URLs', async () => {
    const { im, calls } = client(() => jsonResponse(fail(70001)));
    const printed = printedForms(await im.getMemberList({ RoomId: 'r', Next: '' }).catch((e: unknown) => e));
    const userSig = calls[0]!.url.searchParams.get('usersig')!;
    expect(printed).not.toContain(secretKey);
    expect(printed).not.toContain(userSig);
    const redacted = redactUrl(calls[0]!.url.href);
    expect(redacted).not.toContain(userSig);
    expect(redacted).toContain('usersig=REDACTED');
    expect(redacted).toContain('sdkappid=1400000000');
  });

  it('redacts the UserSig from a gateway page that echoes the request, and keeps the page', async () => {
    const { im, calls } = client(
      (request) =>
        new Response(`<html><body>502 Bad Gateway: POST ${request.url.href} failed</body></html>`, { status: 502, headers: { 'content-type': 'text/html' } }),
    );
    const error = await im.getMemberList({ RoomId: 'r', Next: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorApiError);
    const userSig = calls[0]!.url.searchParams.get('usersig')!;
    expect(userSig.length).toBeGreaterThan(50);
    for (const form of [userSig, encodeURIComponent(userSig)]) expect(printedForms(error)).not.toContain(form);
    const { body, vendorMessage, code } = error as VendorApiError;
    expect(code).toBe('HTTP_502');
    expect(body).toContain('usersig=REDACTED');
    expect(body).toContain('502 Bad Gateway: POST');
    expect(vendorMessage).toContain('usersig=REDACTED');
  });
});
