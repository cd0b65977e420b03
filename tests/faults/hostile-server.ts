// A loopback server that speaks each vendor's wire format for the five operations and injects one
// fault per request, chosen by the first path segment of the client's endpoint (`/<fault>/…`). It
// records every request (so tests can count them and sweep what was sent for secrets).
import { createServer, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { readJson } from '@rollcall/runtime';
import {
  aliyunFail,
  aliyunOk,
  aliyunOnlineUser,
  replyText,
  routeAliyun,
  routeTencent,
  routeVolcengine,
  tencentFail,
  tencentMemberPage,
  tencentOk,
  vendorOf,
  volcengineFail,
  volcengineOk,
  volcengineParticipant,
  volcengineRoom,
  volcengineStatus,
  wire,
  type ReceivedRequest,
} from '@rollcall/emulator/wire';
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

const REQUEST_ID = 'req-hostile';
const joinedAtMs = 1_700_000_000_000;
const volcRoute = (operation: VendorOperation) => {
  const op = wire.volcengine.operations[operation.split(':')[1] as keyof typeof wire.volcengine.operations];
  return { action: op.action, version: op.versions[0] };
};

/** A Volcengine IM request read exactly, as the service reads it: int64 ids as bigints. */
function volcengineBody(text: string) {
  const body = readJson(text) as { AppId: number; ConversationShortId: number | string; ParticipantUserIds: Array<number | string> };
  return { ...body, ConversationShortId: BigInt(body.ConversationShortId), ParticipantUserIds: body.ParticipantUserIds.map((id) => BigInt(id)) };
}

/** The right answer of each operation for the ids asked (even ids are in the room), in the vendors' wire shapes. */
export function goodAnswer(operation: VendorOperation, request: SeenRequest): unknown {
  switch (operation) {
    case 'volcengine:QueryLiveParticipantStatus': {
      const body = volcengineBody(request.body);
      const status = body.ParticipantUserIds.map((id) => volcengineStatus(body.AppId, body.ConversationShortId, id, id % 2n === 0n ? joinedAtMs : null));
      return volcengineOk(volcRoute(operation), REQUEST_ID, { Status: status }).body;
    }
    case 'volcengine:BatchGetConversationParticipant': {
      const body = volcengineBody(request.body);
      const members = body.ParticipantUserIds.filter((id) => id % 2n === 0n);
      return volcengineOk(volcRoute(operation), REQUEST_ID, {
        Participants: members.map((id) => volcengineParticipant(body.ConversationShortId, { userId: id, joinedAtMs })),
      }).body;
    }
    case 'volcengine:GetRoomOnlineUsers':
      return volcengineOk(volcRoute(operation), REQUEST_ID, volcengineRoom({ visible: ['v1', 'v2'], invisible: ['i1'] }, 10_000)).body;
    case 'aliyun:BatchGetOnlineUsers': {
      const ids = new URLSearchParams(request.body).get('UserIds')!.split(',');
      return aliyunOk(REQUEST_ID, { OnlineUsers: ids.map((id) => aliyunOnlineUser(id, id.endsWith('0') || id.endsWith('2') ? joinedAtMs : null)) }).body;
    }
    case 'tencent:GetMemberList':
      return tencentOk(REQUEST_ID, tencentMemberPage(['m1', 'm2'], 2, '')).body;
  }
}

/** Each vendor's error envelope, with the HTTP status it comes with (forced to `status`, as a fault). */
function errorAnswer(operation: VendorOperation, code: string, status: number): [number, unknown] {
  if (operation.startsWith('volcengine')) return [status, volcengineFail(volcRoute(operation), REQUEST_ID, code, 'injected', status).body];
  if (operation.startsWith('aliyun')) return [status, aliyunFail(REQUEST_ID, status, code, 'injected').body];
  return [200, tencentFail(REQUEST_ID, code, 'injected').body];
}

const throttleCode = (operation: VendorOperation) =>
  operation.startsWith('volcengine') ? 'FlowLimitExceeded.QPSOverLimit' : operation.startsWith('aliyun') ? 'Throttling.User' : '60007';
/** Each vendor's code for a signed time it refuses (the specs' clockSkewCodes). */
const clockCode = (operation: VendorOperation) =>
  operation.startsWith('volcengine') ? 'InvalidTimestamp' : operation.startsWith('aliyun') ? 'InvalidTimeStamp.Expired' : '70001';
/** How far ahead of the test's clock the clock-refused-always server dates its answers. */
export const HOSTILE_CLOCK_AHEAD_MS = 60 * 60_000;
const authCode = (operation: VendorOperation) =>
  operation.startsWith('volcengine') ? 'SignatureDoesNotMatch' : operation.startsWith('aliyun') ? 'SignatureDoesNotMatch' : '70001';

/** Which operation a request is, routed by the wire module. */
export function operationOf(request: ReceivedRequest): VendorOperation {
  const vendor = vendorOf(request);
  if (vendor === 'tencent') return `tencent:${routeTencent(request)}` as VendorOperation;
  if (vendor === 'aliyun') return `aliyun:${routeAliyun(request).operationId}` as VendorOperation;
  return `volcengine:${routeVolcengine(request).operationId}` as VendorOperation;
}

function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const text = replyText({ body: payload });
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
  // Retry-After as gateways also send it: an HTTP-date an hour ahead, and a value that is no delay
  // at all (`0x10`, which Number() would read as 16 s).
  'throttled-retry-after-date',
  'throttled-retry-after-hex',
  'never-ending-body',
  'no-answer',
  'trickle',
  'reset-mid-body',
  'huge-headers',
  'wrong-type-error-code',
  'duplicate-contradicting',
  // A gateway's redirect to another origin (with the whole request URL, query and all): never followed.
  'redirect-301',
  'redirect-302',
  'redirect-307',
  'redirect-308',
  // The right answer behind a UTF-8 byte order mark.
  'bom-prefixed',
  // The right answer compressed as a gateway may, asked for or not.
  'gzip',
  'deflate',
  'brotli',
  // About 1 MB on the wire that inflates to 1 GiB (1,024 gzip members of 1 MiB of zeros).
  'gzip-bomb',
  // The vendor's code for a refused signed time, in an answer without a Date header to measure by.
  'clock-refused-undated',
  // The same refusal for every request, dated an hour ahead: correcting the clock does not help.
  'clock-refused-always',
] as const;
export type Fault = (typeof FAULTS)[number];

/** 1,024 gzip members of 1 MiB of zeros: about 1 MB that inflates to 1 GiB. Made once. */
let bomb: Buffer | undefined;
export function gzipBomb(): Buffer {
  if (!bomb) {
    const member = gzipSync(Buffer.alloc(1 << 20), { level: 9 });
    bomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
  }
  return bomb;
}

export async function startHostileServer() {
  const seen: SeenRequest[] = [];
  // Another origin, where a redirect points: whatever reaches it (a credential in a header or the
  // query) is recorded, and must stay empty.
  const stolen: Array<{ url: string; headers: Record<string, string | string[] | undefined> }> = [];
  const thief: Server = createServer((req, res) => {
    stolen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"stolen":true}');
  });
  await new Promise<void>((resolve) => thief.listen(0, '127.0.0.1', resolve));
  const thiefOrigin = `http://127.0.0.1:${(thief.address() as { port: number }).port}`;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://hostile');
    const fault = url.pathname.split('/')[1] ?? 'ok';
    const text = Buffer.concat(chunks).toString('utf8');
    // The operation's own path, once the fault's prefix is taken off.
    const unprefixed = new URL(url);
    unprefixed.pathname = url.pathname.slice(fault.length + 1) || '/';
    const operation = operationOf({ method: req.method ?? 'GET', url: unprefixed, headers: req.headers as Record<string, string | undefined>, body: text });
    const request: SeenRequest = {
      operation,
      fault,
      url: url.href,
      headers: req.headers as Record<string, string>,
      body: text,
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
        const text = replyText({ body: goodAnswer(operation, request) });
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
      case 'throttled-retry-after-date':
        return json(res, ...errorAnswer(operation, throttleCode(operation), 429), { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() });
      case 'throttled-retry-after-hex':
        return json(res, ...errorAnswer(operation, throttleCode(operation), 429), { 'retry-after': '0x10' });
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
      case 'redirect-301':
      case 'redirect-302':
      case 'redirect-307':
      case 'redirect-308':
        res.writeHead(Number(fault.slice('redirect-'.length)), { location: `${thiefOrigin}${req.url}` });
        return res.end();
      case 'gzip':
      case 'deflate':
      case 'brotli': {
        const text = replyText({ body: goodAnswer(operation, request) });
        const encoded = fault === 'gzip' ? gzipSync(text) : fault === 'deflate' ? deflateSync(text) : brotliCompressSync(text);
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': fault === 'brotli' ? 'br' : fault });
        return res.end(encoded);
      }
      case 'gzip-bomb':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(gzipBomb());
      case 'clock-refused-undated':
        res.sendDate = false;
        return json(res, ...errorAnswer(operation, clockCode(operation), 400));
      case 'clock-refused-always':
        return json(res, ...errorAnswer(operation, clockCode(operation), 400), { date: new Date(Date.now() + HOSTILE_CLOCK_AHEAD_MS).toUTCString() });
      case 'bom-prefixed':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return res.end(`\uFEFF${replyText({ body: goodAnswer(operation, request) })}`);
      default:
        return json(res, 200, goodAnswer(operation, request));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    seen,
    /** What reached the other origin a redirect pointed to. */
    stolen,
    thiefOrigin,
    endpoint: (fault: Fault) => `${base}/${fault}`,
    close: async () => {
      server.closeAllConnections();
      thief.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), new Promise<void>((resolve) => thief.close(() => resolve()))]);
    },
  };
}
