// `pnpm test:faults`: every fault of the hostile server × every vendor operation × both transports
// (node:http, and the `fetch` option), each with its exact outcome: the right answer compared id by
// id, or the exact error class. Then presence-core over the faults it handles itself, the CLI over a
// gateway that echoes requests, and a sweep of everything printed for every secret that was sent.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  ClockSkewError,
  ConnectionError,
  createVolcengineRtcClient,
  ResponseTooLargeError,
  ResponseValidationError,
  ThrottledError,
  TimeoutError,
  VendorApiError,
} from '@rollcall/volcengine-rtc';
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
import { createTencentLiveClient } from '@rollcall/tencent-live';
import { createAgoraRtcClient } from '@rollcall/agora-rtc';
import { ContradictoryResponseError, createPresence, LimiterRegistry, type PresenceHooks } from '@rollcall/presence-core';
import { aliyun } from '@rollcall/presence-core/aliyun';
import { tencent } from '@rollcall/presence-core/tencent';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { DEFAULT_APPS, DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '@rollcall/emulator';
import { printedForms } from '@rollcall/test-support';
import { root } from '@rollcall/test-support/tarballs';
import { FAULTS, HOSTILE_CLOCK_AHEAD_MS, startHostileServer, type Fault, type VendorOperation } from './hostile-server.js';

const run = promisify(execFile);

// Credentials whose every byte must stay out of anything printed.
const volcCredentials = { accessKeyId: 'AKLT-fault-suite', secretAccessKey: 'volc-secret-key-0123456789', sessionToken: 'volc-sts-session-token-abcdef' };
const aliyunCredentials = { accessKeyId: 'LTAI-fault-suite', accessKeySecret: 'aliyun-secret-0123456789', securityToken: 'aliyun-sts-security-token-abcdef' };
const tencentCredentials = { sdkAppId: 1400000001, identifier: 'administrator', secretKey: 'tencent-secret-key-0123456789abcdef' };

const TIMEOUT_MS = 400;
const MAX_RESPONSE_BYTES = 256 * 1024;

type Outcome = { ok: true; ids: string[] } | { ok: false; error: unknown };

let server: Awaited<ReturnType<typeof startHostileServer>>;
const printed: string[] = [];
const table: string[] = [];

beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(async () => {
  await server?.close();
  if (table.length) console.log(['| fault | vendor operation | transport | outcome |', '| --- | --- | --- | --- |', ...table].join('\n'));
});

const transports = {
  'node:http': {},
  fetch: { fetch: (request: Request) => globalThis.fetch(request) },
} as const;
type TransportName = keyof typeof transports;

function call(operation: VendorOperation, fault: Fault, transport: TransportName): Promise<string[]> {
  const common = { endpoint: server.endpoint(fault), timeoutMs: TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES, ...transports[transport] };
  switch (operation) {
    case 'volcengine:QueryLiveParticipantStatus':
      return createVolcengineRtcClient({ credentials: volcCredentials, ...common })
        .queryLiveParticipantStatus({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [10, 11, 12] })
        .then((r) => r.Status.filter((s) => s.IsInConversation).map((s) => String(s.ParticipantUserId)));
    case 'volcengine:BatchGetConversationParticipant':
      return createVolcengineRtcClient({ credentials: volcCredentials, ...common })
        .batchGetConversationParticipant({ AppId: 1, ConversationShortId: 7, ParticipantUserIds: [10, 11, 12] })
        .then((r) => r.Participants.map((p) => String(p.ParticipantUserId)));
    case 'volcengine:GetRoomOnlineUsers':
      return createVolcengineRtcClient({ credentials: volcCredentials, ...common })
        .getRoomOnlineUsers({ AppId: 'rtc-app', RoomId: 'room1' })
        .then((r) => [...(r.VisibleUserList ?? []), ...(r.InvisibleUserList ?? [])]);
    case 'aliyun:BatchGetOnlineUsers':
      return createAliyunLiveClient({ credentials: aliyunCredentials, ...common })
        .batchGetOnlineUsers({ AppId: 'app', GroupId: 'group', UserIds: ['u10', 'u11', 'u12'] })
        .then((r) => r.OnlineUsers.filter((u) => u.Online).map((u) => u.UserId));
    case 'tencent:GetMemberList':
      return createTencentLiveClient({ credentials: tencentCredentials, ...common })
        .getMemberList({ RoomId: 'room1', Next: '' })
        .then((r) => r.MemberList.map((m) => m.Member_Account));
  }
}

const RIGHT_ANSWER: Record<VendorOperation, string[]> = {
  'volcengine:QueryLiveParticipantStatus': ['10', '12'],
  'volcengine:BatchGetConversationParticipant': ['10', '12'],
  'volcengine:GetRoomOnlineUsers': ['v1', 'v2', 'i1'],
  'aliyun:BatchGetOnlineUsers': ['u10', 'u12'],
  'tencent:GetMemberList': ['m1', 'm2'],
};

/** What a plain client must end in, per fault: the right answer, or exactly this error class. */
function expected(fault: Fault, operation: VendorOperation): { answer: string[] } | { error: Function; also?: (error: any, requestsMade: number) => void } {
  switch (fault) {
    case 'ok':
      return { answer: RIGHT_ANSWER[operation] };
    case 'http-500':
      return { error: VendorApiError, also: (e) => expect(e.retryable).toBe(true) };
    case 'html-gateway-echo':
      return {
        error: VendorApiError,
        also: (e) => {
          expect(e.httpStatus).toBe(502);
          expect(e.body).toContain('502 Bad Gateway');
          expect(e.body).toContain('REDACTED');
        },
      };
    case 'malformed-json':
    case 'truncated-json':
    case 'empty-200':
    case 'wrong-type-error-code':
      return { error: ResponseValidationError };
    case 'body-error-auth':
      return { error: AuthError };
    case 'throttled-retry-after-long':
      return { error: ThrottledError, also: (e) => expect(e.retryAfterMs).toBe(3_600_000) };
    case 'throttled-retry-after-date':
      // An hour from now, to the header's second: beyond maxDelayMs, so not waited for either.
      return {
        error: ThrottledError,
        also: (e) => {
          expect(e.retryAfterMs).toBeGreaterThan(3_590_000);
          expect(e.retryAfterMs).toBeLessThanOrEqual(3_600_000);
        },
      };
    case 'throttled-retry-after-hex':
      // Not a delay: ignored, and the normal backoff applied (the call was tried again).
      return {
        error: ThrottledError,
        also: (e, requestsMade) => {
          expect(e.retryAfterMs).toBeUndefined();
          expect(requestsMade).toBe(3);
        },
      };
    case 'never-ending-body':
      return { error: ResponseTooLargeError, also: (e) => expect(e.limitBytes).toBe(MAX_RESPONSE_BYTES) };
    case 'no-answer':
    case 'trickle':
      return { error: TimeoutError, also: (e) => expect(e.timeoutMs).toBe(TIMEOUT_MS) };
    case 'reset-mid-body':
    case 'huge-headers':
      return { error: ConnectionError, also: (e) => expect(e).not.toBeInstanceOf(TimeoutError) };
    case 'duplicate-contradicting':
      // Raw clients return what the vendor listed; presence-core judges duplicates (below).
      throw new Error('judged by presence-core');
    case 'redirect-301':
    case 'redirect-302':
    case 'redirect-307':
    case 'redirect-308':
      return {
        error: VendorApiError,
        also: (e) => {
          const status = Number(fault.slice('redirect-'.length));
          expect(e).toMatchObject({ httpStatus: status, code: `HTTP_${status}`, retryable: false });
          expect(e.message).toContain(`redirected to ${server.thiefOrigin}, not followed`);
          // Nothing reached the other origin: no request, so no credential.
          expect(server.stolen).toEqual([]);
        },
      };
    case 'bom-prefixed':
    case 'gzip':
    case 'deflate':
    case 'brotli':
      return { answer: RIGHT_ANSWER[operation] };
    case 'gzip-bomb':
      // The cap counts decoded bytes: reading stops there, not at 1 GiB.
      return { error: ResponseTooLargeError, also: (e) => expect(e.limitBytes).toBe(MAX_RESPONSE_BYTES) };
    case 'clock-refused-undated':
      // Nothing to measure the clock by: named at once, with the vendor's code.
      return { error: ClockSkewError, also: (e) => expect(e).toMatchObject({ clockOffsetMs: undefined, retryable: false, requestId: 'req-hostile' }) };
    case 'clock-refused-always':
      // Signed again once on the clock the answer gave, refused again: the measured difference named.
      return {
        error: ClockSkewError,
        also: (e) => {
          expect(Math.abs(e.clockOffsetMs - HOSTILE_CLOCK_AHEAD_MS)).toBeLessThan(5_000);
          expect(e.message).toContain("this machine's clock is 1 h 0 min behind");
        },
      };
  }
}

const OPERATIONS: VendorOperation[] = [
  'volcengine:QueryLiveParticipantStatus',
  'volcengine:BatchGetConversationParticipant',
  'volcengine:GetRoomOnlineUsers',
  'aliyun:BatchGetOnlineUsers',
  'tencent:GetMemberList',
];
const CASES = FAULTS.filter((f) => f !== 'duplicate-contradicting').flatMap((fault) =>
  OPERATIONS.flatMap((operation) => (Object.keys(transports) as TransportName[]).map((transport) => ({ fault, operation, transport }))),
);

describe('every fault × every operation × both transports, through the plain clients', () => {
  it.each(CASES)('$fault | $operation | $transport', async ({ fault, operation, transport }) => {
    const before = server.seen.length;
    const outcome: Outcome = await call(operation, fault, transport).then(
      (ids) => ({ ok: true, ids }),
      (error: unknown) => ({ ok: false, error }),
    );
    const want = expected(fault, operation);
    const described = outcome.ok ? `answer ${outcome.ids.join(',')}` : (outcome.error as Error).name;
    table.push(`| ${fault} | ${operation} | ${transport} | ${described} |`);
    if (!outcome.ok) printed.push(printedForms(outcome.error), String((outcome.error as { body?: unknown }).body ?? ''));
    if ('answer' in want) {
      expect(outcome).toEqual({ ok: true, ids: want.answer });
    } else {
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: unknown }).error;
      expect(error).toBeInstanceOf(want.error);
      want.also?.(error, server.seen.length - before);
    }
  });
});

describe('a redirect is never followed, for every vendor and every kind of credential, on both transports', () => {
  // Any request: a 302 to the other origin, with the whole request URL (its signed query too).
  let redirector: Server;
  let base = '';
  beforeAll(async () => {
    redirector = createServer((req, res) => {
      req.resume();
      res.writeHead(302, { location: `${server.thiefOrigin}${req.url}` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(redirector.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    redirector.closeAllConnections();
    await new Promise<void>((resolve) => redirector.close(() => resolve()));
  });

  const clients = {
    'Volcengine, X-Security-Token (STS)': (options: object) =>
      createVolcengineRtcClient({ credentials: volcCredentials, ...options }).getRoomOnlineUsers({ AppId: 'app', RoomId: 'room' }),
    'Alibaba V3, x-acs-security-token (STS)': (options: object) =>
      createAliyunLiveClient({ credentials: aliyunCredentials, ...options }).batchGetOnlineUsers({ AppId: 'app', GroupId: 'g', UserIds: ['u1'] }),
    'Alibaba V1, Signature and SecurityToken in the query': (options: object) =>
      createAliyunLiveClient({ credentials: aliyunCredentials, signatureVersion: 'v1', ...options }).batchGetOnlineUsers({
        AppId: 'app',
        GroupId: 'g',
        UserIds: ['u1'],
      }),
    'Tencent, usersig in the query': (options: object) =>
      createTencentLiveClient({ credentials: tencentCredentials, ...options }).getMemberList({ RoomId: 'room', Next: '' }),
    'Agora, Basic Authorization': (options: object) =>
      createAgoraRtcClient({ credentials: { customerId: 'agora-customer-id', customerSecret: 'agora-customer-secret-0123' }, ...options }).queryUserStatus({
        appid: 'app',
        uid: 1,
        channelName: 'c',
      }),
  };
  const cases = Object.keys(clients).flatMap((client) => (Object.keys(transports) as TransportName[]).map((transport) => ({ client, transport })));
  it.each(cases)('$client | $transport', async ({ client, transport }) => {
    const error = await clients[client as keyof typeof clients]({ endpoint: base, retry: false, ...transports[transport] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    printed.push(printedForms(error));
    expect(error).toBeInstanceOf(VendorApiError);
    expect(error).toMatchObject({ httpStatus: 302, code: 'HTTP_302', retryable: false });
    expect((error as Error).message).toContain(`redirected to ${server.thiefOrigin}, not followed: the request carries credentials signed for ${base}`);
    expect(server.stolen).toEqual([]);
  });
});

/**
 * An HTTPS server presenting tests/faults/tls/<name>.crt, answering `{}`; `connections` counts the
 * connections accepted (one per attempt: accepted before the certificate reaches the client).
 */
async function startTlsServer(name: string) {
  const dir = path.join(root, 'tests/faults/tls');
  const server: HttpsServer = createHttpsServer(
    { cert: readFileSync(path.join(dir, `${name}.crt`)), key: readFileSync(path.join(dir, `${name}.key`)) },
    (_req, res) => res.end('{}'),
  );
  const entry = {
    base: '',
    connections: 0,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', () => entry.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  entry.base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  return entry;
}

describe('a certificate that fails verification is not retried: a ConnectionError with the TLS code, at once', () => {
  let tls: Awaited<ReturnType<typeof startTlsServer>>;
  beforeAll(async () => {
    tls = await startTlsServer('self-signed');
  });
  afterAll(() => tls.close());

  const calls = {
    volcengine: (options: object) =>
      createVolcengineRtcClient({ credentials: volcCredentials, ...options }).getRoomOnlineUsers({ AppId: 'app', RoomId: 'room' }),
    aliyun: (options: object) =>
      createAliyunLiveClient({ credentials: aliyunCredentials, ...options }).batchGetOnlineUsers({ AppId: 'app', GroupId: 'g', UserIds: ['u1'] }),
    tencent: (options: object) => createTencentLiveClient({ credentials: tencentCredentials, ...options }).getMemberList({ RoomId: 'room', Next: '' }),
  };
  const cases = Object.keys(calls).flatMap((vendor) => (Object.keys(transports) as TransportName[]).map((transport) => ({ vendor, transport })));
  it.each(cases)('self-signed | $vendor | $transport', async ({ vendor, transport }) => {
    const base = tls.base;
    const before = tls.connections;
    // Three attempts allowed: only one may be made.
    const error = await calls[vendor as keyof typeof calls]({ endpoint: base, retry: { maxAttempts: 3, baseDelayMs: 1 }, ...transports[transport] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', retryable: false });
    expect((error as Error).message).toContain(`connection failed (DEPTH_ZERO_SELF_SIGNED_CERT) at ${base}`);
    expect(tls.connections - before).toBe(1);
  });
});

describe('a certificate from a trusted issuer that is expired, or for another name: not retried either', () => {
  // Issued by tests/faults/tls/test-ca.crt, trusted only in the child process that calls.
  const certificates = { expired: 'CERT_HAS_EXPIRED', 'wrong-name': 'ERR_TLS_CERT_ALTNAME_INVALID' } as const;
  const servers: Record<string, Awaited<ReturnType<typeof startTlsServer>>> = {};
  beforeAll(async () => {
    for (const name of Object.keys(certificates)) servers[name] = await startTlsServer(name);
  });
  afterAll(async () => {
    for (const server of Object.values(servers)) await server.close();
  });

  const cases = (Object.keys(certificates) as Array<keyof typeof certificates>).flatMap((certificate) =>
    ['volcengine', 'aliyun', 'tencent'].flatMap((vendor) =>
      (Object.keys(transports) as TransportName[]).map((transport) => ({ certificate, vendor, transport })),
    ),
  );
  it.each(cases)('$certificate | $vendor | $transport', async ({ certificate, vendor, transport }) => {
    const entry = servers[certificate]!;
    const before = entry.connections;
    const { stdout } = await run(process.execPath, [path.join(root, 'tests/faults/tls-call.mjs'), entry.base, transport, vendor], {
      cwd: root,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(root, 'tests/faults/tls/test-ca.crt') },
    });
    const outcome = JSON.parse(stdout) as { name: string; code: string; retryable: boolean; message: string };
    expect(outcome).toMatchObject({ name: 'ConnectionError', code: certificates[certificate], retryable: false });
    expect(outcome.message).toContain(`connection failed (${certificates[certificate]}) at ${entry.base}`);
    expect(entry.connections - before).toBe(1);
  });
});

describe('a clock 20 minutes off, for every vendor that signs a time, on both transports (the emulator checks each signature)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ qps: 'off' });
    emulator.world.join('tencent', 'clock-room', { userId: 'member-1', joinedAt: 0 });
  });
  afterAll(() => emulator?.close());

  const MINUTE = 60_000;
  /** One client per case, as an app keeps it (the correction made on its first call serves the next), and its call. */
  const clients = {
    'Volcengine RTC, X-Date': (options: object) => {
      const client = createVolcengineRtcClient({ credentials: DEMO_CREDENTIALS.volcengine, ...options });
      return () => client.getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'clock-room' });
    },
    'Alibaba V3, x-acs-date': (options: object) => {
      const client = createAliyunLiveClient({ credentials: DEMO_CREDENTIALS.aliyun, ...options });
      return () => client.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g', UserIds: ['u1'] });
    },
    'Alibaba V1, Timestamp': (options: object) => {
      const client = createAliyunLiveClient({ credentials: DEMO_CREDENTIALS.aliyun, signatureVersion: 'v1', ...options });
      return () => client.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g', UserIds: ['u1'] });
    },
    // A UserSig valid for 10 minutes: on a clock 20 minutes behind it is issued expired (70001).
    'Tencent, a 10-minute UserSig': (options: object) => {
      const client = createTencentLiveClient({ credentials: { ...DEMO_CREDENTIALS.tencent, userSigTtlSeconds: 600 }, ...options });
      return () => client.getMemberList({ RoomId: 'clock-room', Next: '' });
    },
  };
  const cases = Object.keys(clients).flatMap((vendor) =>
    (['ahead', 'behind'] as const).flatMap((direction) => (Object.keys(transports) as TransportName[]).map((transport) => ({ vendor, direction, transport }))),
  );
  it.each(cases)('$vendor | 20 minutes $direction | $transport', async ({ vendor, direction, transport }) => {
    const localAheadMs = (direction === 'ahead' ? 1 : -1) * 20 * MINUTE;
    const call = clients[vendor as keyof typeof clients]({ endpoint: emulator.url, now: () => new Date(Date.now() + localAheadMs), ...transports[transport] });
    const before = totals(emulator.stats());
    const first = await call();
    const second = await call();
    // Tencent checks a UserSig's expiry only (as tls-sig-api-v2's verifier does): one issued on a
    // clock ahead is accepted as it is, and there is nothing to correct.
    const refused = vendor.startsWith('Tencent') && direction === 'ahead' ? 0 : 1;
    expect(first.$metadata.attempts).toBe(1 + refused);
    expect(second.$metadata.attempts).toBe(1);
    // At the emulator: the refused request, then every later one verified and served.
    const after = totals(emulator.stats());
    expect({ rejected: after.rejected - before.rejected, served: after.served - before.served }).toEqual({ rejected: refused, served: 2 });
  });

  function totals(stats: Record<string, { served: number; rejected: number }>) {
    const all = Object.values(stats);
    return { served: all.reduce((n, s) => n + s.served, 0), rejected: all.reduce((n, s) => n + s.rejected, 0) };
  }
});

// The bound differs by transport because fetch's own inflater is not ours: undici alone, read to
// 16 MiB and every chunk dropped, grows the peak RSS by 43–44 MB (a probe that kept nothing, three
// runs), so over fetch the figure is undici's plus our 16 MiB (38–51 MB measured). On node:http, where
// the decoder is ours, it is the cap and a little (16.2–16.4 MB). Either way the GiB never arrives.
const BOMB_GROWTH_LIMIT_MB: Record<TransportName, number> = { 'node:http': 50, fetch: 100 };
describe('a decompression bomb stops at the cap with bounded memory', () => {
  it.each(Object.keys(transports) as TransportName[])('1 GiB of zeros behind 1 MB of gzip, the default 16 MiB cap | %s', async (transport) => {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', path.join(root, 'tests/faults/bomb-memory.mjs'), server.endpoint('gzip-bomb'), transport, server.endpoint('gzip')],
      {
        cwd: root,
      },
    );
    const outcome = JSON.parse(stdout) as { error: string; limitBytes: number; growthMb: number };
    expect(outcome).toMatchObject({ error: 'ResponseTooLargeError', limitBytes: 16 * 1024 * 1024 });
    expect(outcome.growthMb).toBeLessThan(BOMB_GROWTH_LIMIT_MB[transport]);
  });
});

describe('presence-core over the faults it judges', () => {
  const hooksSeen: unknown[] = [];
  const hooks: PresenceHooks = { onRequest: (e) => hooksSeen.push(e), onRetry: (e) => hooksSeen.push(e), onThrottle: (e) => hooksSeen.push(e) };
  const options = (fault: Fault) => ({ endpoint: server.endpoint(fault), timeoutMs: TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES });
  const presenceOptions = () => ({ hooks, limiters: new LimiterRegistry(), retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 50 } });

  afterAll(() => {
    printed.push(JSON.stringify(hooksSeen, (_k, v) => (v instanceof Error ? printedForms(v) : v)));
  });

  it('a user listed twice with different answers is a ContradictoryResponseError (Volcengine, Alibaba)', async () => {
    const volc = createPresence(volcengine({ credentials: volcCredentials, ...options('duplicate-contradicting'), imAppId: 1 }), presenceOptions());
    const ali = createPresence(aliyun({ credentials: aliyunCredentials, ...options('duplicate-contradicting'), appId: 'app' }), presenceOptions());
    const [v, a] = await Promise.all([volc.status('7', ['10', '11'], { failures: 'report' }), ali.status('group', ['u10', 'u11'], { failures: 'report' })]);
    expect(v.map((e) => [e.userId, e.ok])).toEqual([
      ['10', false],
      ['11', true],
    ]);
    expect(a.map((e) => [e.userId, e.ok])).toEqual([
      ['u10', false],
      ['u11', true],
    ]);
    for (const entry of [v[0]!, a[0]!]) expect(!entry.ok && entry.error).toBeInstanceOf(ContradictoryResponseError);
  });

  it('a member listed twice is delivered once, and counted (Volcengine, Tencent)', async () => {
    const volc = createPresence(volcengine({ credentials: volcCredentials, ...options('duplicate-contradicting'), rtcAppId: 'rtc' }), presenceOptions());
    const im = createPresence(tencent({ credentials: tencentCredentials, ...options('duplicate-contradicting') }), presenceOptions());
    const [v, t] = await Promise.all([volc.roster('room1'), im.roster('room1')]);
    expect(v.members.map((m) => m.userId)).toEqual(['v1', 'v2', 'i1']);
    expect(v.duplicates).toBe(1);
    expect(t.members.map((m) => m.userId)).toEqual(['m1', 'm2']);
    expect(t.duplicates).toBe(1);
  });

  it('a Retry-After longer than the call allows fails at once, on every vendor', async () => {
    const before = server.seen.length;
    const results = await Promise.all([
      createPresence(volcengine({ credentials: volcCredentials, ...options('throttled-retry-after-long'), imAppId: 1 }), presenceOptions())
        .status('7', ['10'])
        .catch((e: unknown) => e),
      createPresence(aliyun({ credentials: aliyunCredentials, ...options('throttled-retry-after-long'), appId: 'app' }), presenceOptions())
        .status('g', ['u1'])
        .catch((e: unknown) => e),
      createPresence(tencent({ credentials: tencentCredentials, ...options('throttled-retry-after-long') }), presenceOptions())
        .roster('r')
        .then(null, (e: unknown) => e),
    ]);
    for (const error of results) expect(error).toBeInstanceOf(ThrottledError);
    expect(server.seen.length - before).toBe(3);
  });

  it('retryable failures are retried, then reported with the typed error', async () => {
    const before = server.seen.length;
    const error = await createPresence(volcengine({ credentials: volcCredentials, ...options('http-500'), imAppId: 1 }), presenceOptions())
      .status('7', ['10'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorApiError);
    expect(server.seen.length - before).toBe(2);
  });
});

describe('the CLI over a gateway that echoes every request', () => {
  const cli = path.join(root, 'packages/cli/dist/node/cli.js');
  const invocations: Array<{ vendor: string; args: string[]; env: Record<string, string> }> = [
    {
      vendor: 'volcengine',
      args: ['status', '--vendor', 'volcengine', '--room', '7', '--users', '10,11', '--im-app-id', '1'],
      env: { VOLC_ACCESSKEY: volcCredentials.accessKeyId, VOLC_SECRETKEY: volcCredentials.secretAccessKey, VOLC_SESSION_TOKEN: volcCredentials.sessionToken },
    },
    {
      vendor: 'aliyun',
      args: ['status', '--vendor', 'aliyun', '--room', 'group', '--users', 'u1', '--app-id', 'app'],
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: aliyunCredentials.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: aliyunCredentials.accessKeySecret,
        ALIBABA_CLOUD_SECURITY_TOKEN: aliyunCredentials.securityToken,
      },
    },
    {
      vendor: 'tencent',
      args: ['roster', '--vendor', 'tencent', '--room', 'room1'],
      env: {
        TENCENT_IM_SDKAPPID: String(tencentCredentials.sdkAppId),
        TENCENT_IM_IDENTIFIER: tencentCredentials.identifier,
        TENCENT_IM_SECRET_KEY: tencentCredentials.secretKey,
      },
    },
  ];
  it.each(invocations)('$vendor: fails with the gateway error, nothing secret on stderr', async ({ args, env }) => {
    const result = await run(process.execPath, [cli, ...args, '--endpoint', server.endpoint('html-gateway-echo')], { env: { ...process.env, ...env } }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string; stdout: string }) => ({ code: error.code, stderr: `${error.stderr}${error.stdout}` }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('HTTP_502');
    printed.push(result.stderr);
  });
});

describe('secrets sweep', () => {
  it('no credential and no value derived from one appears in anything printed', () => {
    // Everything the requests carried that is a secret: signatures, Authorization headers, security
    // tokens, UserSigs (as sent and percent-encoded), and the secret keys themselves.
    const secrets = new Set<string>([
      volcCredentials.secretAccessKey,
      volcCredentials.sessionToken,
      aliyunCredentials.accessKeySecret,
      aliyunCredentials.securityToken,
      tencentCredentials.secretKey,
    ]);
    for (const request of server.seen) {
      const url = new URL(request.url);
      for (const name of ['usersig', 'Signature']) {
        const value = url.searchParams.get(name);
        if (value) secrets.add(value);
      }
      const authorization = request.headers.authorization;
      if (authorization) {
        secrets.add(authorization);
        secrets.add(authorization.split('Signature=')[1]!);
      }
    }
    expect(server.seen.length).toBeGreaterThan(CASES.length);
    expect(printed.length).toBeGreaterThan(100);
    const everything = printed.join('\n');
    const leaks = [...secrets].flatMap((secret) => [secret, encodeURIComponent(secret)]).filter((form) => everything.includes(form));
    expect(leaks).toEqual([]);
  });
});
