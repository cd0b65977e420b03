import {
  createAliyunLiveClient,
  credentialsEnvironment,
  operations,
  schemas,
  type AliyunLiveClient,
  type AliyunLiveClientOptions,
} from '@rollcall/aliyun-live';
import { validateAll } from '../ids.js';
import { accountOf, type AccountOption } from './account.js';
import { answersFrom, makeProvider, recordsById, type Provider } from '../provider.js';

/** The data centers an app made in today's console lives in (the spec's DataCenter values). */
export type AliyunDataCenter = 'cn-shanghai' | 'ap-southeast-1';

export type AliyunProviderOptions = (
  | (AliyunLiveClientOptions & AccountOption)
  | { client: AliyunLiveClient /** The access key id the quota counts against. */; account: string }
) & {
  /** The interactive messaging application; rooms are its message groups. */
  appId: string;
  /**
   * The data center of an app made in today's console (`cn-shanghai` or `ap-southeast-1`): such
   * apps are served by the `LiveMessage*` operations, which answer `status`
   * (CheckLiveMessageUsersInGroup) and `roster` (ListLiveMessageGroupUsers). Without it, the app is
   * one of the older console's, served by BatchGetOnlineUsers (`status` only).
   */
  dataCenter?: AliyunDataCenter | undefined;
};

type AliyunCapabilities<O> = O extends { dataCenter: AliyunDataCenter } ? 'status' | 'roster' : 'status';

const ROSTER_SORT_ASCENDING = 1;

/**
 * Alibaba Cloud ApsaraVideo Live, a message group as the room. Apps of today's console (with
 * `dataCenter`): `status` from CheckLiveMessageUsersInGroup, `roster` from ListLiveMessageGroupUsers
 * page by page. Apps of the older console: `status` from BatchGetOnlineUsers.
 */
export function aliyun<const O extends AliyunProviderOptions>(options: O): Provider<AliyunCapabilities<O>> {
  const opts: AliyunProviderOptions = options;
  const client = 'client' in opts ? opts.client : createAliyunLiveClient(opts);
  const account = 'client' in opts ? opts.account : accountOf('aliyun', opts, 'accessKeyId', credentialsEnvironment.accessKeyId);
  const { appId, dataCenter } = opts;
  const legacy = operations.batchGetOnlineUsers;
  const inGroup = operations.checkLiveMessageUsersInGroup;
  const members = operations.listLiveMessageGroupUsers;
  const statusOp = dataCenter ? inGroup : legacy;
  const validateIds = (room: string, userIds: readonly string[]) =>
    validateAll(statusOp.operationId, [['room', room, schemas.GroupIdSchema], ...userIds.map((id, i) => [`userIds.${i}`, id, schemas.UserIdSchema] as const)]);
  return makeProvider({
    vendor: 'aliyun',
    account,
    timeoutMs: 'client' in opts ? undefined : opts.timeoutMs,
    hints: {
      roster: "pass the app's dataCenter: only apps of today's console (LiveMessage operations) can list a group",
      details: "Alibaba's API has no member details",
    },
    status: {
      operation: { operationId: statusOp.operationId, qps: statusOp.qps, batchMax: statusOp.batch.max },
      validate: validateIds,
      async fetch(room, userIds, callOptions) {
        if (dataCenter) {
          const result = await client.checkLiveMessageUsersInGroup({ AppId: appId, GroupId: room, UserIds: [...userIds], DataCenter: dataCenter }, callOptions);
          return answersFrom(
            recordsById('aliyun', inGroup.operationId, result.Users, (u) => u.UserId),
            (u) => ({ online: u.Online, joinedAt: null, raw: u }),
          );
        }
        const result = await client.batchGetOnlineUsers({ AppId: appId, GroupId: room, UserIds: [...userIds] }, callOptions);
        return answersFrom(
          recordsById('aliyun', legacy.operationId, result.OnlineUsers, (u) => u.UserId),
          (u) => ({
            online: u.Online,
            joinedAt: u.Online && u.JoinTime && u.JoinTime !== '0' ? new Date(Number(u.JoinTime)) : null,
            raw: u,
          }),
        );
      },
    },
    roster: dataCenter
      ? {
          operation: { operationId: members.operationId, qps: members.qps },
          // A group above the cap is a super group whose list the service no longer keeps.
          listCap: members.pagination.cap,
          validate(room) {
            validateAll(members.operationId, [['room', room, schemas.GroupIdSchema]]);
          },
          async fetchPage(room, cursor, callOptions) {
            const page = await client.listLiveMessageGroupUsers(
              {
                AppId: appId,
                GroupId: room,
                PageSize: members.pagination.maxPageSize,
                SortType: ROSTER_SORT_ASCENDING,
                DataCenter: dataCenter,
                ...(cursor === null ? {} : { NextPageToken: cursor }),
              },
              callOptions,
            );
            const token = page.NextPageToken;
            return {
              members: page.UserList.map((m) => ({ userId: m.UserId, visibility: 'unknown' as const, role: null, raw: m })),
              total: null,
              truncated: false,
              next: page.Hasmore === false || token === undefined || token === members.pagination.lastToken ? null : token,
            };
          },
        }
      : undefined,
  });
}
