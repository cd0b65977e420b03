// `rollcall listen` as people run it (the built binary): callbacks posted over HTTP, signed here by
// node:crypto as each vendor signs them, answered as the vendor requires; one NDJSON line per roster
// change on stdout, nothing there for a duplicate or a forged callback (401, a line on stderr); two
// listeners sharing a roster through a real redis-server; usage errors in one line.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis, type TestRedis } from '@rollcall/test-support/redis';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '../dist/node/cli.js');
const SECRET = 'listen-secret-0b7d4e';
const children: ChildProcess[] = [];
let redis: TestRedis | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await redis?.stop();
});

interface Listener {
  url: string;
  lines(): Array<Record<string, unknown>>;
  stderr(): string;
  stop(): Promise<number>;
}

async function listen(args: string[], env: Record<string, string> = {}): Promise<Listener> {
  const child = spawn(process.execPath, [bin, 'listen', '--port', '0', ...args], { env: { ...process.env, ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  for (let waited = 0; !/listening .* at (\S+)/.test(stderr); waited += 20) {
    if (child.exitCode !== null || waited > 60_000) throw new Error(`listen did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: /listening .* at (\S+)/.exec(stderr)![1]!,
    lines: () =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stderr: () => stderr,
    async stop() {
      child.kill('SIGINT');
      const [code] = await once(child, 'close');
      return code as number;
    },
  };
}

/** Waits until `listener` has printed `count` lines (its output comes asynchronously). */
async function linesOf(listener: Listener, count: number) {
  for (let waited = 0; listener.lines().length < count && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  return listener.lines().map(({ change, room, user, by }) => ({ change, room, user, by }));
}

const agoraBody = (eventType: number, clientSeq: number, uid = 4_294_967_295) =>
  JSON.stringify({
    noticeId: `n-${clientSeq}`,
    productId: 1,
    eventType,
    notifyMs: Date.now(),
    payload: { channelName: 'live-1', uid, platform: 7, clientSeq, ts: Math.floor(Date.now() / 1000) },
  });
const postAgora = (url: string, body: string, secret = SECRET) =>
  fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'agora-signature-v2': createHmac('sha256', secret).update(body).digest('hex') },
  });

describe('rollcall listen', () => {
  it('Agora: each change one NDJSON line; a duplicate prints nothing; a forged callback is refused with 401 and printed only on stderr', async () => {
    const listener = await listen(['--vendor', 'agora', '--webhook-secret', SECRET]);
    const join = await postAgora(listener.url, agoraBody(105, 1_625_051_030_746));
    expect([join.status, await join.text()]).toEqual([200, '{}']);
    expect((await postAgora(listener.url, agoraBody(105, 1_625_051_030_746))).status).toBe(200);
    const forged = await postAgora(listener.url, agoraBody(106, 1_625_051_030_999), 'not-the-secret');
    expect(forged.status).toBe(401);
    expect((await postAgora(listener.url, agoraBody(106, 1_625_051_030_800))).status).toBe(200);
    expect(await linesOf(listener, 2)).toEqual([
      { change: 'joined', room: 'live-1', user: '4294967295', by: 'event' },
      { change: 'left', room: 'live-1', user: '4294967295', by: 'event' },
    ]);
    expect(await listener.stop()).toBe(0);
    expect(listener.lines()).toHaveLength(2);
    expect(listener.stderr()).toContain('refused a callback (bad-signature)');
    expect(listener.stderr()).not.toContain(SECRET);
  });

  it('Tencent: the token from ROLLCALL_WEBHOOK_SECRET, every member a callback moves, the reply Tencent requires', async () => {
    const listener = await listen(['--vendor', 'tencent', '--sdk-app-id', '1400704311'], { ROLLCALL_WEBHOOK_SECRET: SECRET });
    const time = Math.floor(Date.now() / 1000);
    const sign = createHash('sha256').update(`${SECRET}${time}`).digest('hex');
    const command = 'Live.CallbackAfterMemberStateChanged';
    const url = `${listener.url}?SdkAppid=1400704311&CallbackCommand=${command}&contenttype=json&RequestTime=${time}&Sign=${sign}`;
    const body = JSON.stringify({
      CallbackCommand: command,
      RoomId: 'live_1',
      EventType: 'Online',
      EventCause: 'Enter',
      MemberList: [{ Member_Account: 'jared' }, { Member_Account: 'tommy' }],
      EventTime: Date.now(),
    });
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect([response.status, await response.text()]).toEqual([200, '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}']);
    expect(await linesOf(listener, 2)).toEqual([
      { change: 'joined', room: 'live_1', user: 'jared', by: 'event' },
      { change: 'joined', room: 'live_1', user: 'tommy', by: 'event' },
    ]);
    // Another app's callback, signed right: refused.
    const other = await fetch(url.replace('SdkAppid=1400704311', 'SdkAppid=1400000001'), { method: 'POST', body });
    expect(other.status).toBe(401);
    expect(await listener.stop()).toBe(0);
  });

  it('Volcengine: a signed room event', async () => {
    const listener = await listen(['--vendor', 'volcengine', '--webhook-secret', SECRET]);
    const fields: Record<string, string> = {
      EventType: 'InvisibleUserJoinRoom',
      EventData: JSON.stringify({ RoomId: 'room_1', UserId: '9007199254740993', Timestamp: Date.now() }),
      EventTime: new Date().toISOString(),
      EventId: 'evt-1',
      AppId: '6523a7b1c0ffee0019e1d2c3',
      Version: '2020-12-01',
      Nonce: '4821',
    };
    const signed = [...Object.values(fields), SECRET]
      .map((v) => Buffer.from(v))
      .sort(Buffer.compare)
      .join('');
    const body = JSON.stringify({ ...fields, Signature: createHash('sha256').update(signed).digest('hex') });
    expect((await fetch(listener.url, { method: 'POST', body })).status).toBe(200);
    expect(await linesOf(listener, 1)).toEqual([{ change: 'joined', room: 'room_1', user: '9007199254740993', by: 'event' }]);
    expect(listener.lines()[0]).toMatchObject({ visibility: 'invisible' });
    expect(await listener.stop()).toBe(0);
  });

  it('--redis: two listeners behind one address share a roster; each prints the changes it made', async () => {
    redis = await startRedis();
    const [a, b] = [
      await listen(['--vendor', 'agora', '--webhook-secret', SECRET, '--redis', redis.url]),
      await listen(['--vendor', 'agora', '--webhook-secret', SECRET, '--redis', redis.url]),
    ];
    expect((await postAgora(a.url, agoraBody(105, 2_000_000_000_001, 7))).status).toBe(200);
    // The same join again at the other listener: a duplicate there too.
    expect((await postAgora(b.url, agoraBody(105, 2_000_000_000_001, 7))).status).toBe(200);
    expect((await postAgora(b.url, agoraBody(106, 2_000_000_000_002, 7))).status).toBe(200);
    expect(await linesOf(a, 1)).toEqual([{ change: 'joined', room: 'live-1', user: '7', by: 'event' }]);
    expect(await linesOf(b, 1)).toEqual([{ change: 'left', room: 'live-1', user: '7', by: 'event' }]);
    expect([await a.stop(), await b.stop()]).toEqual([0, 0]);
  });

  it('usage errors are one line and a hint, exit 2: no secret; Alibaba, whose callbacks sign nothing', async () => {
    for (const [args, message] of [
      [['--vendor', 'agora'], 'listen: pass --webhook-secret (or set ROLLCALL_WEBHOOK_SECRET)'],
      [['--vendor', 'aliyun', '--webhook-secret', 'x'], "listen: Alibaba's callbacks sign no event content"],
    ] as const) {
      const env = { ...process.env };
      delete env.ROLLCALL_WEBHOOK_SECRET;
      const child = spawn(process.execPath, [bin, 'listen', '--port', '0', ...args], { env });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const [code] = await once(child, 'close');
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(message), "Run 'rollcall listen --help' for usage."]);
    }
  });
});
