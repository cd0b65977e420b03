import { createAliyunLiveClient, operations, schemas, type AliyunLiveClient, type AliyunLiveClientOptions } from '@rollcall/aliyun-live';
import { validateAll } from '../ids.js';
import { answersFrom, makeProvider, recordsById, type Provider } from '../provider.js';

export type AliyunProviderOptions = (
  | AliyunLiveClientOptions
  | { client: AliyunLiveClient /** The access key id the quota counts against. */; account: string }
) & {
  /** The interactive messaging application; rooms are its message groups. */
  appId: string;
};

/** Alibaba Cloud ApsaraVideo Live: `status` from BatchGetOnlineUsers (a message group as the room). */
export function aliyun(options: AliyunProviderOptions): Provider<'status'> {
  const client = 'client' in options ? options.client : createAliyunLiveClient(options);
  const account = 'client' in options ? options.account : options.credentials.accessKeyId;
  const op = operations.batchGetOnlineUsers;
  return makeProvider({
    vendor: 'aliyun',
    account,
    timeoutMs: 'client' in options ? undefined : options.timeoutMs,
    hints: {
      roster: "Alibaba's API answers whether given users are online; it cannot list a group",
      details: "Alibaba's API has no member details",
    },
    status: {
      operation: { operationId: op.operationId, qps: op.qps, batchMax: op.batch.max },
      validate(room, userIds) {
        validateAll(op.operationId, [['room', room, schemas.GroupIdSchema], ...userIds.map((id, i) => [`userIds.${i}`, id, schemas.UserIdSchema] as const)]);
      },
      async fetch(room, userIds, callOptions) {
        const result = await client.batchGetOnlineUsers({ AppId: options.appId, GroupId: room, UserIds: [...userIds] }, callOptions);
        const records = recordsById('aliyun', op.operationId, result.OnlineUsers, (u) => u.UserId);
        return answersFrom(records, (u) => ({
          online: u.Online,
          joinedAt: u.Online && u.JoinTime && u.JoinTime !== '0' ? new Date(Number(u.JoinTime)) : null,
          raw: u,
        }));
      },
    },
  });
}
