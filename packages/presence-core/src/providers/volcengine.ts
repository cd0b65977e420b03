import {
  createVolcengineRtcClient,
  NotFoundError,
  operations,
  schemas,
  type VolcengineRtcClient,
  type VolcengineRtcClientOptions,
} from '@rollcall/volcengine-rtc';
import { integerIds, validateAll } from '../ids.js';
import { makeProvider, mapRecords, recordsById, type Provider } from '../provider.js';
import type { MemberDetails } from '../model.js';

type ProvidedClient = { client: VolcengineRtcClient /** The access key id the quota counts against. */; account: string };

export type VolcengineProviderOptions = (VolcengineRtcClientOptions | ProvidedClient) & {
  /** The IM application (a number): enables `status` (live groups) and `details` (conversations). */
  imAppId?: number | undefined;
  /** The RTC application (a string): enables `roster` (rooms). */
  rtcAppId?: string | undefined;
};

type VolcengineCapabilities<O> = (O extends { imAppId: number } ? 'status' | 'details' : never) | (O extends { rtcAppId: string } ? 'roster' : never);

const seconds = (s: number | undefined) => (s && s > 0 ? new Date(s * 1000) : null);
const ROLES = { 0: 'member', 1: 'owner', 2: 'admin' } as const;

/**
 * Volcengine RTC: `status` answers from QueryLiveParticipantStatus (a live group's
 * ConversationShortId as the room), `details` from BatchGetConversationParticipant, `roster` from
 * GetRoomOnlineUsers (an RTC RoomId as the room).
 */
export function volcengine<const O extends VolcengineProviderOptions>(options: O): Provider<VolcengineCapabilities<O>> {
  const opts: VolcengineProviderOptions = options;
  const client: VolcengineRtcClient = 'client' in opts ? opts.client : createVolcengineRtcClient(opts);
  const account = 'client' in opts ? opts.account : opts.credentials.accessKeyId;
  const { imAppId, rtcAppId } = opts;
  /** The IM request both group operations take; ids converted (or refused) before any call. */
  const imRequest = (operation: string, room: string, userIds: readonly string[]) => ({
    AppId: imAppId!,
    ConversationShortId: integerIds(operation, 'room', [room])[0]!,
    ParticipantUserIds: integerIds(operation, 'userIds', userIds),
  });
  const statusOp = operations.queryLiveParticipantStatus;
  const detailsOp = operations.batchGetConversationParticipant;
  const rosterOp = operations.getRoomOnlineUsers;

  return makeProvider({
    vendor: 'volcengine',
    account,
    timeoutMs: 'client' in opts ? undefined : opts.timeoutMs,
    hints: {
      status: 'pass imAppId to look up live-group members',
      details: 'pass imAppId to read conversation members',
      roster: 'pass rtcAppId to list RTC rooms',
    },
    status:
      imAppId === undefined
        ? undefined
        : {
            operation: { operationId: statusOp.operationId, qps: statusOp.qps, batchMax: statusOp.batch.max },
            validate: (room, userIds) => void imRequest(statusOp.operationId, room, userIds),
            async fetch(room, userIds, callOptions) {
              const result = await client.queryLiveParticipantStatus(imRequest(statusOp.operationId, room, userIds), callOptions);
              const records = recordsById('volcengine', statusOp.operationId, result.Status, (s) => String(s.ParticipantUserId));
              return mapRecords(records, (s) => ({ online: s.IsInConversation, joinedAt: s.IsInConversation ? seconds(s.CreateTime) : null, raw: s }));
            },
          },
    details:
      imAppId === undefined
        ? undefined
        : {
            operation: { operationId: detailsOp.operationId, qps: detailsOp.qps, batchMax: detailsOp.batch.max },
            validate: (room, userIds) => void imRequest(detailsOp.operationId, room, userIds),
            async fetch(room, userIds, callOptions) {
              const result = await client.batchGetConversationParticipant(imRequest(detailsOp.operationId, room, userIds), callOptions);
              const found = recordsById('volcengine', detailsOp.operationId, result.Participants, (p) => String(p.ParticipantUserId));
              // The service lists only the members it has: an id it leaves out is not a member.
              return new Map(
                userIds.map((id): [string, Omit<MemberDetails, 'userId' | 'ok'> | Error] => {
                  const p = found.get(id);
                  if (p instanceof Error) return [id, p];
                  return [
                    id,
                    {
                      found: p !== undefined,
                      role: p?.Role === undefined ? null : (ROLES[p.Role as 0 | 1 | 2] ?? null),
                      nickname: p?.NickName ?? null,
                      joinedAt: seconds(p?.CreateTime),
                      mutedUntil: seconds(p?.BlockTime),
                      raw: p ?? null,
                    },
                  ];
                }),
              );
            },
          },
    roster:
      rtcAppId === undefined
        ? undefined
        : {
            operation: { operationId: rosterOp.operationId, qps: rosterOp.qps },
            // One page; only its invisible users are bounded (x-rollcall-list-bound).
            listCap: null,
            validate(room) {
              validateAll(rosterOp.operationId, [['room', room, schemas.RoomIdSchema]]);
            },
            async fetchPage(room, _cursor, callOptions) {
              const result = await client.getRoomOnlineUsers({ AppId: rtcAppId, RoomId: room }, callOptions);
              if (!result.RoomExists) {
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
                  ...visible.map((userId) => ({ userId, visibility: 'visible' as const, raw: userId })),
                  ...invisible.map((userId) => ({ userId, visibility: 'invisible' as const, raw: userId })),
                ],
                total: result.TotalUser ?? null,
                truncated: invisible.length >= rosterOp.listBound.max || invisible.length < (result.TotalInvisibleUser ?? 0),
                next: null,
              };
            },
          },
  });
}
