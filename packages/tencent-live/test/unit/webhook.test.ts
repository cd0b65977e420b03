// Tencent IM / Live callbacks (issue 23): Sign checked against the token and RequestTime with each
// crypto provider — Tencent's published vector and digests from node:crypto's createHash — the
// minute's window, the app, and the body read into a typed event; refusals typed, with no token or
// signature in them.
import { createHash } from 'node:crypto';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { crypto as webCrypto } from '@rollcall/runtime/crypto/web';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, tencentWebhookReply, verifyTencentWebhook, WebhookVerificationError } from '../../src/index.js';

const TOKEN = 'cb-token-51f0e2';
const SDK_APP_ID = 1_400_704_311;
const NOW_S = 1_764_900_000;
const now = () => NOW_S * 1000 + 400;

/** The URL Tencent calls: its query as T1 lists it, signed as T6 says. */
function callbackUrl(
  command: string,
  { time = NOW_S, token = TOKEN, app = SDK_APP_ID, sign }: { time?: number; token?: string; app?: number; sign?: string } = {},
) {
  const query = new URLSearchParams({
    SdkAppid: String(app),
    CallbackCommand: command,
    contenttype: 'json',
    ClientIP: '203.0.113.7',
    OptPlatform: 'RESTAPI',
    RequestTime: String(time),
    Sign: sign ?? createHash('sha256').update(`${token}${time}`).digest('hex'),
  });
  return `https://callbacks.example.com/tencent?${query}`;
}

const liveOnline = {
  CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
  RoomId: 'live_7226277271248584971',
  EventType: 'Online',
  EventCause: 'Enter',
  MemberList: [{ Member_Account: 'user_9007199254740993' }, { Member_Account: 'tommy' }],
  EventTime: 1_764_899_999_780,
};

describe.each([
  ['node:crypto', nodeCrypto],
  ['WebCrypto', webCrypto],
])('verifyTencentWebhook with %s', (_name, crypto) => {
  it("Tencent's published vector (T6/T9): token xxxxyyyy at 1669872112", async () => {
    const url = callbackUrl('State.StateChange', {
      time: 1_669_872_112,
      token: 'xxxxyyyy',
      sign: '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
    });
    const body = JSON.stringify({
      CallbackCommand: 'State.StateChange',
      EventTime: 1_669_872_111_497,
      Info: { Action: 'Login', To_Account: 'testuser316', Reason: 'Register' },
    });
    const event = await verifyTencentWebhook({ body, url }, { token: 'xxxxyyyy', sdkAppId: SDK_APP_ID, crypto, now: () => 1_669_872_112_000 });
    expect(event).toEqual({
      type: 'login-state-changed',
      command: 'State.StateChange',
      user: 'testuser316',
      action: 'Login',
      reason: 'Register',
      at: new Date(1_669_872_111_497),
      payload: JSON.parse(body),
    });
  });

  it("a live room's members coming online: every member, in order, with the change the EventType makes", async () => {
    const event = await verifyTencentWebhook(
      { body: JSON.stringify(liveOnline), url: callbackUrl(liveOnline.CallbackCommand) },
      { token: TOKEN, sdkAppId: SDK_APP_ID, crypto, now },
    );
    expect(event).toMatchObject({
      type: 'live-member-state-changed',
      change: 'join',
      roomId: 'live_7226277271248584971',
      roomKind: 'live-room',
      members: ['user_9007199254740993', 'tommy'],
      cause: 'Enter',
      at: new Date(1_764_899_999_780),
    });
  });

  it("a live group's member going offline, EventTime a string as the page's sample writes it, the table's command spelling too", async () => {
    const group = {
      CallbackCommand: 'Group.CallbackOnMemberStateChange',
      GroupId: '@TGS#aJ4SZEAEL',
      EventType: 'Offline',
      EventCause: 'HeartbeatInterrupt',
      MemberList: [{ Member_Account: 'jared' }],
      EventTime: '1764899999123',
    };
    expect(
      await verifyTencentWebhook({ body: JSON.stringify(group), url: callbackUrl(group.CallbackCommand) }, { token: TOKEN, sdkAppId: SDK_APP_ID, crypto, now }),
    ).toMatchObject({
      type: 'group-member-state-changed',
      change: 'leave',
      roomId: '@TGS#aJ4SZEAEL',
      roomKind: 'live-group',
      members: ['jared'],
      at: new Date(1_764_899_999_123),
    });
    const table = { ...liveOnline, CallbackCommand: 'Live.CallbackMemberStateChanged' };
    expect(
      await verifyTencentWebhook({ body: JSON.stringify(table), url: callbackUrl(table.CallbackCommand) }, { token: TOKEN, sdkAppId: SDK_APP_ID, crypto, now }),
    ).toMatchObject({
      type: 'live-member-state-changed',
      change: 'join',
    });
  });

  it('query keys in another case (T6 EN: SdkAppId, WebhookCommand) and a body given as bytes', async () => {
    const url = callbackUrl(liveOnline.CallbackCommand).replace('SdkAppid=', 'SdkAppId=').replace('CallbackCommand=', 'WebhookCommand=');
    const body = new TextEncoder().encode(JSON.stringify(liveOnline));
    expect(await verifyTencentWebhook({ body, url: new URL(url) }, { token: TOKEN, sdkAppId: String(SDK_APP_ID), crypto, now })).toMatchObject({
      change: 'join',
    });
  });

  it('a command this version does not read is an unknown event', async () => {
    const body = JSON.stringify({ CallbackCommand: 'Live.CallbackAfterCreateRoom', RoomId: 'r' });
    expect(await verifyTencentWebhook({ body, url: callbackUrl('Live.CallbackAfterCreateRoom') }, { token: TOKEN, sdkAppId: SDK_APP_ID, crypto, now })).toEqual(
      {
        type: 'unknown',
        command: 'Live.CallbackAfterCreateRoom',
        payload: { CallbackCommand: 'Live.CallbackAfterCreateRoom', RoomId: 'r' },
      },
    );
  });
});

describe('verifyTencentWebhook refuses', () => {
  const refusal = async (url: string, body: string = JSON.stringify(liveOnline)) => {
    const error = await verifyTencentWebhook({ body, url }, { token: TOKEN, sdkAppId: SDK_APP_ID, now }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    const shown = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(new URL(url).searchParams.get('Sign') || TOKEN);
    return (error as WebhookVerificationError).reason;
  };

  it('a URL without Sign or RequestTime', async () => {
    const url = new URL(callbackUrl(liveOnline.CallbackCommand));
    url.searchParams.delete('Sign');
    expect(await refusal(url.href)).toBe('missing-signature');
  });

  it('a Sign made with another token, or for another RequestTime', async () => {
    expect(await refusal(callbackUrl(liveOnline.CallbackCommand, { token: 'another-token' }))).toBe('bad-signature');
    const url = new URL(callbackUrl(liveOnline.CallbackCommand));
    url.searchParams.set('RequestTime', String(NOW_S + 1));
    expect(await refusal(url.href)).toBe('bad-signature');
  });

  it('a RequestTime more than a minute from now, either way (a replayed URL)', async () => {
    expect(await refusal(callbackUrl(liveOnline.CallbackCommand, { time: NOW_S - 61 }))).toBe('stale');
    expect(await refusal(callbackUrl(liveOnline.CallbackCommand, { time: NOW_S + 61 }))).toBe('stale');
  });

  it("another app's callback", async () => {
    expect(await refusal(callbackUrl(liveOnline.CallbackCommand, { app: 1_400_000_001 }))).toBe('wrong-app');
  });

  it('a body that is not JSON, names another command than the URL, or lacks its room', async () => {
    expect(await refusal(callbackUrl(liveOnline.CallbackCommand), '{"CallbackCommand":')).toBe('malformed-body');
    expect(await refusal(callbackUrl('State.StateChange'))).toBe('malformed-body');
    const { RoomId: _, ...withoutRoom } = liveOnline;
    expect(await refusal(callbackUrl(liveOnline.CallbackCommand), JSON.stringify(withoutRoom))).toBe('malformed-body');
  });

  it('nothing, without a token: a ConfigurationError', async () => {
    await expect(verifyTencentWebhook({ body: '{}', url: callbackUrl('x') }, { token: '', sdkAppId: SDK_APP_ID })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

it('the answer Tencent requires comes from the spec', () => {
  expect(tencentWebhookReply).toEqual({ status: 200, contentType: 'application/json', body: '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}' });
});
