// Alibaba: BatchGetOnlineUsers (apps of the older console) and the LiveMessage operations (apps of
// today's console, in a data center), signed V3 or V1, sent as GET or POST, parameters in the query
// or a form body — every style Alibaba's own clients use.
import { quotaOf } from '@rollcall/runtime';
import { operations as aliyunOps } from '@rollcall/aliyun-live';
import { verifyAliyun } from '../verify.js';
import { aliyunFail, aliyunOk, aliyunOnlineUser, routeAliyun } from '../wire/index.js';
import type { Member, World } from '../world.js';
import type { Handled, VendorHandler } from './context.js';

const AUTH_STATUS: Record<string, number> = {
  'InvalidAccessKeyId.NotFound': 404,
  'InvalidSecurityToken.Expired': 403,
  'InvalidSecurityToken.MismatchWithAccessKey': 403,
};
const byOperationId = Object.fromEntries(Object.values(aliyunOps).map((op) => [op.operationId, op]));

export const aliyun: VendorHandler = async (ctx, req, arrivedAt, requestId) => {
  const route = routeAliyun(req);
  const label = route.operationId ?? route.action;
  const verified = ctx.checkSignatures ? await verifyAliyun(req, ctx.credentials.aliyun, ctx.now(), ctx.nonces, ctx.temporary) : ctx.unchecked(req);
  if (!verified.ok) {
    ctx.count(label, 'rejected');
    return [label, aliyunFail(requestId, AUTH_STATUS[verified.code] ?? 400, verified.code, verified.message)];
  }
  if (!route.operationId) return [label, aliyunFail(requestId, 404, 'InvalidAction.NotFound', `Specified api ${route.action} is not found for ${req.method}.`)];
  const op = byOperationId[route.operationId]!;
  if (!ctx.admit(verified.account, op.operationId, quotaOf(op), arrivedAt)) {
    ctx.count(op.operationId, 'throttled');
    return [op.operationId, aliyunFail(requestId, 400, 'Throttling.User', 'Request was denied due to user flow control.')];
  }
  if (op.operationId === 'BatchGetOnlineUsers') return batchGetOnlineUsers(ctx.world, route.params, requestId);
  return liveMessage(ctx.world, op.operationId, route.params, requestId);
};

function batchGetOnlineUsers(world: World, params: Record<string, string>, requestId: string): Handled {
  const op = aliyunOps.batchGetOnlineUsers;
  const { AppId: appId, GroupId: groupId, UserIds: userIds } = params;
  if (!appId || !groupId || !userIds) return [op.operationId, aliyunFail(requestId, 400, 'MissingParameter', 'AppId, GroupId and UserIds are required')];
  const ids = userIds.split(',');
  if (ids.length > op.batch.max || ids.some((id) => id === '')) {
    return [op.operationId, aliyunFail(requestId, 400, 'InvalidParameter', `UserIds takes 1 to ${op.batch.max} ids`)];
  }
  if (appId !== world.aliyunAppId)
    return [op.operationId, aliyunFail(requestId, 403, 'Forbidden', 'User not authorized to operate on the specified resource.')];
  const group = world.rooms.aliyun.get(groupId);
  return [op.operationId, aliyunOk(requestId, { OnlineUsers: ids.map((id) => aliyunOnlineUser(id, group?.get(id)?.joinedAt ?? null)) })];
}

/** CheckLiveMessageUsersInGroup and ListLiveMessageGroupUsers, for the app of today's console. */
function liveMessage(world: World, operationId: string, params: Record<string, string>, requestId: string): Handled {
  const invalid = (message: string): Handled => [operationId, aliyunFail(requestId, 400, 'InputInvalid', message)];
  const { AppId: appId, GroupId: groupId, DataCenter: dataCenter } = params;
  if (!appId || !groupId) return invalid('AppId and GroupId are required');
  if (appId !== world.aliyunLiveMessageAppId) return [operationId, aliyunFail(requestId, 403, 'NoAuth', `no permission on app ${appId}`)];
  if (dataCenter !== undefined && dataCenter !== world.aliyunDataCenter) return invalid(`the app's data center is ${world.aliyunDataCenter}`);
  const group = world.rooms.aliyun.get(groupId);
  if (!group) return [operationId, aliyunFail(requestId, 404, 'ResourceNotExist', `group ${groupId} does not exist`)];
  if (operationId === 'CheckLiveMessageUsersInGroup') {
    const op = aliyunOps.checkLiveMessageUsersInGroup;
    const ids = (params.UserIds ?? '').split(',');
    if (ids.length > op.batch.max || ids.some((id) => id === '')) return invalid(`UserIds takes 1 to ${op.batch.max} ids`);
    return [operationId, aliyunOk(requestId, null, 'CheckLiveMessageUsersInGroup', { Users: ids.map((id) => ({ UserId: id, Online: group.has(id) })) })];
  }
  const op = aliyunOps.listLiveMessageGroupUsers;
  const pageSize = Number(params.PageSize);
  const sortType = Number(params.SortType);
  const start = params.NextPageToken === undefined || params.NextPageToken === '' ? 0 : Number(params.NextPageToken);
  if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > op.pagination.maxPageSize) return invalid(`PageSize takes 10 to ${op.pagination.maxPageSize}`);
  if (sortType !== 1 && sortType !== 2) return invalid('SortType takes 1 or 2');
  if (!Number.isSafeInteger(start) || start < 0) return invalid('bad NextPageToken');
  // A super group (above the cap) keeps no member list.
  const all: Member[] = group.size > op.pagination.cap ? [] : [...group.values()].sort((a, b) => a.joinedAt - b.joinedAt);
  if (sortType === 2) all.reverse();
  const page = all.slice(start, start + pageSize);
  const more = start + pageSize < all.length;
  return [
    operationId,
    aliyunOk(requestId, null, 'ListLiveMessageGroupUsers', {
      GroupId: groupId,
      NextPageToken: more ? String(start + pageSize) : op.pagination.lastToken,
      Hasmore: more,
      UserList: page.map((m) => ({ UserId: m.userId, UserInfo: m.nickname ?? '' })),
    }),
  ];
}
