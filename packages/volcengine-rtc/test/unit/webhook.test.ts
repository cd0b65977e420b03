// Volcengine RTC room-event callbacks (issue 23): the Signature over the sorted field values and the
// secret, with each crypto provider — the worked example in webhook-facts.md §3.5 (the vendor's own
// digest does not reproduce) and digests from node:crypto's createHash over a byte-order sort
// written here — then the event read from EventData; refusals typed, with no secret in them.
import { createHash } from 'node:crypto';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { crypto as webCrypto } from '@rollcall/runtime/crypto/web';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, verifyVolcengineWebhook, volcengineSignedText, volcengineWebhookReply, WebhookVerificationError } from '../../src/index.js';

const SECRET = 'rtc-callback-secret-93c1';
const SIGNED = ['EventType', 'EventData', 'EventTime', 'EventId', 'AppId', 'Version', 'Nonce'];

/** The second implementation: Buffer.compare is byte order, as Go's sort.Strings. */
const signatureOf = (fields: Record<string, string>, secret = SECRET) =>
  createHash('sha256')
    .update(
      [...SIGNED.map((name) => fields[name]!), secret]
        .map((value) => Buffer.from(value, 'utf8'))
        .sort(Buffer.compare)
        .map((bytes) => bytes.toString('utf8'))
        .join(''),
    )
    .digest('hex');

function callback(eventType: string, eventData: Record<string, unknown> | string, extra: Record<string, string> = {}, secret = SECRET) {
  const fields: Record<string, string> = {
    EventType: eventType,
    EventData: typeof eventData === 'string' ? eventData : JSON.stringify(eventData),
    EventTime: '2026-12-05T10:00:00.123456789Z',
    EventId: 'c3f1a2b4-7d11-4f0e-9a55-1a2b3c4d5e6f',
    AppId: '6523a7b1c0ffee0019e1d2c3',
    Version: '2020-12-01',
    Nonce: '4821',
    ...extra,
  };
  return JSON.stringify({ ...fields, Signature: signatureOf(fields, secret) });
}

describe.each([
  ['node:crypto', nodeCrypto],
  ['WebCrypto', webCrypto],
])('verifyVolcengineWebhook with %s', (_name, crypto) => {
  it('the worked example of webhook-facts.md §3.5 (values made up there, the algorithm as documented)', async () => {
    const fields = {
      EventType: 'UserLeaveRoom',
      EventData: '{"RoomId":"room1","UserId":"u1","DeviceType":"android","Reason":"userLeave","Timestamp":1700000000000}',
      EventTime: '2024-01-01T00:00:00.000000000Z',
      EventId: 'evt-0001',
      AppId: 'app0001',
      Version: '2020-12-01',
      Nonce: '1234',
    };
    const body = JSON.stringify({ ...fields, Signature: '1b534bf5cb66286c82f0b6311136c87c43d6d586be663676d926505df6c87317' });
    expect(await verifyVolcengineWebhook({ body }, { secret: 'secret', crypto })).toEqual({
      type: 'user-left',
      eventType: 'UserLeaveRoom',
      change: 'leave',
      role: 'visible',
      roomId: 'room1',
      userId: 'u1',
      eventId: 'evt-0001',
      at: new Date(1_700_000_000_000),
      timestamp: '1700000000000',
      reason: 'userLeave',
      appId: 'app0001',
      // int64 fields read as exact decimal strings, as every client reads them.
      payload: { ...JSON.parse(fields.EventData), Timestamp: '1700000000000' },
    });
  });

  it('each room event reads as its change and visibility, with real-shaped ids', async () => {
    const cases: Array<[string, string, string | undefined, string | undefined]> = [
      ['UserJoinRoom', 'user-joined', 'join', 'visible'],
      ['InvisibleUserJoinRoom', 'invisible-user-joined', 'join', 'invisible'],
      ['InvisibleUserLeaveRoom', 'invisible-user-left', 'leave', 'invisible'],
      ['RoleChangeInvisible2Visible', 'became-visible', 'role', 'visible'],
      ['RoleChangeVisible2Invisible', 'became-invisible', 'role', 'invisible'],
    ];
    for (const [eventType, type, change, role] of cases) {
      const body = callback(eventType, { RoomId: 'room_7226277271248584971', UserId: '9007199254740993', DeviceType: 'ios', Timestamp: 1_764_928_800_123 });
      expect(await verifyVolcengineWebhook({ body }, { secret: SECRET, crypto, appId: '6523a7b1c0ffee0019e1d2c3' })).toMatchObject({
        type,
        change,
        role,
        roomId: 'room_7226277271248584971',
        userId: '9007199254740993',
        at: new Date(1_764_928_800_123),
      });
    }
  });

  it('values outside ASCII are sorted by their UTF-8 bytes, as the vendor sorts them', async () => {
    // U+FF5E (EF BD BE) sorts before U+1F600 (F0 9F 98 80) by bytes, after it by UTF-16 code units
    // (its surrogate D83D): a Nonce and a secret starting with each tell the two orders apart.
    const secret = `\u{1F600}${SECRET}`;
    const body = callback('UserJoinRoom', { RoomId: '房间\u{1F600}', UserId: '用户\uFF5E' }, { Nonce: '\uFF5E1' }, secret);
    expect(await verifyVolcengineWebhook({ body: new TextEncoder().encode(body) }, { secret, crypto })).toMatchObject({
      roomId: '房间\u{1F600}',
      userId: '用户\uFF5E',
    });
    expect(volcengineSignedText({ Nonce: '\uFF5E1', EventType: '\u{1F600}' }, 'z')).toBe('z\uFF5E1\u{1F600}');
  });

  it('RoomDestroy has no user; an event type this version does not read is an unknown event, its EventData unread', async () => {
    expect(await verifyVolcengineWebhook({ body: callback('RoomDestroy', { RoomId: 'room_1' }) }, { secret: SECRET, crypto })).toMatchObject({
      type: 'room-destroyed',
      roomId: 'room_1',
      at: new Date(Date.UTC(2026, 11, 5, 10, 0, 0, 123)),
    });
    expect(await verifyVolcengineWebhook({ body: callback('RecordStarted', '{"TaskId":"t-1"}') }, { secret: SECRET, crypto })).toEqual({
      type: 'unknown',
      eventType: 'RecordStarted',
      eventId: 'c3f1a2b4-7d11-4f0e-9a55-1a2b3c4d5e6f',
      appId: '6523a7b1c0ffee0019e1d2c3',
      eventData: '{"TaskId":"t-1"}',
    });
  });
});

describe('verifyVolcengineWebhook refuses', () => {
  const refusal = async (body: string, options: { appId?: string } = {}) => {
    const error = await verifyVolcengineWebhook({ body }, { secret: SECRET, ...options }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    const shown = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(shown).not.toContain(SECRET);
    const sent = (() => {
      try {
        return (JSON.parse(body) as { Signature?: string }).Signature;
      } catch {
        return undefined;
      }
    })();
    if (sent) expect(shown).not.toContain(sent);
    return (error as WebhookVerificationError).reason;
  };
  const join = () => callback('UserJoinRoom', { RoomId: 'r', UserId: 'u' });

  it('a body without a Signature', async () => {
    const { Signature: _, ...unsigned } = JSON.parse(join()) as Record<string, string>;
    expect(await refusal(JSON.stringify({ ...unsigned, Signature: '' }))).toBe('missing-signature');
  });

  it('any signed field changed after signing, or a body signed with another secret', async () => {
    for (const field of SIGNED) {
      const body = JSON.parse(join()) as Record<string, string>;
      body[field] = `${body[field]}x`;
      expect(await refusal(JSON.stringify(body))).toBe('bad-signature');
    }
    expect(await refusal(callback('UserJoinRoom', { RoomId: 'r', UserId: 'u' }, {}, 'another-secret'))).toBe('bad-signature');
  });

  it("another app's callback", async () => {
    expect(await refusal(join(), { appId: 'another-app' })).toBe('wrong-app');
  });

  it('a body that is not JSON, lacks a field, or carries EventData that is not its event', async () => {
    expect(await refusal('{"EventType":')).toBe('malformed-body');
    const { Nonce: _, ...withoutNonce } = JSON.parse(join()) as Record<string, string>;
    expect(await refusal(JSON.stringify(withoutNonce))).toBe('malformed-body');
    expect(await refusal(callback('UserJoinRoom', 'not json'))).toBe('malformed-body');
    expect(await refusal(callback('UserJoinRoom', { RoomId: 'r' }))).toBe('malformed-body');
  });

  it('nothing, without a secret: a ConfigurationError', async () => {
    await expect(verifyVolcengineWebhook({ body: join() }, { secret: '' })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

it('the answer Volcengine requires comes from the spec: 200', () => {
  expect(volcengineWebhookReply).toEqual({ status: 200, contentType: 'text/plain', body: 'ok' });
});
