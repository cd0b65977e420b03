// Corporate proxies (issue 26, part 3): Node's transport goes through HTTPS_PROXY / HTTP_PROXY unless
// NO_PROXY names the host, or through the `proxy` option, by the proxy's CONNECT tunnel — against a
// real proxy server (the `proxy` package) in front of the emulator. A proxy that wants credentials,
// one that refuses and one that is not there give typed errors; the proxy's password never shows.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_APPS, DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '@rollcall/emulator';
import { ConfigurationError, ConnectionError } from '@rollcall/runtime';
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';
import { createProxy, type ProxyServer } from 'proxy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
const PROXY_PASSWORD = 'proxy-password-0000';

let emulator: RunningEmulator;
/** A proxy, counting the tunnels it opened and to where. */
interface RunningProxy {
  url: string;
  tunnels: string[];
  server: ProxyServer | Server;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startProxy(authenticate?: (req: IncomingMessage) => boolean): Promise<RunningProxy> {
  const server = createProxy(createServer());
  if (authenticate) server.authenticate = authenticate;
  const tunnels: string[] = [];
  server.on('connect', (req: IncomingMessage) => tunnels.push(req.url ?? ''));
  const host = await listen(server);
  return {
    url: `http://${host}`,
    tunnels,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let open: RunningProxy;
let guarded: RunningProxy;
let refusing: RunningProxy;
beforeAll(async () => {
  emulator = await startEmulator({ qps: 'off' });
  emulator.world.join('volcengine-rtc', 'proxy-room', { userId: 'u1', joinedAt: 0 });
  open = await startProxy();
  const expected = `Basic ${Buffer.from(`corp-user:${PROXY_PASSWORD}`).toString('base64')}`;
  guarded = await startProxy((req) => req.headers['proxy-authorization'] === expected);
  // A proxy whose policy forbids the destination: it answers CONNECT with 403.
  const forbidding = createServer();
  forbidding.on('connect', (req: IncomingMessage, socket) => {
    refusing.tunnels.push(req.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  });
  refusing = {
    url: `http://${await listen(forbidding)}`,
    tunnels: [],
    server: forbidding,
    close: () => new Promise<void>((resolve) => forbidding.close(() => resolve())),
  };
});
afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close(), refusing?.close(), emulator?.close()]);
});

const ENV_NAMES = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];
const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of ENV_NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const client = (options: object = {}) =>
  createVolcengineRtcClient({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url, retry: { maxAttempts: 3, baseDelayMs: 1 }, ...options });
const ask = (options: object = {}) => client(options).getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'proxy-room' });
const emulatorHost = () => new URL(emulator.url).host;

describe('the environment', () => {
  it('HTTP_PROXY (an http endpoint): through the proxy’s tunnel, the answer exact', async () => {
    process.env.HTTP_PROXY = open.url;
    const before = open.tunnels.length;
    const answer = await ask();
    expect(answer.VisibleUserList).toEqual(['u1']);
    expect(open.tunnels.slice(before)).toEqual([emulatorHost()]);
    // Kept alive: the next call rides the same tunnel.
    await ask();
    expect(open.tunnels.length - before).toBe(1);
  });

  it('the lower-case name too; NO_PROXY naming the host goes direct', async () => {
    process.env.http_proxy = open.url;
    process.env.NO_PROXY = '127.0.0.1';
    const before = open.tunnels.length;
    expect((await ask()).VisibleUserList).toEqual(['u1']);
    expect(open.tunnels.length).toBe(before);
  });

  it('proxy: false goes direct whatever the environment says', async () => {
    process.env.HTTP_PROXY = refusing.url;
    const before = refusing.tunnels.length;
    expect((await ask({ proxy: false })).VisibleUserList).toEqual(['u1']);
    expect(refusing.tunnels.length).toBe(before);
  });
});

describe('the proxy option', () => {
  it('with the proxy’s credentials in its URL: through it, answered', async () => {
    const before = guarded.tunnels.length;
    const proxy = guarded.url.replace('http://', `http://corp-user:${PROXY_PASSWORD}@`);
    expect((await ask({ proxy })).VisibleUserList).toEqual(['u1']);
    expect(guarded.tunnels.length - before).toBe(1);
  });

  it('a wrong password: a ConnectionError PROXY_407 at once (not retried), the password nowhere in it', async () => {
    const before = guarded.tunnels.length;
    const proxy = guarded.url.replace('http://', 'http://corp-user:wrong-password-1111@');
    const error = await ask({ proxy }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'PROXY_407', retryable: false, vendor: 'volcengine', operation: 'GetRoomOnlineUsers' });
    expect((error as Error).message).toBe(
      `volcengine GetRoomOnlineUsers: connection failed (PROXY_407) at ${emulator.url} through the proxy ${new URL(guarded.url).host}`,
    );
    expect(guarded.tunnels.length - before).toBe(1);
    const seen = `${JSON.stringify(error)} ${String(error)} ${String((error as Error).cause)} ${(error as Error).stack}`;
    expect(seen).not.toContain('wrong-password-1111');
  });

  it('a proxy that forbids the destination: PROXY_403, not retried', async () => {
    const before = refusing.tunnels.length;
    const error = await ask({ proxy: refusing.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'PROXY_403', retryable: false });
    expect(refusing.tunnels.length - before).toBe(1);
  });

  it('a proxy that is not there: ECONNREFUSED naming it (not its password), retried as a refusal is', async () => {
    const closed = createServer();
    const host = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await ask({ proxy: `http://corp-user:${PROXY_PASSWORD}@${host}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
    expect((error as Error).message).toBe(`volcengine GetRoomOnlineUsers: connection failed (ECONNREFUSED) at ${emulator.url} through the proxy ${host}`);
    expect(`${JSON.stringify(error)} ${(error as Error).stack}`).not.toContain(PROXY_PASSWORD);
  });

  it('refuses what it cannot use before any call, without quoting it', () => {
    expect(() => client({ proxy: `socks5://corp-user:${PROXY_PASSWORD}@proxy:1080` })).toThrow(
      new ConfigurationError('volcengine: proxy must be an http:// or https:// URL'),
    );
    expect(() => client({ proxy: open.url, fetch: globalThis.fetch })).toThrow(ConfigurationError);
  });
});

describe('an https vendor through the tunnel: TLS is end to end, the proxy sees only bytes', () => {
  let tls: HttpsServer;
  let base: string;
  beforeAll(async () => {
    const dir = path.join(root, 'tests/faults/tls');
    tls = createHttpsServer({ cert: readFileSync(path.join(dir, 'self-signed.crt')), key: readFileSync(path.join(dir, 'self-signed.key')) }, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          ResponseMetadata: { RequestId: 'tls-1', Action: 'GetRoomOnlineUsers', Version: '2023-11-01', Service: 'rtc', Region: 'cn-north-1' },
          Result: { RoomExists: true, TotalUser: 1, TotalInvisibleUser: 0, VisibleUserList: ['through-the-tunnel'], InvisibleUserList: [] },
        }),
      );
    });
    base = `https://${await listen(tls as unknown as Server)}`;
  });
  afterAll(() => new Promise<void>((resolve) => tls.close(() => resolve())));

  it('a certificate this process does not trust fails as it would directly: final, through the proxy', async () => {
    const before = open.tunnels.length;
    const error = await ask({ endpoint: base, proxy: open.url }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', retryable: false });
    expect(open.tunnels.length - before).toBe(1);
  });

  it('a trusted one (in a process that trusts it): answered through HTTPS_PROXY', async () => {
    const before = open.tunnels.length;
    const { stdout } = await run(process.execPath, [path.join(root, 'tests/proxy/proxied-call.mjs'), base], {
      cwd: root,
      env: { ...process.env, HTTPS_PROXY: open.url, NODE_EXTRA_CA_CERTS: path.join(root, 'tests/faults/tls/self-signed.crt') },
    });
    expect(JSON.parse(stdout)).toEqual({ users: ['through-the-tunnel'] });
    expect(open.tunnels.slice(before)).toEqual([new URL(base).host]);
  });
});
