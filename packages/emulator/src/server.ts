// One local HTTP server that stands in for every vendor: the shared machinery (HTTP, the admin API,
// faults, the per-account QPS window). Each vendor's behaviour is its own file in vendors/, and
// the wire (routing, answer and error shapes) is in wire/.
import type { Quota } from '@rollcall/runtime';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CallbackDelivery, churn, type CallbackTarget, type ChurnOptions } from './callbacks.js';
import { NonceLog } from './verify.js';
import { aliyun } from './vendors/aliyun.js';
import type { VendorContext, VendorHandler } from './vendors/context.js';
import { DEFAULT_TENCENT_PAGE_SIZE, tencent } from './vendors/tencent.js';
import { agora } from './vendors/agora.js';
import { volcengine } from './vendors/volcengine.js';
import {
  aliyunFail,
  routeAliyun,
  replyText,
  routeVolcengine,
  tencentFail,
  agoraFail,
  routeAgora,
  vendorOf,
  volcengineFail,
  type ReceivedRequest,
  type Reply,
  type VendorName,
} from './wire/index.js';
import { TemporaryKeys, type IssuedCredentialsOf, type TemporaryVendor } from './temporary.js';
import { DEMO_CREDENTIALS, World, type EmulatorCredentials, type Member, type Seed } from './world.js';

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
  /** Tencent members per page of get_member_list; default 200 (the service's own is not documented). */
  tencentPageSize?: number;
  /**
   * A network between the clients and the emulator, as to a far region: each request is delayed
   * by a one-way trip before it arrives (and is counted against the quota) and again before its
   * answer leaves. One-way delays are uniform in rttMs/2 ± jitterMs/2.
   */
  network?: { rttMs: number; jitterMs?: number; random?: () => number };
  /** The emulator's clock in Unix ms (signature dates and UserSig expiry are checked against it). */
  now?: () => number;
  /**
   * Default true. Turn off only behind proxies that rewrite requests (the spec-validating proxy
   * of the contract tests); the account is then taken from the request as sent.
   */
  checkSignatures?: boolean;
  /** Post every join and leave of one vendor's rooms to a URL, signed as the vendor signs its callbacks. */
  callbacks?: CallbackTarget;
}

export interface OperationStats {
  served: number;
  throttled: number;
  rejected: number;
  /** The most requests that arrived within any one second (served, throttled or refused), per account. */
  maxPerSecond: number;
}

export interface RunningEmulator {
  /** Base URL for every vendor's client `endpoint`. */
  url: string;
  world: World;
  credentials: EmulatorCredentials;
  stats(): Record<string, OperationStats>;
  setFaults(rules: FaultRule[]): void;
  /**
   * New temporary credentials (as the vendor's STS AssumeRole issues them), accepted until they
   * expire, `ttlMs` from now on the emulator's clock, and counted against the account's quota.
   */
  issueCredentials<V extends TemporaryVendor>(vendor: V, ttlMs: number): IssuedCredentialsOf[V];
  /**
   * Replaces the account's secret (the Volcengine or Alibaba access key secret, the Tencent app's
   * secret key, the Agora Customer Secret): requests signed with the old one are refused from now on.
   */
  rotateSecret(vendor: VendorName, secret: string, sdkAppId?: number): void;
  /** The callbacks being posted (`undefined` when none are configured): pause, resume, drain, stats. */
  readonly callbacks: CallbackDelivery | undefined;
  /** Posts one vendor's callbacks from now on (replacing any), or none. */
  setCallbacks(target: CallbackTarget | undefined): void;
  /** Makes a room change at a rate (see ChurnOptions); resolves with the changes made. */
  churn(options: ChurnOptions, signal?: AbortSignal): Promise<number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  // A copy: rotateSecret changes this emulator's, never the caller's object or the demo's.
  const credentials = structuredClone(options.credentials ?? DEMO_CREDENTIALS);
  const temporary = new TemporaryKeys();
  const issueCredentials = <V extends TemporaryVendor>(vendor: V, ttlMs: number) => temporary.issue(vendor, ttlMs, now());
  const rotateSecret = (vendor: VendorName, secret: string, sdkAppId?: number) => {
    if (typeof secret !== 'string' || secret === '') throw new Error('secret must be a non-empty string');
    if (vendor === 'volcengine') credentials.volcengine.secretAccessKey = secret;
    else if (vendor === 'aliyun') credentials.aliyun.accessKeySecret = secret;
    else if (vendor === 'agora') credentials.agora.customerSecret = secret;
    else {
      const app = [credentials.tencent, credentials.tencentInternational].find((a) => a && (sdkAppId === undefined || a.sdkAppId === sdkAppId));
      if (!app) throw new Error(`no Tencent app ${sdkAppId}`);
      app.secretKey = secret;
    }
  };
  const now = options.now ?? (() => Date.now());
  const world = new World(options.seed, now());
  // The callbacks of one vendor's rooms, posted as the vendor posts them, and the churns making rooms change.
  let delivery: CallbackDelivery | undefined;
  const setCallbacks = (target: CallbackTarget | undefined) => {
    delivery?.close();
    delivery = target
      ? new CallbackDelivery(world, target, { tencentSdkAppId: credentials.tencent.sdkAppId, volcengineRtcAppId: world.volcengineRtcAppId }, now)
      : undefined;
  };
  const stopChurns = new AbortController();
  if (options.callbacks) setCallbacks(options.callbacks);
  let faults: Array<FaultRule & { left: number }> = [];
  const setFaults = (rules: FaultRule[]) => {
    faults = rules.map((r) => ({ ...r, left: r.times ?? Infinity }));
  };
  setFaults(options.faults ?? []);
  const stats = new Map<string, OperationStats>();
  const statsFor = (op: string) => {
    let s = stats.get(op);
    if (!s) stats.set(op, (s = { served: 0, throttled: 0, rejected: 0, maxPerSecond: 0 }));
    return s;
  };
  const arrivals = new Map<string, number[]>();
  /** Every arrival per account and operation over the last second, admitted or not, for maxPerSecond. */
  const allArrivals = new Map<string, number[]>();
  const network = options.network;
  const oneWay = network ? () => Math.max(0, network.rttMs / 2 + ((network.random ?? Math.random)() - 0.5) * (network.jitterMs ?? 0)) : () => 0;
  const travel = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : undefined);
  let requestCounter = 0;
  /** The windows read arrivals in order: one due a moment before the last counted counts with it. */
  let lastAdmittedAt = -Infinity;

  function qpsFor(quota: Quota): number | null {
    if (options.qps === 'off') return null;
    if (options.qps && typeof options.qps === 'object') return options.qps[quota.key] ?? quota.qps;
    return quota.qps;
  }

  const context: VendorContext = {
    world,
    credentials,
    temporary,
    now,
    nonces: new NonceLog(),
    checkSignatures: options.checkSignatures ?? true,
    unchecked: (req) => ({
      ok: true,
      account: req.url.searchParams.get('sdkappid') ?? req.headers.authorization?.split(/[=/,]/)[1] ?? 'unchecked',
    }),
    /** Sliding one-second window per account and operation, on arrival, as a vendor counts. */
    admit(account, operationId, quota, dueAt) {
      const at = Math.max(dueAt, lastAdmittedAt);
      lastAdmittedAt = at;
      const seenKey = `${account}\u0000${quota.key}`;
      let seen = allArrivals.get(seenKey);
      if (!seen) allArrivals.set(seenKey, (seen = []));
      seen.push(at);
      while (seen.length && at - seen[0]! >= 1000) seen.shift();
      const counted = statsFor(operationId);
      counted.maxPerSecond = Math.max(counted.maxPerSecond, seen.length);
      const limit = qpsFor(quota);
      if (limit === null) return true;
      const key = `${account}\u0000${quota.key}`;
      let list = arrivals.get(key);
      if (!list) arrivals.set(key, (list = []));
      while (list.length && at - list[0]! >= 1000) list.shift();
      if (list.length >= limit) return false;
      list.push(at);
      return true;
    },
    count: (operationId, outcome) => void statsFor(operationId)[outcome]++,
  };
  const handlers: Record<VendorName, VendorHandler> = { volcengine, aliyun, tencent: tencent(options.tencentPageSize ?? DEFAULT_TENCENT_PAGE_SIZE), agora };

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

  // --- admin ---------------------------------------------------------------------------------

  function admin(req: ReceivedRequest): Reply {
    const path = req.url.pathname.slice('/__admin'.length);
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (req.method === 'GET' && path === '/state')
      return { status: 200, body: { rooms: world.summary(), stats: Object.fromEntries(stats), faults, callbacks: delivery?.stats() ?? null } };
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
          stringId: Boolean(body.stringId),
          ...(body.agoraRole === 'host' || body.agoraRole === 'audience' ? { agoraRole: body.agoraRole } : {}),
        } as Member);
      else world.leave(space, String(body.room), String(body.userId));
      return { status: 200, body: { rooms: world.summary() } };
    }
    if (req.method === 'POST' && path === '/close') {
      const space = body.space as keyof World['rooms'];
      if (!(space in world.rooms)) return { status: 400, body: { error: `space must be one of ${Object.keys(world.rooms).join(', ')}` } };
      return { status: world.rooms[space].delete(String(body.room)) ? 200 : 404, body: { rooms: world.summary() } };
    }
    if (req.method === 'POST' && path === '/credentials') {
      if (body.vendor !== 'volcengine' && body.vendor !== 'aliyun') return { status: 400, body: { error: 'vendor must be volcengine or aliyun' } };
      try {
        return { status: 200, body: issueCredentials(body.vendor, Number(body.ttlMs)) };
      } catch (error) {
        return { status: 400, body: { error: (error as Error).message } };
      }
    }
    if (path === '/callbacks' && (req.method === 'POST' || req.method === 'DELETE')) {
      if (req.method === 'DELETE') {
        setCallbacks(undefined);
        return { status: 200, body: {} };
      }
      if (!['agora', 'tencent', 'volcengine'].includes(body.vendor as string) || typeof body.url !== 'string' || typeof body.secret !== 'string')
        return { status: 400, body: { error: 'callbacks need vendor (agora, tencent or volcengine), url and secret' } };
      setCallbacks({
        vendor: body.vendor as CallbackTarget['vendor'],
        url: body.url,
        secret: body.secret,
        lossRate: Number(body.lossRate ?? 0),
        duplicateRate: Number(body.duplicateRate ?? 0),
        reorderMs: Number(body.reorderMs ?? 0),
      });
      return { status: 200, body: {} };
    }
    if (req.method === 'POST' && (path === '/callbacks/pause' || path === '/callbacks/resume')) {
      if (!delivery) return { status: 404, body: { error: 'no callbacks configured' } };
      if (path === '/callbacks/pause') delivery.pause();
      else delivery.resume();
      return { status: 200, body: { callbacks: delivery.stats() } };
    }
    if (req.method === 'POST' && path === '/churn') {
      const vendor = body.vendor as ChurnOptions['vendor'];
      if (!['agora', 'tencent', 'volcengine'].includes(vendor) || typeof body.room !== 'string' || !(Number(body.ratePerSecond) > 0))
        return { status: 400, body: { error: 'churn needs vendor (agora, tencent or volcengine), room and ratePerSecond' } };
      const changes = body.changes === undefined ? {} : { changes: Number(body.changes) };
      void churn(world, { vendor, room: body.room, ratePerSecond: Number(body.ratePerSecond), ...changes }, now, stopChurns.signal);
      return { status: 200, body: {} };
    }
    if (req.method === 'POST' && path === '/rotate-secret') {
      try {
        rotateSecret(body.vendor as VendorName, body.secret as string, body.sdkAppId === undefined ? undefined : Number(body.sdkAppId));
        return { status: 200, body: {} };
      } catch (error) {
        return { status: 400, body: { error: (error as Error).message } };
      }
    }
    if (req.method === 'POST' && path === '/reset-stats') {
      stats.clear();
      arrivals.clear();
      allArrivals.clear();
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

  /** The operation a fault rule names, before the request is authenticated. */
  function operationGuess(vendor: VendorName, req: ReceivedRequest): string {
    if (vendor === 'tencent') return 'GetMemberList';
    if (vendor === 'agora') return routeAgora(req)?.operationId ?? 'unknown';
    if (vendor === 'aliyun') return routeAliyun(req).action;
    return routeVolcengine(req).action;
  }

  function faultReply(vendor: VendorName, req: ReceivedRequest, requestId: string, kind: 'error' | 'throttle'): Reply {
    if (vendor === 'volcengine') {
      const route = routeVolcengine(req);
      return kind === 'error'
        ? volcengineFail(route, requestId, 'InternalError', 'injected internal error')
        : volcengineFail(route, requestId, 'FlowLimitExceeded.QPSOverLimit', 'injected throttle', 429);
    }
    if (vendor === 'aliyun') {
      return kind === 'error'
        ? aliyunFail(requestId, 503, 'ServiceUnavailable', 'injected: service unavailable')
        : aliyunFail(requestId, 400, 'Throttling.User', 'injected throttle');
    }
    if (vendor === 'agora') return kind === 'error' ? agoraFail(requestId, 500, 'injected internal error') : agoraFail(requestId, 429, 'injected throttle');
    return kind === 'error' ? { status: 502, body: 'Bad Gateway' } : tencentFail(requestId, 60007, 'injected throttle');
  }

  function send(res: ServerResponse, reply: Reply, mangle?: 'malformed' | 'truncated') {
    let text = replyText(reply);
    if (mangle === 'malformed') text = `{"not json": ${text.slice(0, 20)}`;
    if (mangle === 'truncated') text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    res.writeHead(reply.status, {
      'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      // Dated on the emulator's own clock, as a vendor's gateway dates its answers: a client whose
      // signed time is refused measures its clock by this.
      date: new Date(now()).toUTCString(),
      ...reply.headers,
    });
    res.end(text);
  }

  const server = createServer(async (incoming, res) => {
    try {
      // The way there: the request reaches the vendor (and counts) only after it — at the moment
      // it was due, not when this process's timer got round to it: a vendor's clock does not lag
      // with our machine's load, and timers that fire late together would bunch arrivals the
      // clients never sent together.
      const receivedAt = now();
      const wayThereMs = oneWay();
      await travel(wayThereMs);
      const arrivedAt = receivedAt + wayThereMs;
      const req: ReceivedRequest = {
        method: incoming.method ?? 'GET',
        url: new URL(incoming.url ?? '/', 'http://emulator'),
        headers: Object.fromEntries(Object.entries(incoming.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
        body: await readBody(incoming),
      };
      if (req.url.pathname.startsWith('/__admin/')) return send(res, admin(req));
      const vendor = vendorOf(req);
      if (vendor === null) return send(res, { status: 404, body: { error: `no vendor operation at ${req.method} ${req.url.pathname}` } });
      const requestId = `emu-${(++requestCounter).toString(16).padStart(8, '0')}`;
      const fault = takeFault(operationGuess(vendor, req));
      if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 1000));
      if (fault?.kind === 'reset') return void incoming.socket.destroy();
      if (fault?.kind === 'error' || fault?.kind === 'throttle') return send(res, faultReply(vendor, req, requestId, fault.kind));
      const [operationId, reply] = await handlers[vendor](context, req, arrivedAt, requestId);
      if (reply.status === 200 && !(reply.body as { ActionStatus?: string }).ActionStatus?.startsWith('FAIL')) statsFor(operationId).served++;
      // The way back.
      await travel(oneWay());
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
  const running: RunningEmulator = {
    url: `http://${host}:${address.port}`,
    world,
    credentials,
    stats: () => Object.fromEntries(stats),
    setFaults,
    issueCredentials,
    rotateSecret,
    get callbacks() {
      return delivery;
    },
    setCallbacks,
    churn: (churnOptions, signal) => churn(world, churnOptions, now, signal),
    close: () =>
      new Promise<void>((resolve) => {
        stopChurns.abort();
        delivery?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return running;
}
