// A loopback server that speaks each vendor's wire format for the five operations and injects one
// fault per request, chosen by the first path segment of the client's endpoint (`/<fault>/…`). It
// records every request (so tests can count them and sweep what was sent for secrets).
import { createServer, type Server, type ServerResponse } from 'node:http';
import { sendEndlessBody } from '@rollcall/test-support';

export type VendorOperation =
  | 'volcengine:QueryLiveParticipantStatus'
  | 'volcengine:BatchGetConversationParticipant'
  | 'volcengine:GetRoomOnlineUsers'
  | 'aliyun:BatchGetOnlineUsers'
  | 'tencent:GetMemberList';

export interface SeenRequest {
  operation: VendorOperation;
  fault: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const meta = (action: string) => ({ RequestId: 'req-hostile', Action: action, Version: '2020-12-01', Service: 'rtc', Region: 'cn-north-1' });

/** The right answer of each operation for the ids asked (even ids are in the room). */
export function goodAnswer(operation: VendorOperation, request: SeenRequest): unknown {
  switch (operation) {
    case 'volcengine:QueryLiveParticipantStatus': {
      const body = JSON.parse(request.body);
      return {
        ResponseMetadata: meta('QueryLiveParticipantStatus'),
        Result: {
          Status: body.ParticipantUserIds.map((id: number) => ({
            AppId: body.AppId,
            ConversationShortId: body.ConversationShortId,
            ParticipantUserId: id,
            IsInConversation: id % 2 === 0,
            CreateTime: id % 2 === 0 ? 1_700_000_000 : 0,
          })),
        },
      };
    }
    case 'volcengine:BatchGetConversationParticipant': {
      const body = JSON.parse(request.body);
      return {
        ResponseMetadata: meta('BatchGetConversationParticipant'),
        Result: {
          Participants: body.ParticipantUserIds.filter((id: number) => id % 2 === 0).map((id: number) => ({
            ConversationShortId: body.ConversationShortId,
            ParticipantUserId: id,
            Operator: 1,
            Role: 0,
            CreateTime: 1_700_000_000,
          })),
        },
      };
    }
    case 'volcengine:GetRoomOnlineUsers':
      return {
        ResponseMetadata: meta('GetRoomOnlineUsers'),
        Result: { RoomExists: true, TotalUser: 3, TotalInvisibleUser: 1, VisibleUserList: ['v1', 'v2'], InvisibleUserList: ['i1'] },
      };
    case 'aliyun:BatchGetOnlineUsers': {
      const ids = new URLSearchParams(request.body).get('UserIds')!.split(',');
      return {
        RequestId: 'req-hostile',
        Result: { OnlineUsers: ids.map((id) => ({ UserId: id, Online: id.endsWith('0') || id.endsWith('2'), JoinTime: 1_700_000_000_000 })) },
      };
    }
    case 'tencent:GetMemberList':
      return {
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        RequestId: 'req-hostile',
        Response: { Next: '', MemberCount: 2, MemberList: [{ Member_Account: 'm1' }, { Member_Account: 'm2' }] },
      };
  }
}

/** Each vendor's error envelope, with the HTTP status it comes with. */
function errorAnswer(operation: VendorOperation, code: string, status: number): [number, unknown] {
  if (operation.startsWith('volcengine'))
    return [status, { ResponseMetadata: { ...meta(operation.split(':')[1]!), Error: { CodeN: 0, Code: code, Message: 'injected' } } }];
  if (operation.startsWith('aliyun')) return [status, { RequestId: 'req-hostile', Code: code, Message: 'injected' }];
  return [200, { ActionStatus: 'FAIL', ErrorCode: Number(code), ErrorInfo: 'injected', RequestId: 'req-hostile' }];
}

const throttleCode = (operation: VendorOperation) =>
  operation.startsWith('volcengine') ? 'FlowLimitExceeded.QPSOverLimit' : operation.startsWith('aliyun') ? 'Throttling.User' : '60007';
const authCode = (operation: VendorOperation) =>
  operation.startsWith('volcengine') ? 'SignatureDoesNotMatch' : operation.startsWith('aliyun') ? 'SignatureDoesNotMatch' : '70001';

/** Which operation a request is, from its URL and its `x-acs-action` header (Alibaba V3). */
export function operationOf(url: URL, acsAction: string | null | undefined): VendorOperation {
  if (url.pathname.endsWith('/v4/live_engine_http_srv/get_member_list')) return 'tencent:GetMemberList';
  if (acsAction || url.searchParams.has('SignatureMethod')) return `aliyun:${acsAction ?? url.searchParams.get('Action')}` as VendorOperation;
  return `volcengine:${url.searchParams.get('Action')}` as VendorOperation;
}

function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** Every fault the server can inject; `ok` answers right. */
export const FAULTS = [
  'ok',
  'http-500',
  'html-gateway-echo',
  'malformed-json',
  'truncated-json',
  'empty-200',
  'body-error-auth',
  'throttled-retry-after-long',
  'never-ending-body',
  'no-answer',
  'trickle',
  'reset-mid-body',
  'huge-headers',
  'wrong-type-error-code',
  'duplicate-contradicting',
] as const;
export type Fault = (typeof FAULTS)[number];

export async function startHostileServer() {
  const seen: SeenRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://hostile');
    const fault = url.pathname.split('/')[1] ?? 'ok';
    const operation = operationOf(url, req.headers['x-acs-action'] as string | undefined);
    const request: SeenRequest = {
      operation,
      fault,
      url: url.href,
      headers: req.headers as Record<string, string>,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    seen.push(request);
    switch (fault as Fault) {
      case 'http-500':
        return json(res, ...errorAnswer(operation, operation.startsWith('tencent') ? '100001' : 'InternalError', 500));
      case 'html-gateway-echo':
        // A gateway page that echoes the whole request: URL, headers and body.
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end(
          `<html><body><h1>502 Bad Gateway</h1><pre>${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${request.body}</pre></body></html>`,
        );
      case 'malformed-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"ResponseMetadata": {nope');
      case 'truncated-json': {
        const text = JSON.stringify(goodAnswer(operation, request));
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(text.slice(0, text.length >> 1));
      }
      case 'empty-200':
        res.writeHead(200);
        return res.end();
      case 'body-error-auth': {
        const [, body] = errorAnswer(operation, authCode(operation), 200);
        return json(res, 200, body);
      }
      case 'throttled-retry-after-long':
        return json(res, ...errorAnswer(operation, throttleCode(operation), 429), { 'retry-after': '3600' });
      case 'never-ending-body':
        return sendEndlessBody(res);
      case 'no-answer':
        return;
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 20);
        return res.on('close', () => clearInterval(timer));
      }
      case 'reset-mid-body':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10000' });
        res.write('{"ResponseMetadata":');
        return setTimeout(() => res.socket?.destroy(), 10);
      case 'huge-headers':
        res.writeHead(200, { 'x-padding': 'p'.repeat(100 * 1024) });
        return res.end('{}');
      case 'wrong-type-error-code': {
        const good = goodAnswer(operation, request) as Record<string, unknown>;
        if (operation.startsWith('tencent')) return json(res, 200, { ...good, ErrorCode: '0' });
        if (operation.startsWith('aliyun')) return json(res, 200, { ...good, Result: { OnlineUsers: 'none' } });
        return json(res, 200, { ...good, Result: { Status: 'none', Participants: 'none', RoomExists: 'yes' } });
      }
      case 'duplicate-contradicting': {
        const good = goodAnswer(operation, request) as any;
        if (operation === 'volcengine:QueryLiveParticipantStatus') {
          const [first] = good.Result.Status;
          good.Result.Status.push({ ...first, IsInConversation: !first.IsInConversation, CreateTime: 5 });
        } else if (operation === 'aliyun:BatchGetOnlineUsers') {
          const [first] = good.Result.OnlineUsers;
          good.Result.OnlineUsers.push({ ...first, Online: !first.Online });
        } else if (operation === 'volcengine:GetRoomOnlineUsers') {
          good.Result.VisibleUserList.push('v1');
        } else if (operation === 'tencent:GetMemberList') {
          good.Response.MemberList.push({ Member_Account: 'm1' });
        } else {
          good.Result.Participants.push({ ...good.Result.Participants[0], Role: 2 });
        }
        return json(res, 200, good);
      }
      default:
        return json(res, 200, goodAnswer(operation, request));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    seen,
    endpoint: (fault: Fault) => `${base}/${fault}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
