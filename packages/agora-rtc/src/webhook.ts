// Agora's Notification Center Service callbacks (RTC channel events 101–112), verified as Agora
// signs them: a hex HMAC of the raw body with the product's NCS secret, in `Agora-Signature-V2`
// (SHA-256) and `Agora-Signature` (SHA-1). Agora ships no verifier (only doc snippets, several of
// whose printed digests are wrong: see the spec). What is signed, in which headers, and what the
// answer must be come from the spec's `webhooks` (generated/webhooks.ts).
import {
  ConfigurationError,
  checkWebhookValue,
  type CryptoProvider,
  defaultCrypto,
  digestsEqual,
  readWebhookBody,
  toHex,
  type WebhookInput,
  webhookBytes,
  webhookHeader,
  WebhookVerificationError,
} from '@rollcall/runtime';
import { webhooks } from './generated/webhooks.js';

const hook = webhooks.channelEvent;
type EventTable = typeof hook.events;
type KnownEventType = keyof EventTable;

/** A channel event Agora sent, verified. */
export interface AgoraChannelEvent {
  /** The event's name (spec `x-rollcall-webhook.events`), e.g. `audience-joined`. */
  type: EventTable[KnownEventType]['name'];
  /** Agora's number for it (101–112). */
  eventType: number;
  /** What it does to a roster: a user joined, left, or changed role; absent for channel events. */
  change?: 'join' | 'leave' | 'role';
  /** The role it gives the user, for joins and role changes (and the role left, for leaves). */
  role?: 'broadcaster' | 'audience' | 'communication';
  channelName: string;
  /** The user's uid, for user events. */
  uid?: number;
  /** The user's sequence, an exact decimal string (it can exceed 2^53): per user, the newest wins. */
  clientSeq?: string;
  /** When it happened (the payload's `ts`, in ms). */
  at: Date;
  noticeId: string;
  /** When NCS sent this attempt (it changes on resends). */
  notifiedAt: Date;
  /** Whether this is the console's health check (`test_webhook`), never part of a real roster. */
  test: boolean;
  /** The payload as Agora sent it. */
  payload: Record<string, unknown>;
}

/** An event type this version does not know: kept, typed as such, never a crash. */
export interface AgoraUnknownEvent {
  type: 'unknown';
  eventType: number;
  noticeId: string;
  notifiedAt: Date;
  payload: Record<string, unknown>;
}

export interface AgoraWebhookOptions {
  /** The NCS secret the console shows for the product. */
  secret: string;
  /** Crypto for the HMAC (node:crypto on Node, WebCrypto elsewhere, by default). */
  crypto?: CryptoProvider;
}

/** What Agora must be answered once an event is taken: HTTP 200 within 10 s, a JSON body. */
export const agoraWebhookReply = hook.reply;

/**
 * Verifies a callback from its raw body and headers, then reads it. Throws WebhookVerificationError
 * when no signature header is present, when the signature does not match the body, or when the
 * body is not an NCS notification; an event type this version does not know is an `unknown` event.
 */
export async function verifyAgoraWebhook(input: WebhookInput, options: AgoraWebhookOptions): Promise<AgoraChannelEvent | AgoraUnknownEvent> {
  // A receiver set up without its secret is a deployment's mistake, not a forged callback.
  if (typeof options.secret !== 'string' || options.secret === '') throw new ConfigurationError('agora: the NCS secret is required to verify callbacks');
  const crypto = options.crypto ?? defaultCrypto;
  const header = hook.signature.headers.find(({ name }) => webhookHeader(input.headers, name) !== undefined);
  if (!header) {
    throw new WebhookVerificationError('agora', 'missing-signature', `neither ${hook.signature.headers.map(({ name }) => name).join(' nor ')} is present`);
  }
  const body = webhookBytes(input.body);
  const digest = toHex(await (header.algorithm === 'hmac-sha256' ? crypto.hmacSha256 : crypto.hmacSha1)(options.secret, body));
  if (!digestsEqual(digest, webhookHeader(input.headers, header.name)!)) {
    throw new WebhookVerificationError('agora', 'bad-signature', `${header.name} does not match the body`);
  }
  const envelope = readWebhookBody('agora', input.body, hook.envelope) as {
    noticeId: string;
    eventType: number;
    notifyMs: number;
    payload: Record<string, unknown>;
  };
  const { noticeId, eventType, notifyMs } = envelope;
  const known = (hook.events as Record<string, EventTable[KnownEventType]>)[String(eventType)];
  if (!known) return { type: 'unknown', eventType, noticeId, notifiedAt: new Date(notifyMs), payload: envelope.payload };
  const payload = checkWebhookValue('agora', envelope.payload, known.payload, 'payload') as Record<string, unknown> & {
    channelName: string;
    ts: number;
    uid?: number;
    clientSeq?: string;
  };
  const event: AgoraChannelEvent = {
    type: known.name,
    eventType,
    channelName: payload.channelName,
    at: new Date(payload.ts * 1000),
    noticeId,
    notifiedAt: new Date(notifyMs),
    test: payload.channelName === hook.testChannel,
    payload,
  };
  if ('change' in known) event.change = known.change;
  if ('role' in known) event.role = known.role;
  if (payload.uid !== undefined && 'change' in known) event.uid = payload.uid;
  if (payload.clientSeq !== undefined) event.clientSeq = String(payload.clientSeq);
  return event;
}
