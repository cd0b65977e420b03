// Agora NCS callbacks (issue 23): verified on the raw body before anything is read, with each crypto
// provider, against the one published vector that reproduces and against digests computed here by a
// second implementation (node:crypto's createHmac); refused, with a typed reason and no secret, when
// they are not Agora's.
import { createHmac } from 'node:crypto';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { crypto as webCrypto } from '@rollcall/runtime/crypto/web';
import { describe, expect, it } from 'vitest';
import { agoraWebhookReply, ConfigurationError, verifyAgoraWebhook, WebhookVerificationError } from '../../src/index.js';

const SECRET = 'ncs-secret-7f3a9c';
const sign = (algorithm: 'sha256' | 'sha1', body: string | Uint8Array, secret = SECRET) => createHmac(algorithm, secret).update(body).digest('hex');
const signed = (body: string, secret = SECRET) => ({
  'agora-signature-v2': sign('sha256', body, secret),
  'agora-signature': sign('sha1', body, secret),
  'content-type': 'application/json',
});

/** An audience join as Agora writes it (A4), with a real-shaped uid and sequence. */
const audienceJoin = (payload: Record<string, unknown> = {}) =>
  JSON.stringify({
    noticeId: '2000001428:4330:105',
    productId: 1,
    eventType: 105,
    notifyMs: 1_764_900_000_123,
    payload: { channelName: 'live-7226277271248584971', uid: 4_294_967_295, platform: 7, clientSeq: 1_625_051_030_746, ts: 1_764_899_999, ...payload },
  });

describe.each([
  ['node:crypto', nodeCrypto],
  ['WebCrypto', webCrypto],
])('verifyAgoraWebhook with %s', (_name, crypto) => {
  it("Agora's published vector (A10): both digests reproduce, and its event type 10 is an unknown event, not a crash", async () => {
    // From AgoraIO/Docs-Source `shared/broadcast-streaming-private-product/reference/_signature-verification.mdx`
    // (webhook-facts.md §1.5): the only published body whose digests match what the page prints.
    const body =
      '{"eventMs":1560408533119,"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}';
    const v2 = { 'Agora-Signature-V2': '6d3320c60b11101395b7fc8f9068748808a0aa1bfa064438e39d1bc2c7d74d99' };
    const v1 = { 'Agora-Signature': '033c62f40f687675f17f0f41f91a40c71c0f134c' };
    for (const headers of [v2, v1]) {
      const event = await verifyAgoraWebhook({ body, headers }, { secret: 'secret', crypto });
      expect(event).toEqual({
        type: 'unknown',
        eventType: 10,
        noticeId: '4eb720f0-8da7-11e9-a43e-53f411c2761f',
        notifiedAt: new Date(1560408533119),
        payload: { a: '1', b: 2 },
      });
    }
  });

  it('an audience join: typed, with the uid and the sequence exact, from bytes and fetch Headers alike', async () => {
    const body = audienceJoin();
    const expected = {
      type: 'audience-joined',
      eventType: 105,
      change: 'join',
      role: 'audience',
      channelName: 'live-7226277271248584971',
      uid: 4_294_967_295,
      clientSeq: '1625051030746',
      at: new Date(1_764_899_999_000),
      noticeId: '2000001428:4330:105',
      notifiedAt: new Date(1_764_900_000_123),
      test: false,
    };
    expect(await verifyAgoraWebhook({ body, headers: signed(body) }, { secret: SECRET, crypto })).toMatchObject(expected);
    const bytes = new TextEncoder().encode(body);
    expect(await verifyAgoraWebhook({ body: bytes, headers: new Headers(signed(body)) }, { secret: SECRET, crypto })).toMatchObject(expected);
  });

  it('a sequence beyond 2^53 is kept digit for digit', async () => {
    const body = audienceJoin({ clientSeq: '__SEQ__' }).replace('"__SEQ__"', '9007199254740993123');
    const event = await verifyAgoraWebhook({ body, headers: signed(body) }, { secret: SECRET, crypto });
    expect(event).toMatchObject({ clientSeq: '9007199254740993123' });
  });

  it('each leave and role event reads as its change and role', async () => {
    const cases: Array<[number, string, string, string]> = [
      [104, 'broadcaster-left', 'leave', 'broadcaster'],
      [106, 'audience-left', 'leave', 'audience'],
      [108, 'user-left', 'leave', 'communication'],
      [111, 'became-broadcaster', 'role', 'broadcaster'],
      [112, 'became-audience', 'role', 'audience'],
    ];
    for (const [eventType, type, change, role] of cases) {
      const body = JSON.stringify({
        noticeId: `n-${eventType}`,
        productId: 1,
        eventType,
        notifyMs: 1_764_900_000_000,
        payload: { channelName: 'c', uid: 3_000_000_001, clientSeq: 1_625_051_037_369, ts: 1_764_899_000, reason: 2, duration: 600 },
      });
      expect(await verifyAgoraWebhook({ body, headers: signed(body) }, { secret: SECRET, crypto })).toMatchObject({
        eventType,
        type,
        change,
        role,
        uid: 3_000_000_001,
      });
    }
  });

  it("the console's health check (test_webhook) is verified and marked a test", async () => {
    const body = JSON.stringify({
      noticeId: 'n',
      productId: 1,
      eventType: 103,
      notifyMs: 1,
      payload: { channelName: 'test_webhook', uid: 12121212, platform: 1, clientSeq: 1625051030746, ts: 1560396843 },
    });
    expect(await verifyAgoraWebhook({ body, headers: signed(body) }, { secret: SECRET, crypto })).toMatchObject({ test: true, uid: 12121212 });
  });
});

describe('verifyAgoraWebhook refuses', () => {
  const refusal = async (input: Parameters<typeof verifyAgoraWebhook>[0], secret = SECRET) => {
    const error = await verifyAgoraWebhook(input, { secret }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    const refused = error as WebhookVerificationError;
    // Nothing secret in what a log would show: not the secret, not a digest sent or expected.
    const shown = `${refused.message} ${JSON.stringify(refused)}`;
    expect(shown).not.toContain(secret);
    for (const value of Object.values((input.headers ?? {}) as Record<string, string>)) if (value.length >= 40) expect(shown).not.toContain(value);
    return refused.reason;
  };

  it('a callback without a signature header', async () => {
    expect(await refusal({ body: audienceJoin(), headers: { 'content-type': 'application/json' } })).toBe('missing-signature');
  });

  it('a body changed by one byte after signing, and a body signed with another secret', async () => {
    const body = audienceJoin();
    expect(await refusal({ body: body.replace('4294967295', '4294967294'), headers: signed(body) })).toBe('bad-signature');
    expect(await refusal({ body, headers: signed(body, 'another-secret') })).toBe('bad-signature');
  });

  it('a V2 signature that does not match, even beside a V1 that does (V2 is the one checked)', async () => {
    const body = audienceJoin();
    expect(await refusal({ body, headers: { ...signed(body), 'agora-signature-v2': sign('sha256', `${body} `) } })).toBe('bad-signature');
  });

  it('a signature cut short, or empty', async () => {
    const body = audienceJoin();
    expect(await refusal({ body, headers: { 'agora-signature-v2': sign('sha256', body).slice(0, 63) } })).toBe('bad-signature');
    expect(await refusal({ body, headers: { 'agora-signature-v2': '' } })).toBe('bad-signature');
  });

  it('a signed body that is not JSON, or a known event without its uid', async () => {
    expect(await refusal({ body: 'not json', headers: signed('not json') })).toBe('malformed-body');
    const body = audienceJoin({ uid: undefined });
    expect(await refusal({ body, headers: signed(body) })).toBe('malformed-body');
  });

  it('nothing, without a secret to verify with: a ConfigurationError', async () => {
    const body = audienceJoin();
    await expect(verifyAgoraWebhook({ body, headers: signed(body) }, { secret: '' })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

it('the answer Agora requires comes from the spec: 200 with a JSON body', () => {
  expect(agoraWebhookReply).toEqual({ status: 200, contentType: 'application/json', body: '{}' });
});
