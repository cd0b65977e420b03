import {
  channelPages,
  ConfigurationError,
  createAgoraRtcClient,
  credentialsEnvironment,
  MAX_CHANNEL_PAGE_SIZE,
  NotFoundError,
  operations,
  schemas,
  type AgoraRtcClient,
  type AgoraRtcClientOptions,
  type QueryUserListOutput,
  type AgoraChannelEvent,
  type AgoraUnknownEvent,
  webhooks,
} from '@rollcall/agora-rtc';
import { requireOption } from '@rollcall/runtime';
import { integerIds, validateAll } from '../ids.js';
import { accountOf, type AccountOption } from './account.js';
import { makeProvider, type Provider } from '../provider.js';
import type { RosterMember, UserStatus } from '../model.js';
import type { LiveRosterOptions, RosterEvent } from '../live.js';

export type AgoraProviderOptions = (
  | (AgoraRtcClientOptions & AccountOption)
  | { client: AgoraRtcClient /** The Customer ID the quota counts against. */; account: string }
) & {
  /** The project's App ID: rooms are its channels. */
  appId: string;
  /**
   * How `status` answers. `'cheaper'` (default): one user-list call for the channel when that costs
   * less of the quota than a user-status call per user (from two users on, at Agora's equal
   * quotas), otherwise user-status calls. `'user-status'`: always a call per user (each answer
   * then has the join time). `'user-list'`: always the user list. Each entry's `answeredBy` says
   * which answered it.
   */
  statusVia?: 'cheaper' | 'user-status' | 'user-list' | undefined;
  /** Channels per page of `rooms()`; default the largest Agora allows. */
  roomsPageSize?: number | undefined;
};

const statusOp = operations.queryUserStatus;
const listOp = operations.queryUserList;
const channelsOp = operations.queryChannelList;

/**
 * From how many users one listing beats a call per user: n per-user calls take n ÷ QPS(status) of
 * the quota's seconds, one listing 1 ÷ QPS(list). Both figures come from the operation table.
 */
export const USER_LIST_CHEAPER_FROM = Math.floor(statusOp.qps / listOp.qps) + 1;

type Found = Omit<UserStatus, 'userId' | 'ok' | 'answeredBy'>;

/** A user-list answer as who is listed where, and whether someone left out is surely absent. */
function membersOf(data: QueryUserListOutput): { listed: Map<string, { uid: number; list: 'users' | 'broadcasters' | 'audience' }>; complete: boolean } {
  const listed = new Map<string, { uid: number; list: 'users' | 'broadcasters' | 'audience' }>();
  if (!data.channel_exist) return { listed, complete: true };
  const add = (list: 'users' | 'broadcasters' | 'audience', uids: readonly number[]) => {
    for (const uid of uids) if (!listed.has(String(uid))) listed.set(String(uid), { uid, list });
  };
  if (data.mode === 1) {
    add('users', data.users);
    return { listed, complete: data.users.length >= data.total };
  }
  add('broadcasters', data.broadcasters);
  const audience = data.audience ?? [];
  add('audience', audience);
  // The service lists the first 10,000 audience members (x-rollcall-list-bound) and counts them all.
  const complete = data.audience !== undefined && audience.length < listOp.listBound.max && audience.length >= (data.audience_total ?? 0);
  return { listed, complete };
}

/**
 * Agora RTC: `status` from the user status of each user, or from one user list of the channel when
 * cheaper; `roster` from the user list (hosts and audience as `role`, the audience cap as
 * `truncated`); `rooms` from the channel list, every page, each channel once. Uids are decimal
 * strings in the presence model.
 */
export function agora(options: AgoraProviderOptions): Provider<'status' | 'roster' | 'rooms'> {
  const client = 'client' in options ? options.client : createAgoraRtcClient(options);
  const account = 'client' in options ? options.account : accountOf('agora', options, 'customerId', credentialsEnvironment.customerId);
  const appid = options.appId;
  const via = options.statusVia ?? 'cheaper';
  const pageSize = options.roomsPageSize ?? MAX_CHANNEL_PAGE_SIZE;
  requireOption('agora', 'appId', appid);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_CHANNEL_PAGE_SIZE) {
    throw new ConfigurationError(`agora: roomsPageSize must be an integer from 1 to ${MAX_CHANNEL_PAGE_SIZE}`);
  }
  const validateRoom = (operation: string, room: string) => validateAll(operation, [['room', room, schemas.ChannelNameSchema]]);
  const uidsOf = (operation: string, userIds: readonly string[]) => {
    // uint32 after the int64 check: Number() is exact within the range UidSchema allows.
    const uids = integerIds(operation, 'userIds', userIds).map(Number);
    validateAll(
      operation,
      uids.map((uid, i) => [`userIds.${i}`, uid, schemas.UidSchema] as const),
    );
    return uids;
  };
  const channelAbsent = (room: string, operation: string, metadata: { httpStatus: number; requestId: string | undefined }) =>
    new NotFoundError({
      vendor: 'agora',
      operation,
      httpStatus: metadata.httpStatus,
      code: 'channel_exist=false',
      message: `channel ${JSON.stringify(room)} does not exist`,
      requestId: metadata.requestId,
      retryable: false,
    });

  return makeProvider({
    vendor: 'agora',
    account,
    timeoutMs: 'client' in options ? undefined : options.timeoutMs,
    hints: { details: "Agora's channel management has no member details" },
    status: {
      operation: { operationId: statusOp.operationId, qps: statusOp.qps, batchMax: 1 },
      listing:
        via === 'user-status'
          ? undefined
          : {
              operation: { operationId: listOp.operationId, qps: listOp.qps },
              cheaperFrom: via === 'user-list' ? 1 : USER_LIST_CHEAPER_FROM,
              async fetch(room, callOptions) {
                const data = await client.queryUserList({ appid, channelName: room }, callOptions);
                const { listed, complete } = membersOf(data);
                return (userId): Found | undefined => {
                  const record = listed.get(userId);
                  if (record) return { online: true, joinedAt: null, raw: record };
                  return complete ? { online: false, joinedAt: null, raw: null } : undefined;
                };
              },
            },
      validate(room, userIds) {
        validateRoom(statusOp.operationId, room);
        uidsOf(statusOp.operationId, userIds);
      },
      async fetch(room, userIds, callOptions) {
        const [uid] = uidsOf(statusOp.operationId, userIds);
        const data = await client.queryUserStatus({ appid, uid: uid!, channelName: room }, callOptions);
        const found: Found = data.in_channel ? { online: true, joinedAt: new Date(data.join * 1000), raw: data } : { online: false, joinedAt: null, raw: data };
        return (userId) => (userId === userIds[0] ? found : undefined);
      },
    },
    roster: {
      operation: { operationId: listOp.operationId, qps: listOp.qps },
      // One page; only the audience is bounded (x-rollcall-list-bound).
      listCap: null,
      validate(room) {
        validateRoom(listOp.operationId, room);
      },
      async fetchPage(room, _cursor, callOptions) {
        const data = await client.queryUserList({ appid, channelName: room }, callOptions);
        if (!data.channel_exist) throw channelAbsent(room, listOp.operationId, data.$metadata);
        const member = (uid: number, role: RosterMember['role']): RosterMember => ({ userId: String(uid), visibility: 'unknown', role, raw: uid });
        if (data.mode === 1) {
          return { members: data.users.map((uid) => member(uid, null)), total: data.total, truncated: data.users.length < data.total, next: null };
        }
        const audience = data.audience ?? [];
        const audienceTotal = data.audience_total ?? audience.length;
        return {
          members: [...data.broadcasters.map((uid) => member(uid, 'host')), ...audience.map((uid) => member(uid, 'audience'))],
          total: data.broadcasters.length + audienceTotal,
          truncated: audience.length >= listOp.listBound.max || audience.length < audienceTotal,
          next: null,
        };
      },
    },
    rooms: {
      operation: { operationId: channelsOp.operationId, qps: channelsOp.qps },
      async *pages(call) {
        const fetchPage = (pageNo: number) => call((o) => client.queryChannelList({ appid, page_no: pageNo, page_size: pageSize }, o));
        for await (const page of channelPages(fetchPage, pageSize)) {
          yield {
            rooms: page.channels.map((c) => ({ room: c.channel_name, members: c.user_count, raw: c })),
            total: page.total,
            duplicates: page.duplicates,
            next: page.next === null ? null : String(page.next),
          };
        }
      },
    },
  });
}

/** Agora's rules for a live roster, from the spec's callback table: how long a "left" record is kept, and the heartbeat lag. */
export const agoraLiveRoster = {
  leftRecordMs: webhooks.channelEvent.leftRecordMs,
  heartbeatLagMs: webhooks.channelEvent.heartbeatLagMs,
} satisfies Omit<LiveRosterOptions, 'clock'>;

const ROSTER_ROLES = { broadcaster: 'host', audience: 'audience', communication: null } as const;

/**
 * What a verified Agora event does to a live roster: the user's change, ordered by their
 * `clientSeq`. Channel events, the console's health check and unknown types do nothing.
 */
export function agoraRosterEvents(event: AgoraChannelEvent | AgoraUnknownEvent): RosterEvent[] {
  if (event.type === 'unknown' || event.test || !event.change || event.uid === undefined || event.clientSeq === undefined) return [];
  const role = event.change !== 'leave' && event.role ? { role: ROSTER_ROLES[event.role] } : {};
  return [{ room: event.channelName, userId: String(event.uid), change: event.change, ...role, order: BigInt(event.clientSeq), at: event.at }];
}
