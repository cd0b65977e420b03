// Volcengine RTC room-event callbacks, verified as Volcengine signs them: Signature = hex SHA-256 of
// seven of the body's field values and the callback secret, sorted in byte order, joined with
// nothing between them. What Volcengine signs is field values, not bytes: the body's JSON is read
// first, then checked, and EventData (JSON written as a string) is read only after the signature
// holds. Volcengine ships no verifier (its demo server checks nothing); the fields, the order and
// the reply come from the spec's `webhooks` (generated/webhooks.ts).
import {
  ConfigurationError,
  type CryptoProvider,
  defaultCrypto,
  digestsEqual,
  readWebhookBody,
  utf8,
  type WebhookInput,
  WebhookVerificationError,
} from '@rollcall/runtime';
import { webhooks } from './generated/webhooks.js';

const hook = webhooks.roomEvent;
type EventTable = typeof hook.events;

/** A room event Volcengine sent, verified. */
export interface VolcengineRoomEvent {
  type: EventTable[keyof EventTable]['name'];
  eventType: string;
  /** What it does to the roster; absent for RoomDestroy. */
  change?: 'join' | 'leave' | 'role';
  /** Whether the user is (or was, for leaves) visible in the room. */
  role?: 'visible' | 'invisible';
  roomId: string;
  /** The user, for user events. */
  userId?: string;
  /** Volcengine's id of the event, the same on every copy: drop the copies. */
  eventId: string;
  /** When it happened: EventData.Timestamp where given (ms), else EventTime. */
  at: Date;
  /** EventData's own Timestamp, exact (int64). */
  timestamp?: string;
  reason?: string;
  appId: string;
  /** EventData as Volcengine wrote it, read. */
  payload: Record<string, unknown>;
}

/** An event type this version does not read: kept, typed as such, never a crash. */
export interface VolcengineUnknownEvent {
  type: 'unknown';
  eventType: string;
  eventId: string;
  appId: string;
  /** EventData, still the string Volcengine sent. */
  eventData: string;
}

export interface VolcengineWebhookOptions {
  /** The callback secret key set in the console. */
  secret: string;
  /** This receiver's AppId: a callback for another app is refused. */
  appId?: string;
  crypto?: CryptoProvider;
}

/** What Volcengine must be answered: HTTP 200 within 5 s. */
export const volcengineWebhookReply = hook.reply;

/** Byte order of the strings' UTF-8, as Go's sort.Strings orders them (not JS's UTF-16 order). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The string Volcengine hashes: the signed fields' values and the secret, in byte order, joined. */
export function volcengineSignedText(fields: Readonly<Record<string, string>>, secret: string): string {
  const values = [...hook.signature.fields.map((name) => fields[name] ?? ''), secret].map((text) => ({ text, bytes: utf8(text) }));
  return values
    .sort((a, b) => compareBytes(a.bytes, b.bytes))
    .map((value) => value.text)
    .join('');
}

/**
 * Verifies a callback from its body and reads it. Throws WebhookVerificationError when the body is
 * not a callback, its Signature is missing or wrong, it is another app's, or its EventData is not
 * what its event type carries; an event type this version does not read is an `unknown` event.
 */
export async function verifyVolcengineWebhook(input: WebhookInput, options: VolcengineWebhookOptions): Promise<VolcengineRoomEvent | VolcengineUnknownEvent> {
  if (typeof options.secret !== 'string' || options.secret === '')
    throw new ConfigurationError('volcengine: the callback secret is required to verify callbacks');
  const body = readWebhookBody('volcengine', input.body, hook.envelope) as Record<string, string>;
  const signature = body[hook.signature.field];
  if (!signature) throw new WebhookVerificationError('volcengine', 'missing-signature', `the body has no ${hook.signature.field}`);
  const expected = await (options.crypto ?? defaultCrypto).sha256Hex(volcengineSignedText(body, options.secret));
  if (!digestsEqual(expected, signature))
    throw new WebhookVerificationError('volcengine', 'bad-signature', `${hook.signature.field} does not match the fields it signs`);
  const appId = body[hook.appField]!;
  if (options.appId !== undefined && appId !== options.appId)
    throw new WebhookVerificationError('volcengine', 'wrong-app', `the callback is for AppId ${appId}`);
  const eventType = body[hook.eventType]!;
  const eventId = body[hook.dedupeField]!;
  const known = (hook.events as Record<string, EventTable[keyof EventTable]>)[eventType];
  if (!known) return { type: 'unknown', eventType, eventId, appId, eventData: body[hook.payloadField]! };
  const payload = readWebhookBody('volcengine', body[hook.payloadField]!, known.payload) as Record<string, unknown> & {
    RoomId: string;
    UserId?: string;
    Reason?: string;
    Timestamp?: string | number;
  };
  const event: VolcengineRoomEvent = {
    type: known.name,
    eventType,
    roomId: payload.RoomId,
    eventId,
    at: new Date(payload.Timestamp !== undefined ? Number(payload.Timestamp) : Date.parse(body.EventTime!)),
    appId,
    payload,
  };
  if ('change' in known) event.change = known.change;
  if ('role' in known) event.role = known.role;
  if (payload.UserId !== undefined) event.userId = payload.UserId;
  if (payload.Timestamp !== undefined) event.timestamp = String(payload.Timestamp);
  if (payload.Reason !== undefined) event.reason = payload.Reason;
  return event;
}
