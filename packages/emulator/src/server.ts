// One local HTTP server that behaves like the three vendors for the five operations: signatures
// checked, quotas enforced, documented quirks reproduced, faults on demand.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { operations as aliyunOps } from '@rollcall/aliyun-live';
import { operations as tencentOps } from '@rollcall/tencent-live';
import { operations as volcOps } from '@rollcall/volcengine-rtc';
import { NonceLog, verifyAliyun, verifyTencent, verifyVolcengine, type ReceivedRequest } from './verify.js';
import { DEMO_CREDENTIALS, World, type EmulatorCredentials, type Member, type Seed, type VendorName } from './world.js';

export type FaultKind = 'latency' | 'error' | 'reset' | 'malformed' | 'truncated' | 'throttle';

export interface FaultRule {
  /** An operation id (`QueryLiveParticipantStatus`, `GetMemberList`, …) or `*`. */
  operation?: string;
  kind: FaultKind;
  /** How many matching calls it applies to; default: every one. */
  times?: number;
  /** Chance per matching call, 0–1; default 1. */
  probability?: number;
  /** For `latency`: added delay. */
  latencyMs?: number;
}

export interface EmulatorOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  seed?: Seed;
  credentials?: EmulatorCredentials;
  /** `'enforce'` (default): each operation's QPS per account, from the operation tables; `'off'`; or per-operation figures. */
  qps?: 'enforce' | 'off' | Partial<Record<string, number>>;
  faults?: FaultRule[];
  /** Tencent members per page of get_member_list; default 200. */
  tencentPageSize?: number;
  /** The emulator's clock in Unix ms (signature dates and UserSig expiry are checked against it). */
  now?: () => number;
  /**
   * Default true. Turn off only behind proxies that rewrite requests (the spec-validating proxy
   * of the contract tests); the account is then taken from the request as sent.
   */
  checkSignatures?: boolean;
}

export interface OperationStats {
  served: number;
  throttled: number;
  rejected: number;
}

export interface RunningEmulator {
  /** Base URL for every vendor's client `endpoint`. */
  url: string;
  world: World;
  credentials: EmulatorCredentials;
  stats(): Record<string, OperationStats>;
  setFaults(rules: FaultRule[]): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

const VOLC_SERVICE = { Service: 'rtc', Region: 'cn-north-1' };
const MAX_BODY_BYTES = 1 << 20;

function volcReply(action: string, version: string, requestId: string, status: number, code?: string, message?: string, result?: unknown): Reply {
  const meta = { RequestId: requestId, Action: action, Version: version, ...VOLC_SERVICE };
  return code
    ? { status, body: { ResponseMetadata: { ...meta, Error: { CodeN: 0, Code: code, Message: message ?? code } } } }
    : { status, body: { ResponseMetadata: meta, Result: result } };
}

const aliyunError = (status: number, requestId: string, code: string, message: string): Reply => ({
  status,
  body: { RequestId: requestId, HostId: 'live.aliyuncs.com', Code: code, Message: message, Recommend: `https://api.aliyun.com/troubleshoot?q=${code}` },
});

const tencentFail = (requestId: string, code: string, info: string): Reply => ({
  status: 200,
  body: { ActionStatus: 'FAIL', ErrorCode: Number(code), ErrorInfo: info, RequestId: requestId },
});

const VOLC_AUTH_STATUS: Record<string, number> = {
  MissingRequestInfo: 400,
  InvalidTimestamp: 400,
  InvalidAccessKey: 401,
  SignatureDoesNotMatch: 401,
};
const ALIYUN_AUTH_STATUS: Record<string, number> = {
  'InvalidAccessKeyId.NotFound': 404,
};

function isIntegerArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v));
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const credentials = options.credentials ?? DEMO_CREDENTIALS;
  const world = new World(options.seed);
  const now = options.now ?? (() => Date.now());
  const pageSize = options.tencentPageSize ?? 200;
  const nonces = new NonceLog();
  const checkSignatures = options.checkSignatures ?? true;
  const unchecked = (req: ReceivedRequest) => ({
    ok: true as const,
    account: req.url.searchParams.get('sdkappid') ?? req.headers.authorization?.split(/[=/,]/)[1] ?? 'unchecked',
  });
  let faults: Array<FaultRule & { left: number }> = [];
  const setFaults = (rules: FaultRule[]) => {
    faults = rules.map((r) => ({ ...r, left: r.times ?? Infinity }));
  };
  setFaults(options.faults ?? []);
  const stats = new Map<string, OperationStats>();
  const statsFor = (op: string) => {
    let s = stats.get(op);
    if (!s) stats.set(op, (s = { served: 0, throttled: 0, rejected: 0 }));
    return s;
  };
  const arrivals = new Map<string, number[]>();
  let requestCounter = 0;

  function qpsFor(operationId: string, table: number): number | null {
    if (options.qps === 'off') return null;
    if (options.qps && typeof options.qps === 'object') return options.qps[operationId] ?? table;
    return table;
  }

  /** Sliding one-second window per account and operation, on arrival, as a vendor counts. */
  function admit(account: string, operationId: string, tableQps: number, at: number): boolean {
    const limit = qpsFor(operationId, tableQps);
    if (limit === null) return true;
    const key = `${account}\u0000${operationId}`;
    let list = arrivals.get(key);
    if (!list) arrivals.set(key, (list = []));
    while (list.length && at - list[0]! >= 1000) list.shift();
    if (list.length >= limit) return false;
    list.push(at);
    return true;
  }

  function takeFault(operationId: string): (FaultRule & { left: number }) | undefined {
    for (const rule of faults) {
      if (rule.left <= 0) continue;
      if (rule.operation && rule.operation !== '*' && rule.operation !== operationId) continue;
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      rule.left--;
      return rule;
    }
    return undefined;
  }

  // --- the vendors ---------------------------------------------------------------------------

  async function volcengine(req: ReceivedRequest, arrivedAt: number, requestId: string): Promise<[string, Reply]> {
    const action = req.url.searchParams.get('Action') ?? '';
    const version = req.url.searchParams.get('Version') ?? '';
    const reply = (status: number, code?: string, message?: string, result?: unknown) => volcReply(action, version, requestId, status, code, message, result);
    // Like the gateway: authenticate first, then look the action up.
    const verified = checkSignatures ? await verifyVolcengine(req, credentials.volcengine, now()) : unchecked(req);
    const op = Object.values(volcOps).find((o) => o.action === action && o.version === version && o.method === req.method && o.path === req.url.pathname);
    if (!verified.ok) {
      statsFor(op?.operationId ?? action).rejected++;
      return [op?.operationId ?? action, reply(VOLC_AUTH_STATUS[verified.code] ?? 401, verified.code, `authentication failed: ${verified.code}`)];
    }
    if (!op) return [action, reply(404, 'InvalidActionOrVersion', `Could not find operation ${action} ${version}`)];
    if (!admit(verified.account, op.operationId, op.qps, arrivedAt)) {
      statsFor(op.operationId).throttled++;
      return [op.operationId, reply(429, 'FlowLimitExceeded.QPSOverLimit', 'QPS over limit')];
    }
    if (op.operationId === 'GetRoomOnlineUsers') {
      const appId = req.url.searchParams.get('AppId');
      const roomId = req.url.searchParams.get('RoomId');
      if (!appId || appId !== world.volcengineRtcAppId) return [op.operationId, reply(400, 'InvalidParameter.IllegalAppId', 'AppId is illegal')];
      if (!roomId || !/^[a-zA-Z0-9@._-]{1,128}$/.test(roomId)) return [op.operationId, reply(400, 'InvalidParameter.IllegalRoomID', 'RoomId is illegal')];
      const members = world.rooms['volcengine-rtc'].get(roomId);
      if (!members) return [op.operationId, reply(200, undefined, undefined, { RoomExists: false })];
      const all = [...members.values()];
      const invisible = all.filter((m) => m.invisible).map((m) => m.userId);
      return [
        op.operationId,
        reply(200, undefined, undefined, {
          TotalUser: all.length,
          TotalInvisibleUser: invisible.length,
          VisibleUserList: all.filter((m) => !m.invisible).map((m) => m.userId),
          // Documented bound: at most 10000 invisible users are listed.
          InvisibleUserList: invisible.slice(0, volcOps.getRoomOnlineUsers.listBound.max),
          RoomExists: true,
        }),
      ];
    }
    let input: { AppId?: unknown; ConversationShortId?: unknown; ParticipantUserIds?: unknown };
    try {
      input = JSON.parse(req.body);
    } catch {
      return [op.operationId, reply(400, 'JsonParsingError', 'the body is not JSON')];
    }
    if (!Number.isSafeInteger(input.AppId) || !Number.isSafeInteger(input.ConversationShortId) || !isIntegerArray(input.ParticipantUserIds)) {
      return [op.operationId, reply(400, 'InvalidParam', 'AppId, ConversationShortId and ParticipantUserIds must be integers')];
    }
    if (input.AppId !== world.volcengineImAppId) return [op.operationId, reply(404, 'AppNotFound', 'app not found')];
    const conversation = world.rooms['volcengine-im'].get(String(input.ConversationShortId));
    if (!conversation) return [op.operationId, reply(404, 'ConversationNotFound', 'conversation not found')];
    const ids = input.ParticipantUserIds;
    if (op.operationId === 'QueryLiveParticipantStatus') {
      // Documented quirk: only the first 200 ids are answered, silently.
      const answered = ids.slice(0, volcOps.queryLiveParticipantStatus.batch.max);
      return [
        op.operationId,
        reply(200, undefined, undefined, {
          Status: answered.map((id) => {
            const m = conversation.get(String(id));
            return {
              AppId: input.AppId,
              ConversationShortId: input.ConversationShortId,
              ParticipantUserId: id,
              IsInConversation: m !== undefined,
              CreateTime: m ? Math.floor(m.joinedAt / 1000) : 0,
            };
          }),
        }),
      ];
    }
    return [
      op.operationId,
      reply(200, undefined, undefined, {
        Participants: ids.flatMap((id) => {
          const m = conversation.get(String(id));
          return m
            ? [
                {
                  ConversationShortId: input.ConversationShortId,
                  ParticipantUserId: id,
                  Operator: 1,
                  Role: m.role ?? 0,
                  Status: 0,
                  Level: 1,
                  NickName: m.nickname ?? '',
                  CreateTime: Math.floor(m.joinedAt / 1000),
                  BlockTime: 0,
                  Ext: {},
                },
              ]
            : [];
        }),
      }),
    ];
  }

  async function aliyun(req: ReceivedRequest, arrivedAt: number, requestId: string): Promise<[string, Reply]> {
    const op = aliyunOps.batchGetOnlineUsers;
    const verified = checkSignatures ? await verifyAliyun(req, credentials.aliyun, now(), nonces) : unchecked(req);
    if (!verified.ok) {
      statsFor(op.operationId).rejected++;
      return [op.operationId, aliyunError(ALIYUN_AUTH_STATUS[verified.code] ?? 400, requestId, verified.code, `authentication failed: ${verified.code}`)];
    }
    if (!admit(verified.account, op.operationId, op.qps, arrivedAt)) {
      statsFor(op.operationId).throttled++;
      return [op.operationId, aliyunError(400, requestId, 'Throttling.User', 'Request was denied due to user flow control.')];
    }
    const params = { ...Object.fromEntries(new URLSearchParams(req.body)), ...Object.fromEntries(req.url.searchParams) };
    if (!params.AppId || !params.GroupId || !params.UserIds)
      return [op.operationId, aliyunError(400, requestId, 'MissingParameter', 'AppId, GroupId and UserIds are required')];
    const ids = params.UserIds.split(',');
    if (ids.length > op.batch.max || ids.some((id) => id === '')) {
      return [op.operationId, aliyunError(400, requestId, 'InvalidParameter', `UserIds takes 1 to ${op.batch.max} ids`)];
    }
    if (params.AppId !== world.aliyunAppId)
      return [op.operationId, aliyunError(403, requestId, 'Forbidden', 'User not authorized to operate on the specified resource.')];
    const group = world.rooms.aliyun.get(params.GroupId);
    return [
      op.operationId,
      {
        status: 200,
        body: {
          RequestId: requestId,
          Result: {
            OnlineUsers: ids.map((id) => {
              const m = group?.get(id);
              return { UserId: id, Online: m !== undefined, JoinTime: m ? m.joinedAt : 0 };
            }),
          },
        },
      },
    ];
  }

  async function tencent(req: ReceivedRequest, arrivedAt: number, requestId: string): Promise<[string, Reply]> {
    const op = tencentOps.getMemberList;
    const verified = checkSignatures ? await verifyTencent(req, credentials.tencent, now()) : unchecked(req);
    if (!verified.ok) {
      statsFor(op.operationId).rejected++;
      return [op.operationId, tencentFail(requestId, verified.code, `authentication failed: ${verified.code}`)];
    }
    if (!admit(verified.account, op.operationId, op.qps, arrivedAt)) {
      statsFor(op.operationId).throttled++;
      return [op.operationId, tencentFail(requestId, '60007', 'rest api request frequency limit')];
    }
    let input: { RoomId?: unknown; Next?: unknown };
    try {
      input = JSON.parse(req.body);
    } catch {
      return [op.operationId, tencentFail(requestId, '60003', 'json parse error')];
    }
    if (typeof input.RoomId !== 'string' || typeof input.Next !== 'string')
      return [op.operationId, tencentFail(requestId, '60003', 'RoomId and Next are required strings')];
    const room = world.rooms.tencent.get(input.RoomId);
    if (!room) return [op.operationId, tencentFail(requestId, '100004', 'room not exist')];
    const offset =
      input.Next === ''
        ? 0
        : Number(
            Buffer.from(input.Next, 'base64url')
              .toString()
              .replace(/^offset:/, ''),
          );
    if (!Number.isSafeInteger(offset) || offset < 0) return [op.operationId, tencentFail(requestId, '60003', 'bad Next')];
    // Documented: at most `cap` members are listed, whatever the room holds.
    const listed = [...room.values()].slice(0, op.pagination.cap);
    const page = listed.slice(offset, offset + pageSize);
    const end = offset + page.length;
    return [
      op.operationId,
      {
        status: 200,
        body: {
          ActionStatus: 'OK',
          ErrorCode: 0,
          ErrorInfo: '',
          RequestId: requestId,
          Response: {
            Next: end < listed.length ? Buffer.from(`offset:${end}`).toString('base64url') : '',
            MemberCount: room.size,
            MemberList: page.map((m) => ({ Member_Account: m.userId })),
          },
        },
      },
    ];
  }

  // --- admin ---------------------------------------------------------------------------------

  function admin(req: ReceivedRequest): Reply {
    const path = req.url.pathname.slice('/__admin'.length);
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (req.method === 'GET' && path === '/state') return { status: 200, body: { rooms: world.summary(), stats: Object.fromEntries(stats), faults } };
    if (req.method === 'POST' && path === '/faults') {
      setFaults(body.rules as FaultRule[]);
      return { status: 200, body: { faults } };
    }
    if (req.method === 'DELETE' && path === '/faults') {
      setFaults([]);
      return { status: 200, body: { faults } };
    }
    if (req.method === 'POST' && (path === '/join' || path === '/leave')) {
      const space = body.space as keyof World['rooms'];
      if (!(space in world.rooms)) return { status: 400, body: { error: `space must be one of ${Object.keys(world.rooms).join(', ')}` } };
      if (path === '/join')
        world.join(space, String(body.room), {
          userId: String(body.userId),
          joinedAt: Number(body.joinedAt ?? now()),
          invisible: Boolean(body.invisible),
        } as Member);
      else world.leave(space, String(body.room), String(body.userId));
      return { status: 200, body: { rooms: world.summary() } };
    }
    if (req.method === 'POST' && path === '/reset-stats') {
      stats.clear();
      arrivals.clear();
      return { status: 200, body: {} };
    }
    return { status: 404, body: { error: `no admin route ${req.method} ${path}` } };
  }

  // --- HTTP ----------------------------------------------------------------------------------

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new Error('body too large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function vendorOf(req: ReceivedRequest): VendorName | 'admin' | null {
    if (req.url.pathname.startsWith('/__admin/')) return 'admin';
    if (req.url.pathname === tencentOps.getMemberList.path) return 'tencent';
    const action = req.url.searchParams.get('Action') ?? req.headers['x-acs-action'];
    if (!action) return null;
    if (action === aliyunOps.batchGetOnlineUsers.action) return 'aliyun';
    return 'volcengine';
  }

  function faultReply(vendor: VendorName, requestId: string, kind: 'error' | 'throttle'): Reply {
    if (vendor === 'volcengine') {
      return kind === 'error'
        ? volcReply('', '', requestId, 500, 'InternalError', 'injected internal error')
        : volcReply('', '', requestId, 429, 'FlowLimitExceeded.QPSOverLimit', 'injected throttle');
    }
    if (vendor === 'aliyun') {
      return kind === 'error'
        ? aliyunError(503, requestId, 'ServiceUnavailable', 'injected: service unavailable')
        : aliyunError(400, requestId, 'Throttling.User', 'injected throttle');
    }
    return kind === 'error' ? { status: 502, body: 'Bad Gateway' } : tencentFail(requestId, '60007', 'injected throttle');
  }

  function send(res: ServerResponse, reply: Reply, mangle?: 'malformed' | 'truncated') {
    let text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    if (mangle === 'malformed') text = `{"not json": ${text.slice(0, 20)}`;
    if (mangle === 'truncated') text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    res.writeHead(reply.status, {
      'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  const server = createServer(async (incoming, res) => {
    const arrivedAt = now();
    try {
      const req: ReceivedRequest = {
        method: incoming.method ?? 'GET',
        url: new URL(incoming.url ?? '/', 'http://emulator'),
        headers: Object.fromEntries(Object.entries(incoming.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')])),
        body: await readBody(incoming),
      };
      const vendor = vendorOf(req);
      if (vendor === 'admin') return send(res, admin(req));
      if (vendor === null) return send(res, { status: 404, body: { error: `no vendor operation at ${req.url.pathname}` } });
      const requestId = `emu-${(++requestCounter).toString(16).padStart(8, '0')}`;
      const operationGuess = vendor === 'tencent' ? 'GetMemberList' : (req.url.searchParams.get('Action') ?? req.headers['x-acs-action'] ?? '');
      const fault = takeFault(operationGuess);
      if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 1000));
      if (fault?.kind === 'reset') return void incoming.socket.destroy();
      if (fault?.kind === 'error' || fault?.kind === 'throttle') return send(res, faultReply(vendor, requestId, fault.kind));
      const handler = vendor === 'volcengine' ? volcengine : vendor === 'aliyun' ? aliyun : tencent;
      const [operationId, reply] = await handler(req, arrivedAt, requestId);
      if (reply.status === 200 && !(reply.body as { ActionStatus?: string }).ActionStatus?.startsWith('FAIL')) statsFor(operationId).served++;
      send(res, reply, fault?.kind === 'malformed' || fault?.kind === 'truncated' ? fault.kind : undefined);
    } catch (error) {
      send(res, { status: 500, body: { error: (error as Error).message } });
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as { address: string; port: number };
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    world,
    credentials,
    stats: () => Object.fromEntries(stats),
    setFaults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
