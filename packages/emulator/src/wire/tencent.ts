// Tencent IM REST's wire: the operation is the path; every answer is HTTP 200 with
// `ActionStatus` "OK" or "FAIL", `ErrorCode` and `ErrorInfo`.
import type { GetMemberListResponse } from '@rollcall/tencent-live';
import { wire } from '../generated/wire.js';
import type { ReceivedRequest, Reply } from './reply.js';

type OperationId = keyof typeof wire.tencent.operations;

export function routeTencent(req: Pick<ReceivedRequest, 'method' | 'url'>): OperationId | null {
  const entry = Object.entries(wire.tencent.operations).find(
    ([, op]) => op.path === req.url.pathname && (op.methods as readonly string[]).includes(req.method),
  );
  return (entry?.[0] as OperationId | undefined) ?? null;
}

/** Whether the path is one of Tencent's operations (whatever the method). */
export function isTencentPath(url: URL): boolean {
  return Object.values(wire.tencent.operations).some((op) => op.path === url.pathname);
}

export function tencentOk(requestId: string, response: NonNullable<GetMemberListResponse['Response']>): Reply {
  return { status: 200, body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', RequestId: requestId, Response: response } };
}

export function tencentFail(requestId: string, code: number | string, info: string): Reply {
  return { status: 200, body: { ActionStatus: 'FAIL', ErrorCode: Number(code), ErrorInfo: info, RequestId: requestId } };
}

/** One page of get_member_list. */
export function tencentMemberPage(members: readonly string[], memberCount: number, next: string): NonNullable<GetMemberListResponse['Response']> {
  return { Next: next, MemberCount: memberCount, MemberList: members.map((m) => ({ Member_Account: m })) };
}
