// Alibaba: BatchGetOnlineUsers, signed V3 or V1, sent as GET or POST, parameters in the query or a
// form body — every style Alibaba's own clients use.
import { operations as aliyunOps } from '@rollcall/aliyun-live';
import { verifyAliyun } from '../verify.js';
import { aliyunFail, aliyunOk, aliyunOnlineUser, routeAliyun } from '../wire/index.js';
import type { VendorHandler } from './context.js';

const AUTH_STATUS: Record<string, number> = { 'InvalidAccessKeyId.NotFound': 404 };

export const aliyun: VendorHandler = async (ctx, req, arrivedAt, requestId) => {
  const route = routeAliyun(req);
  const label = route.operationId ?? route.action;
  const verified = ctx.checkSignatures ? await verifyAliyun(req, ctx.credentials.aliyun, ctx.now(), ctx.nonces) : ctx.unchecked(req);
  if (!verified.ok) {
    ctx.count(label, 'rejected');
    return [label, aliyunFail(requestId, AUTH_STATUS[verified.code] ?? 400, verified.code, verified.message)];
  }
  if (!route.operationId) return [label, aliyunFail(requestId, 404, 'InvalidAction.NotFound', `Specified api ${route.action} is not found for ${req.method}.`)];
  const op = aliyunOps.batchGetOnlineUsers;
  if (!ctx.admit(verified.account, op.operationId, op.qps, arrivedAt)) {
    ctx.count(op.operationId, 'throttled');
    return [op.operationId, aliyunFail(requestId, 400, 'Throttling.User', 'Request was denied due to user flow control.')];
  }
  const { AppId: appId, GroupId: groupId, UserIds: userIds } = route.params;
  if (!appId || !groupId || !userIds) return [op.operationId, aliyunFail(requestId, 400, 'MissingParameter', 'AppId, GroupId and UserIds are required')];
  const ids = userIds.split(',');
  if (ids.length > op.batch.max || ids.some((id) => id === '')) {
    return [op.operationId, aliyunFail(requestId, 400, 'InvalidParameter', `UserIds takes 1 to ${op.batch.max} ids`)];
  }
  if (appId !== ctx.world.aliyunAppId)
    return [op.operationId, aliyunFail(requestId, 403, 'Forbidden', 'User not authorized to operate on the specified resource.')];
  const group = ctx.world.rooms.aliyun.get(groupId);
  return [op.operationId, aliyunOk(requestId, { OnlineUsers: ids.map((id) => aliyunOnlineUser(id, group?.get(id)?.joinedAt ?? null)) })];
};
