import {
  createVolcengineRtcClient,
  credentialsEnvironment,
  NotFoundError,
  operations,
  schemas,
  type VolcengineRtcClient,
  type VolcengineRtcClientOptions,
  type VolcengineRoomEvent,
  type VolcengineUnknownEvent,
  webhooks,
} from '@rollcall/volcengine-rtc';
import type { LiveRosterOptions, RosterEvent } from '../live.js';
import { quotaOf } from '@rollcall/runtime';
import { accountOf, type AccountOption } from './account.js';
import { integerId, integerIds, validateAll } from '../ids.js';
import { answersFrom, makeProvider, recordsById, type Provider } from '../provider.js';
import type { MemberDetails } from '../model.js';

type ProvidedClient = { client: VolcengineRtcClient /** The access key id the quota counts against. */; account: string };

export type VolcengineProviderOptions = ((VolcengineRtcClientOptions & AccountOption) | ProvidedClient) & {
  /** The IM application (a number): enables `status` (live groups) and `details` (conversations). */
  imAppId?: number | undefined;
  /** The RTC application (a string): enables `roster` (rooms). */
  rtcAppId?: string | undefined;
  /**
   * How the IM app's user ids are typed. `'int'` (default): decimal strings sent as integers
   * (`ParticipantUserIds`). `'string'`: sent as they are (`ParticipantUserIdsStr`) and answered
   * under the same string (`ParticipantUserIdStr`); `details` is then unavailable, since
   * BatchGetConversationParticipant has no string form. The service takes both forms in one
   * call and answers each under the form it was asked, so there is nothing to detect: the app's
   * own id type decides, and a wrong choice answers "not in the group", never an error.
   */
  userIds?: 'int' | 'string' | undefined;
};

type VolcengineCapabilities<O> =
  | (O extends { imAppId: number } ? (O extends { userIds: 'string' } ? 'status' : 'status' | 'details') : never)
  | (O extends { rtcAppId: string } ? 'roster' : never);

/** An int64 of Unix seconds (a decimal string) as a Date; 0 or absent is no time. */
const seconds = (s: string | undefined) => (s && Number(s) > 0 ? new Date(Number(s) * 1000) : null);
const ROLES = { 0: 'member', 1: 'owner', 2: 'admin' } as const;

/**
 * Volcengine RTC: `status` answers from QueryLiveParticipantStatus (a live group's
 * ConversationShortId as the room), `details` from BatchGetConversationParticipant, `roster` from
 * GetRoomOnlineUsers (an RTC RoomId as the room).
 */
export function volcengine<const O extends VolcengineProviderOptions>(options: O): Provider<VolcengineCapabilities<O>> {
  const opts: VolcengineProviderOptions = options;
  const client: VolcengineRtcClient = 'client' in opts ? opts.client : createVolcengineRtcClient(opts);
  const account = 'client' in opts ? opts.account : accountOf('volcengine', opts, 'accessKeyId', credentialsEnvironment.accessKeyId);
  const { imAppId, rtcAppId } = opts;
  const stringIds = opts.userIds === 'string';
  /** The IM request both group operations take; ids converted (or refused) before any call. */
  const imRequest = (operation: string, room: string, userIds: readonly string[]) => ({
    AppId: imAppId!,
    ConversationShortId: integerId(operation, 'room', room, 'a live group id'),
    ParticipantUserIds: [...integerIds(operation, 'userIds', userIds)],
  });
  /** The status request with string ids: the model's required integer list stays empty. */
  const stringStatusRequest = (operation: string, room: string, userIds: readonly string[]) => {
    validateAll(
      operation,
      userIds.map((id, i) => [`userIds.${i}`, id, schemas.StringUserIdSchema] as const),
    );
    return {
      AppId: imAppId!,
      ConversationShortId: integerId(operation, 'room', room, 'a live group id'),
      ParticipantUserIds: [],
      ParticipantUserIdsStr: [...userIds],
    };
  };
  const statusRequest = stringIds ? stringStatusRequest : imRequest;
  const statusOp = operations.queryLiveParticipantStatus;
  const detailsOp = operations.batchGetConversationParticipant;
  const rosterOp = operations.getRoomOnlineUsers;
  const rosterRequest = (room: string) => ({ AppId: rtcAppId!, RoomId: room });
  const rosterQuota = quotaOf(rosterOp, rosterRequest(''));

  return makeProvider({
    vendor: 'volcengine',
    account,
    timeoutMs: 'client' in opts ? undefined : opts.timeoutMs,
    hints: {
      status: 'pass imAppId to look up live-group members',
      details: stringIds
        ? 'BatchGetConversationParticipant takes integer user ids only (no string form in the vendor model)'
        : 'pass imAppId to read conversation members',
      roster: 'pass rtcAppId to list RTC rooms',
    },
    status:
      imAppId === undefined
        ? undefined
        : {
            operation: { operationId: statusOp.operationId, qps: statusOp.qps, batchMax: statusOp.batch.max },
            validate: (room, userIds) => void statusRequest(statusOp.operationId, room, userIds),
            async fetch(room, userIds, callOptions) {
              const result = await client.queryLiveParticipantStatus(statusRequest(statusOp.operationId, room, userIds), callOptions);
              // Each answer carries the id it was asked under: string ids in ParticipantUserIdStr
              // (an answer without it is not one for a string id, and counts as unanswered).
              const entryOf = (s: (typeof result.Status)[number]) => ({
                online: s.IsInConversation,
                joinedAt: s.IsInConversation ? seconds(s.CreateTime) : null,
                raw: s,
              });
              // The record answers the caller's id, the same digits: it keeps the caller's string rather
              // than its own copy (a million 19-digit ids would otherwise be held twice).
              const integerEntryOf = (s: (typeof result.Status)[number], userId: string) => {
                s.ParticipantUserId = userId;
                return entryOf(s);
              };
              if (stringIds) {
                const answers = result.Status.filter((s) => s.ParticipantUserIdStr !== undefined);
                return answersFrom(
                  recordsById('volcengine', statusOp.operationId, answers, (s) => s.ParticipantUserIdStr!),
                  entryOf,
                );
              }
              // Keyed by the id asked for: both are canonical decimal strings (the answer's int64 exact).
              return answersFrom(
                recordsById('volcengine', statusOp.operationId, result.Status, (s) => s.ParticipantUserId),
                integerEntryOf,
              );
            },
          },
    details:
      imAppId === undefined || stringIds
        ? undefined
        : {
            operation: { operationId: detailsOp.operationId, qps: detailsOp.qps, batchMax: detailsOp.batch.max },
            validate: (room, userIds) => void imRequest(detailsOp.operationId, room, userIds),
            async fetch(room, userIds, callOptions) {
              const result = await client.batchGetConversationParticipant(imRequest(detailsOp.operationId, room, userIds), callOptions);
              const found = recordsById('volcengine', detailsOp.operationId, result.Participants, (p) => p.ParticipantUserId);
              // The service lists only the members it has: an id it leaves out is not a member.
              return (id): Omit<MemberDetails, 'userId' | 'ok'> | Error => {
                const p = found.get(id);
                if (p instanceof Error) return p;
                return {
                  found: p !== undefined,
                  role: p?.Role === undefined ? null : (ROLES[p.Role as 0 | 1 | 2] ?? null),
                  nickname: p?.NickName ?? null,
                  joinedAt: seconds(p?.CreateTime),
                  mutedUntil: seconds(p?.BlockTime),
                  raw: p ?? null,
                };
              };
            },
          },
    roster:
      rtcAppId === undefined
        ? undefined
        : {
            // The quota follows the request sent (no Property: the listing's 40 QPS, not the details' 1).
            operation: { operationId: rosterOp.operationId, quotaKey: rosterQuota.key, qps: rosterQuota.qps },
            // One page; only its invisible users are bounded (x-rollcall-list-bound).
            listCap: null,
            validate(room) {
              validateAll(rosterOp.operationId, [['room', room, schemas.RoomIdSchema]]);
            },
            async fetchPage(room, _cursor, callOptions) {
              const result = await client.getRoomOnlineUsers(rosterRequest(room), callOptions);
              // RoomExists is optional in the model: an answer without it that gives the room's
              // totals is a room; one with neither is not.
              if (result.RoomExists === false || (result.RoomExists === undefined && result.TotalUser === undefined)) {
                throw new NotFoundError({
                  vendor: 'volcengine',
                  operation: rosterOp.operationId,
                  httpStatus: result.$metadata.httpStatus,
                  code: 'RoomExists=false',
                  message: `room ${JSON.stringify(room)} does not exist`,
                  requestId: result.$metadata.requestId,
                  retryable: false,
                });
              }
              const visible = result.VisibleUserList ?? [];
              const invisible = result.InvisibleUserList ?? [];
              return {
                members: [
                  ...visible.map((userId) => ({ userId, visibility: 'visible' as const, role: null, raw: userId })),
                  ...invisible.map((userId) => ({ userId, visibility: 'invisible' as const, role: null, raw: userId })),
                ],
                total: result.TotalUser ?? null,
                truncated: invisible.length >= rosterOp.listBound.max || invisible.length < (result.TotalInvisibleUser ?? 0),
                next: null,
              };
            },
          },
  });
}

/** Volcengine's rules for a live roster, from the spec's callback table: how long a "left" record is kept, and the heartbeat lag. */
export const volcengineLiveRoster = {
  leftRecordMs: webhooks.roomEvent.leftRecordMs,
  heartbeatLagMs: webhooks.roomEvent.heartbeatLagMs,
} satisfies Omit<LiveRosterOptions, 'clock'>;

/**
 * What a verified Volcengine room event does to a live roster: the user's change, ordered by the
 * event's Timestamp, its copies told apart by EventId. Room and unknown events do nothing.
 */
export function volcengineRosterEvents(event: VolcengineRoomEvent | VolcengineUnknownEvent): RosterEvent[] {
  if (event.type === 'unknown' || !event.change || event.userId === undefined) return [];
  const visibility = event.role ? { visibility: event.role } : {};
  const order = BigInt(event.timestamp ?? event.at.getTime());
  return [{ room: event.roomId, userId: event.userId, change: event.change, ...visibility, order, at: event.at, eventId: event.eventId }];
}
