// Volcengine's wire: which operation a request is (Action and Version in the query, at every
// version the spec accepts) and the BaseResponse envelope around answers and errors, with the
// gateway's numeric CodeN from the spec's table.
import { operations, type ParticipantStatus, type Participant, type GetRoomOnlineUsersResult, type ResponseMetadata } from '@rollcall/volcengine-rtc';
import { wire } from '../generated/wire.js';
import type { ReceivedRequest, Reply } from './reply.js';

type OperationId = keyof typeof wire.volcengine.operations;

export interface VolcengineRoute {
  /** Null when no operation has this Action, Version, method and path. */
  operationId: OperationId | null;
  action: string;
  version: string;
}

/** Every response names the service and the region that served it. */
const SERVED_BY = { Service: 'rtc', Region: 'cn-north-1' } as const;

export function routeVolcengine(req: Pick<ReceivedRequest, 'method' | 'url'>): VolcengineRoute {
  const action = req.url.searchParams.get('Action') ?? '';
  const version = req.url.searchParams.get('Version') ?? '';
  const entry = Object.entries(wire.volcengine.operations).find(
    ([, op]) =>
      op.action === action &&
      (op.versions as readonly string[]).includes(version) &&
      (op.methods as readonly string[]).includes(req.method) &&
      op.path === req.url.pathname,
  );
  return { operationId: (entry?.[0] as OperationId | undefined) ?? null, action, version };
}

const metadata = (route: Pick<VolcengineRoute, 'action' | 'version'>, requestId: string): ResponseMetadata => ({
  RequestId: requestId,
  Action: route.action,
  Version: route.version,
  ...SERVED_BY,
});

const responseSchemas = Object.fromEntries(Object.values(operations).map((op) => [op.action, op.responseSchema]));

/**
 * A success. Its int64 fields (decimal strings in the types) go on the wire as bare JSON numbers, as
 * the service writes them: the body holds Int64Digits, for writeJson.
 */
export function volcengineOk(route: Pick<VolcengineRoute, 'action' | 'version'>, requestId: string, result: unknown): Reply {
  const body = { ResponseMetadata: metadata(route, requestId), Result: result };
  const schema = responseSchemas[route.action];
  return { status: 200, body: schema ? schema.encode(body) : body };
}

/**
 * A failure: gateway codes carry their documented CodeN and HTTP status; the RTC and IM codes
 * carry CodeN 0 as the pages' examples do, with the status the caller gives.
 */
export function volcengineFail(route: Pick<VolcengineRoute, 'action' | 'version'>, requestId: string, code: string, message: string, status = 400): Reply {
  const gateway = (wire.volcengine.gatewayCodes as Record<string, { codeN: number; httpStatus: number }>)[code];
  return {
    status: gateway?.httpStatus ?? status,
    body: { ResponseMetadata: { ...metadata(route, requestId), Error: { CodeN: gateway?.codeN ?? 0, Code: code, Message: message } } },
  };
}

/** An int64 as a server may hold it: a bigint, a safe number or its decimal digits. */
export type Int64Value = bigint | number | string;

/**
 * One QueryLiveParticipantStatus answer, under the id it was asked: an integer id (a bigint or a
 * number), or a string id (a string, answered in ParticipantUserIdStr).
 */
export function volcengineStatus(
  appId: number,
  conversationShortId: Int64Value,
  userId: bigint | number | string,
  joinedAtMs: number | null,
): ParticipantStatus {
  return {
    AppId: appId,
    ConversationShortId: String(conversationShortId),
    ...(typeof userId === 'string' ? { ParticipantUserId: '0', ParticipantUserIdStr: userId } : { ParticipantUserId: String(userId) }),
    IsInConversation: joinedAtMs !== null,
    CreateTime: joinedAtMs === null ? '0' : String(Math.floor(joinedAtMs / 1000)),
  };
}

export interface VolcengineMember {
  userId: Int64Value;
  joinedAtMs: number;
  role?: 0 | 1 | 2 | undefined;
  nickname?: string | undefined;
}

/** One BatchGetConversationParticipant member, added by `operator` (a user id; default the member itself). */
export function volcengineParticipant(conversationShortId: Int64Value, member: VolcengineMember, operator: Int64Value = member.userId): Participant {
  return {
    ConversationShortId: String(conversationShortId),
    ParticipantUserId: String(member.userId),
    Operator: String(operator),
    Role: member.role ?? 0,
    Status: 0,
    Level: 1,
    NickName: member.nickname ?? '',
    CreateTime: String(Math.floor(member.joinedAtMs / 1000)),
    BlockTime: '0',
    Ext: {},
  };
}

/** A GetRoomOnlineUsers result; `null` for a room that does not exist. `listBound` caps the invisible list, as the service does. */
export function volcengineRoom(room: { visible: readonly string[]; invisible: readonly string[] } | null, listBound: number): GetRoomOnlineUsersResult {
  if (!room) return { RoomExists: false };
  return {
    RoomExists: true,
    TotalUser: room.visible.length + room.invisible.length,
    TotalInvisibleUser: room.invisible.length,
    VisibleUserList: [...room.visible],
    InvisibleUserList: room.invisible.slice(0, listBound),
  };
}
