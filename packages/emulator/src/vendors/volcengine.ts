// Volcengine: the two IM actions (live groups and conversations, integer or string user ids) and
// the RTC room listing, as the service and its SDK models describe them.
import { int64Digits, quotaOf, readJson } from '@rollcall/runtime';
import { operations as volcOps } from '@rollcall/volcengine-rtc';
import { verifyVolcengine } from '../verify.js';
import { routeVolcengine, volcengineFail, volcengineOk, volcengineParticipant, volcengineRoom, volcengineStatus, type VolcengineRoute } from '../wire/index.js';
import { isStringIdMember, type Member } from '../world.js';
import type { Handled, VendorHandler } from './context.js';

/** An int64 as the service reads it from JSON: a number (readJson quotes the ones beyond 2^53) → its digits. */
const int64Of = (value: unknown): string | undefined => {
  const digits = typeof value === 'number' || (typeof value === 'string' && /^-?\d{16,}$/.test(value)) ? int64Digits(value) : undefined;
  return digits === 'range' || digits === 'unsafe' ? undefined : digits;
};
const isIntegerArray = (value: unknown): value is Array<number | string> => Array.isArray(value) && value.every((v) => int64Of(v) !== undefined);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');
const byOperationId = Object.fromEntries(Object.values(volcOps).map((op) => [op.operationId, op]));

export const volcengine: VendorHandler = async (ctx, req, arrivedAt, requestId) => {
  const route = routeVolcengine(req);
  const fail = (code: string, message: string, status?: number): Handled => [
    route.operationId ?? route.action,
    volcengineFail(route, requestId, code, message, status),
  ];
  // Like the gateway: authenticate first, then look the action up.
  const verified = ctx.checkSignatures ? await verifyVolcengine(req, ctx.credentials.volcengine, ctx.now(), ctx.temporary) : ctx.unchecked(req);
  if (!verified.ok) {
    ctx.count(route.operationId ?? route.action, 'rejected');
    return fail(verified.code, verified.message, 401);
  }
  if (!route.operationId) return fail('InvalidActionOrVersion', `Could not find operation ${route.action} ${route.version}`);
  const op = byOperationId[route.operationId]!;
  if (!ctx.admit(verified.account, op.operationId, quotaOf(op, op.request.in === 'query' ? Object.fromEntries(req.url.searchParams) : undefined), arrivedAt)) {
    ctx.count(op.operationId, 'throttled');
    return fail('FlowLimitExceeded.QPSOverLimit', 'QPS over limit', 429);
  }
  return op.operationId === 'GetRoomOnlineUsers' ? roomUsers(ctx.world, req.url, route, requestId) : imAction(ctx.world, req.body, route, requestId);
};

function roomUsers(world: import('../world.js').World, url: URL, route: VolcengineRoute, requestId: string): Handled {
  const op = volcOps.getRoomOnlineUsers;
  const appId = url.searchParams.get('AppId');
  const roomId = url.searchParams.get('RoomId');
  if (!appId || appId !== world.volcengineRtcAppId)
    return [op.operationId, volcengineFail(route, requestId, 'InvalidParameter.IllegalAppId', 'AppId is illegal')];
  if (!roomId || !/^[a-zA-Z0-9@._-]{1,128}$/.test(roomId))
    return [op.operationId, volcengineFail(route, requestId, 'InvalidParameter.IllegalRoomID', 'RoomId is illegal')];
  const members = world.rooms['volcengine-rtc'].get(roomId);
  const all = members ? [...members.values()] : [];
  const room = members
    ? { visible: all.filter((m) => !m.invisible).map((m) => m.userId), invisible: all.filter((m) => m.invisible).map((m) => m.userId) }
    : null;
  return [op.operationId, volcengineOk(route, requestId, volcengineRoom(room, op.listBound.max))];
}

function imAction(world: import('../world.js').World, body: string, route: VolcengineRoute, requestId: string): Handled {
  const operationId = route.operationId!;
  const fail = (code: string, message: string, status = 400): Handled => [operationId, volcengineFail(route, requestId, code, message, status)];
  let input: { AppId?: unknown; ConversationShortId?: unknown; ParticipantUserIds?: unknown; ParticipantUserIdsStr?: unknown };
  try {
    // Exact: a live group's id and user ids are int64 (19 digits in real traffic).
    input = readJson(body) as typeof input;
  } catch {
    return fail('JsonParsingError', 'the body is not JSON');
  }
  const { AppId: appId } = input;
  const conversationShortId = int64Of(input.ConversationShortId);
  if (!Number.isSafeInteger(appId) || conversationShortId === undefined) return fail('InvalidParam', 'AppId and ConversationShortId must be integers');
  // String ids (model: ParticipantUserIdsStr, QueryLiveParticipantStatus only) travel beside the
  // required integer list, which is then empty — or null, as Go's client sends an empty slice.
  const takesStrings = operationId === 'QueryLiveParticipantStatus';
  const strings = takesStrings && input.ParticipantUserIdsStr !== undefined && input.ParticipantUserIdsStr !== null ? input.ParticipantUserIdsStr : [];
  if (!isStringArray(strings)) return fail('InvalidParam', 'ParticipantUserIdsStr must be non-empty strings');
  const integers = input.ParticipantUserIds === null && strings.length > 0 ? [] : input.ParticipantUserIds;
  if (!isIntegerArray(integers)) return fail('InvalidParam', 'ParticipantUserIds must be integers');
  if (integers.length + strings.length === 0) return fail('InvalidParam', 'no user ids: ParticipantUserIds (or ParticipantUserIdsStr) is empty');
  if (appId !== world.volcengineImAppId) return fail('AppNotFound', 'app not found', 404);
  const conversation = world.rooms['volcengine-im'].get(conversationShortId);
  if (!conversation) return fail('ConversationNotFound', 'conversation not found', 404);
  /** A member asked by integer id (a bigint here) is an integer-id member; by string id, a string-id member. */
  const lookup = (id: bigint | string): Member | undefined => {
    const m = conversation.get(String(id));
    return m && isStringIdMember(m) === (typeof id === 'string') ? m : undefined;
  };
  const integerIds = integers.map((id) => BigInt(int64Of(id)!));
  const ids: Array<bigint | string> = [...integerIds, ...strings];
  if (operationId === 'QueryLiveParticipantStatus') {
    // Documented quirk: only the first 200 ids are answered, silently.
    const answered = ids.slice(0, volcOps.queryLiveParticipantStatus.batch.max);
    const status = answered.map((id) => volcengineStatus(appId as number, conversationShortId, id, lookup(id)?.joinedAt ?? null));
    return [operationId, volcengineOk(route, requestId, { Status: status })];
  }
  // The group's owner added everyone (Operator is a user id, as wide as any).
  const owner = [...conversation.values()].find((m) => m.role === 1 && !isStringIdMember(m))?.userId ?? '0';
  const participants = integerIds.flatMap((id) => {
    const m = lookup(id);
    return m ? [volcengineParticipant(conversationShortId, { userId: id, joinedAtMs: m.joinedAt, role: m.role, nickname: m.nickname }, owner)] : [];
  });
  return [operationId, volcengineOk(route, requestId, { Participants: participants })];
}
