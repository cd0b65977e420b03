// Tencent: get_member_list, paged with an opaque `Next`, capped at the documented 1000 members.
import { quotaOf } from '@rollcall/runtime';
import { operations as tencentOps } from '@rollcall/tencent-live';
import { verifyTencent } from '../verify.js';
import { tencentFail, tencentMemberPage, tencentOk } from '../wire/index.js';
import type { VendorHandler } from './context.js';

/** Members per page; the service's own page size is not documented. */
export const DEFAULT_TENCENT_PAGE_SIZE = 200;

export const tencent =
  (pageSize: number): VendorHandler =>
  async (ctx, req, arrivedAt, requestId) => {
    const op = tencentOps.getMemberList;
    const verified = ctx.checkSignatures
      ? await verifyTencent(req, [ctx.credentials.tencent, ...(ctx.credentials.tencentInternational ? [ctx.credentials.tencentInternational] : [])], ctx.now())
      : ctx.unchecked(req);
    if (!verified.ok) {
      ctx.count(op.operationId, 'rejected');
      return [op.operationId, tencentFail(requestId, verified.code, verified.message)];
    }
    if (!ctx.admit(verified.account, op.operationId, quotaOf(op), arrivedAt)) {
      ctx.count(op.operationId, 'throttled');
      return [op.operationId, tencentFail(requestId, 60007, 'rest api request frequency limit')];
    }
    let input: { RoomId?: unknown; Next?: unknown };
    try {
      input = JSON.parse(req.body);
    } catch {
      return [op.operationId, tencentFail(requestId, 60003, 'json parse error')];
    }
    if (typeof input.RoomId !== 'string' || typeof input.Next !== 'string')
      return [op.operationId, tencentFail(requestId, 60003, 'RoomId and Next are required strings')];
    const room = ctx.world.rooms.tencent.get(input.RoomId);
    if (!room) return [op.operationId, tencentFail(requestId, 100004, 'room not exist')];
    const offset =
      input.Next === ''
        ? 0
        : Number(
            Buffer.from(input.Next, 'base64url')
              .toString()
              .replace(/^offset:/, ''),
          );
    if (!Number.isSafeInteger(offset) || offset < 0) return [op.operationId, tencentFail(requestId, 60003, 'bad Next')];
    // Documented: at most `cap` members are listed, whatever the room holds.
    const listed = [...room.values()].slice(0, op.pagination.cap);
    const page = listed.slice(offset, offset + pageSize);
    const end = offset + page.length;
    const next = end < listed.length ? Buffer.from(`offset:${end}`).toString('base64url') : '';
    return [
      op.operationId,
      tencentOk(
        requestId,
        tencentMemberPage(
          page.map((m) => m.userId),
          room.size,
          next,
        ),
      ),
    ];
  };
