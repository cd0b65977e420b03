// Alibaba's RPC wire: the action may travel in the `x-acs-action` header (V3), in the query (V1,
// GET or POST) or in a POST form body (V1 as `@alicloud/pop-core` sends it with method POST); the
// operation's parameters likewise, in the query or the form body. Errors are
// `{RequestId, HostId, Code, Message, Recommend}` with an HTTP error status.
import { operations, type OnlineUser } from '@rollcall/aliyun-live';
import { wire } from '../generated/wire.js';
import type { ReceivedRequest, Reply } from './reply.js';

type OperationId = keyof typeof wire.aliyun.operations;

export interface AliyunRoute {
  /** Null when the action is not one of the spec's, or the method or version is not accepted. */
  operationId: OperationId | null;
  action: string;
  /** Every parameter the request carries, the form body's and the query's (the query wins). */
  params: Record<string, string>;
}

const FORM = 'application/x-www-form-urlencoded';

/** The form body's parameters, when the body is a form (pop-core sends V1 POST this way). */
function formParams(req: Pick<ReceivedRequest, 'headers' | 'body'>): Record<string, string> {
  const type = req.headers['content-type'] ?? '';
  return type.startsWith(FORM) || (type === '' && req.body.includes('=')) ? Object.fromEntries(new URLSearchParams(req.body)) : {};
}

/** Whether the request looks like Alibaba's at all: an ACS3 signature, or V1 parameters. */
export function isAliyunRequest(req: Pick<ReceivedRequest, 'headers' | 'url' | 'body'>): boolean {
  if (req.headers['x-acs-action'] || req.headers.authorization?.startsWith('ACS3-')) return true;
  const params = { ...formParams(req as ReceivedRequest), ...Object.fromEntries(req.url.searchParams) };
  return 'SignatureMethod' in params || Object.values(wire.aliyun.operations).some((op) => op.action === params.Action);
}

export function routeAliyun(req: ReceivedRequest): AliyunRoute {
  const params = { ...formParams(req), ...Object.fromEntries(req.url.searchParams) };
  const action = req.headers['x-acs-action'] ?? params.Action ?? '';
  const version = req.headers['x-acs-version'] ?? params.Version ?? '';
  const entry = Object.entries(wire.aliyun.operations).find(
    ([, op]) =>
      op.action === action &&
      (op.methods as readonly string[]).includes(req.method) &&
      (op.versions as readonly string[]).includes(version) &&
      op.path === req.url.pathname,
  );
  return { operationId: (entry?.[0] as OperationId | undefined) ?? null, action, params };
}

const responseSchemas = Object.fromEntries(Object.values(operations).map((op) => [op.operationId, op.responseSchema]));

/**
 * A success of `operationId`; its int64 fields go on the wire as bare JSON numbers (Int64Digits, for
 * writeJson). BatchGetOnlineUsers wraps its answer in `Result`; the LiveMessage operations answer
 * without a wrapper, their fields (`top`) beside `RequestId`.
 */
export function aliyunOk(requestId: string, result: unknown, operationId: OperationId = 'BatchGetOnlineUsers', top: Record<string, unknown> = {}): Reply {
  const body = result === null ? { RequestId: requestId, ...top } : { RequestId: requestId, Result: result, ...top };
  return { status: 200, body: responseSchemas[operationId]!.encode(body) };
}

export function aliyunFail(requestId: string, status: number, code: string, message: string): Reply {
  return {
    status,
    body: { RequestId: requestId, HostId: 'live.aliyuncs.com', Code: code, Message: message, Recommend: `https://api.aliyun.com/troubleshoot?q=${code}` },
  };
}

/** One BatchGetOnlineUsers answer; `joinedAtMs` null when the user is not online. */
export function aliyunOnlineUser(userId: string, joinedAtMs: number | null): OnlineUser {
  return { UserId: userId, Online: joinedAtMs !== null, JoinTime: String(joinedAtMs ?? 0) };
}
