// Tencent Cloud IM / Live presence callbacks, verified as Tencent signs them: with a callback token
// configured, the URL carries Sign = hex SHA-256(token + RequestTime) and RequestTime, refused more
// than a minute from now. Tencent signs no part of the body, so the app it names (SdkAppid) is
// checked too. Tencent ships no verifier; what is signed, the window and the reply come from the
// spec's `webhooks` (generated/webhooks.ts).
import {
  checkWebhookValue,
  ConfigurationError,
  type CryptoProvider,
  defaultCrypto,
  digestsEqual,
  readWebhookBody,
  type WebhookInput,
  WebhookVerificationError,
} from '@rollcall/runtime';
import { webhooks } from './generated/webhooks.js';

const hook = webhooks.memberStateChange;
type EventTable = typeof hook.events;

/** Members of a live room (Live.*) or a live group (Group.*) came online or went offline. */
export interface TencentMemberStateEvent {
  type: 'live-member-state-changed' | 'group-member-state-changed';
  command: string;
  /** What it does to the roster, from EventType (Online → join, Offline → leave); absent for a value this version does not know. */
  change?: 'join' | 'leave';
  /** The live room's RoomId or the live group's GroupId. */
  roomId: string;
  roomKind: 'live-room' | 'live-group';
  /** Every member the event moves, in the vendor's order. */
  members: string[];
  /** Why (Enter, Leave, HeartbeatInterrupt, …). */
  cause?: string;
  /** When it happened, when the callback says (EventTime, ms). */
  at?: Date;
  payload: Record<string, unknown>;
}

/** A user's login state changed (State.StateChange). */
export interface TencentLoginStateEvent {
  type: 'login-state-changed';
  command: string;
  user: string;
  action: string;
  reason?: string;
  at?: Date;
  payload: Record<string, unknown>;
}

/** A callback this version does not read: kept, typed as such, never a crash. */
export interface TencentUnknownEvent {
  type: 'unknown';
  command: string;
  payload: Record<string, unknown>;
}

export type TencentWebhookEvent = TencentMemberStateEvent | TencentLoginStateEvent | TencentUnknownEvent;

export interface TencentWebhookOptions {
  /** The callback token set in the console (or `set_callback_token`). */
  token: string;
  /** This app's SDKAppID: a callback for another app is refused. */
  sdkAppId: number | string;
  crypto?: CryptoProvider;
  /** The receiver's clock, Unix ms (tests). */
  now?: () => number;
}

/** What Tencent must be answered: HTTP 200 and `{"ActionStatus":"OK",…}` within 2 s. */
export const tencentWebhookReply = hook.reply;

/** A query's parameters by lower-cased name: Tencent's pages spell them several ways. */
function queryOf(url: WebhookInput['url']): Map<string, string> {
  const params = new URL(String(url ?? ''), 'http://callback.invalid').searchParams;
  return new Map([...params].map(([key, value]) => [key.toLowerCase(), value]));
}

const first = (query: Map<string, string>, names: readonly string[]) => names.map((name) => query.get(name.toLowerCase())).find((v) => v !== undefined);

const timeOf = (value: unknown): Date | undefined => (value === undefined || value === null || value === '' ? undefined : new Date(Number(value)));

/**
 * Verifies a callback from its URL (Sign, RequestTime, SdkAppid) and reads its body. Throws
 * WebhookVerificationError when Sign is missing or wrong, RequestTime is outside the minute, the
 * callback is another app's, or the body is not a callback; a command this version does not read
 * is an `unknown` event.
 */
export async function verifyTencentWebhook(input: WebhookInput, options: TencentWebhookOptions): Promise<TencentWebhookEvent> {
  if (typeof options.token !== 'string' || options.token === '') throw new ConfigurationError('tencent: the callback token is required to verify callbacks');
  if (options.sdkAppId === undefined || String(options.sdkAppId) === '') throw new ConfigurationError('tencent: sdkAppId is required to verify callbacks');
  const query = queryOf(input.url);
  const { parameter, timeParameter, windowSeconds } = hook.signature;
  const sign = first(query, [parameter]);
  const requestTime = first(query, [timeParameter]);
  if (sign === undefined || requestTime === undefined)
    throw new WebhookVerificationError('tencent', 'missing-signature', `the URL lacks ${parameter} or ${timeParameter}`);
  const expected = await (options.crypto ?? defaultCrypto).sha256Hex(options.token + requestTime);
  if (!digestsEqual(expected, sign)) throw new WebhookVerificationError('tencent', 'bad-signature', `${parameter} does not match ${timeParameter}`);
  const sentAtMs = /^\d{1,12}$/.test(requestTime) ? Number(requestTime) * 1000 : Number.NaN;
  const nowMs = options.now?.() ?? Date.now();
  if (!(Math.abs(nowMs - sentAtMs) <= windowSeconds * 1000)) {
    throw new WebhookVerificationError('tencent', 'stale', `${timeParameter} is more than ${windowSeconds} s from this receiver's clock`);
  }
  const app = first(query, hook.appParameters);
  if (app !== String(options.sdkAppId)) throw new WebhookVerificationError('tencent', 'wrong-app', `the callback is for SdkAppid ${app ?? '(none)'}`);
  const body = readWebhookBody('tencent', input.body, hook.envelope) as { CallbackCommand: string };
  const command = body.CallbackCommand;
  const queried = first(query, hook.commandParameters);
  if (queried !== undefined && queried !== command)
    throw new WebhookVerificationError('tencent', 'malformed-body', 'the body names another command than the URL');
  const known = (hook.events as Record<string, EventTable[keyof EventTable]>)[command];
  if (!known) return { type: 'unknown', command, payload: body };
  const payload = checkWebhookValue('tencent', body, known.payload);
  if (known.name === 'login-state-changed') {
    const info = payload.Info as { Action: string; To_Account: string; Reason?: string };
    const event: TencentLoginStateEvent = { type: known.name, command, user: info.To_Account, action: info.Action, payload };
    if (info.Reason !== undefined) event.reason = info.Reason;
    const at = timeOf(payload.EventTime);
    if (at) event.at = at;
    return event;
  }
  const live = known.name === 'live-member-state-changed';
  const event: TencentMemberStateEvent = {
    type: known.name,
    command,
    roomId: String(live ? payload.RoomId : payload.GroupId),
    roomKind: live ? 'live-room' : 'live-group',
    members: (payload.MemberList as Array<{ Member_Account: string }>).map((member) => member.Member_Account),
    payload,
  };
  const change = (known.changeFrom.values as Record<string, 'join' | 'leave'>)[String(payload[known.changeFrom.field])];
  if (change) event.change = change;
  if (typeof payload.EventCause === 'string') event.cause = payload.EventCause;
  const at = timeOf(payload.EventTime);
  if (at) event.at = at;
  return event;
}
