// The rollcall CLI end to end, from source, against an emulator it started itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPS, DEMO_CREDENTIALS, worldIds } from '@rollcall/emulator';

// The emulator's generated world (--rooms 2 --members 1500) has real-shaped ids: 19-digit live
// groups, user ids on both sides of 2^53, Agora uids above 2^31.
const [group1, group2] = [worldIds.volcengineGroup(1), worldIds.volcengineGroup(2)];
const [u0, u1, u2] = worldIds.users(3);
const stranger = '1847260331999999999';
const uid = (i: number) => worldIds.agoraUid(i);
import { runProcess, type Finished } from '@rollcall/test-support';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '../src/cli.ts');
// Run the sources (not a possibly stale dist) of the CLI and the packages it uses.
const baseEnv = { ...process.env, TSX_TSCONFIG_PATH: path.join(here, '../tsconfig.json'), FORCE_COLOR: '0' };

function rollcall(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return runProcess(process.execPath, ['--import', 'tsx', cli, ...args], { env: { ...baseEnv, ...env } });
}

let emulator: ChildProcess;
let url: string;
let workDir: string;

const volcEnv = () => ({
  VOLC_ACCESSKEY: DEMO_CREDENTIALS.volcengine.accessKeyId,
  VOLC_SECRETKEY: DEMO_CREDENTIALS.volcengine.secretAccessKey,
  VOLC_IM_APP_ID: String(DEFAULT_APPS.volcengineImAppId),
  VOLC_RTC_APP_ID: DEFAULT_APPS.volcengineRtcAppId,
});
const aliyunEnv = () => ({
  ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.aliyun.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.aliyun.accessKeySecret,
  ALIBABA_CLOUD_LIVE_APP_ID: DEFAULT_APPS.aliyunAppId,
});
const tencentEnv = () => ({
  TENCENT_IM_SDKAPPID: String(DEMO_CREDENTIALS.tencent.sdkAppId),
  TENCENT_IM_IDENTIFIER: DEMO_CREDENTIALS.tencent.identifier,
  TENCENT_IM_SECRET_KEY: DEMO_CREDENTIALS.tencent.secretKey,
});

const agoraEnv = () => ({
  AGORA_CUSTOMER_ID: DEMO_CREDENTIALS.agora.customerId,
  AGORA_CUSTOMER_SECRET: DEMO_CREDENTIALS.agora.customerSecret,
  AGORA_APP_ID: DEFAULT_APPS.agoraAppId,
});

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'rollcall-cli-'));
  emulator = spawn(process.execPath, ['--import', 'tsx', cli, 'emulator', '--port', '0', '--rooms', '2', '--members', '1500'], {
    env: baseEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [line] = (await once(emulator.stdout!, 'data')) as [Buffer];
  url = line.toString().trim();
}, 60_000);

afterAll(async () => {
  if (emulator?.exitCode === null) {
    emulator.kill('SIGTERM');
    await once(emulator, 'exit');
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('rollcall status', () => {
  it('Volcengine, credentials from the environment, --json', async () => {
    const r = await rollcall(
      ['status', '--vendor', 'volcengine', '--room', group1, '--users', `${u0},${u1},${stranger}`, '--endpoint', url, '--json'],
      volcEnv(),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const document = JSON.parse(r.stdout);
    expect(document.room).toBe(group1);
    expect(document.users.map((x: { user: string; online: boolean; joinedAt: string | null }) => [x.user, x.online, x.joinedAt === null])).toEqual([
      [u0, true, false],
      [u1, true, false],
      // Absent values are null, never "".
      [stranger, false, true],
    ]);
    expect(document.summary).toEqual({ users: 3, online: 2, failed: 0 });
  });

  it('Volcengine app with string user ids (--user-ids string): looked up and answered under the same strings', async () => {
    const r = await rollcall(
      ['status', '--vendor', 'volcengine', '--user-ids', 'string', '--room', group1, '--users', `user1,${u0},nobody,user7`, '--endpoint', url, '--json'],
      volcEnv(),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).users.map((x: { user: string; online: boolean }) => [x.user, x.online])).toEqual([
      ['user1', true],
      // An integer-id member, not a string one.
      [u0, false],
      ['nobody', false],
      ['user7', true],
    ]);
    const details = await rollcall(['details', '--vendor', 'volcengine', '--room', group1, '--users', 'user1', '--endpoint', url], {
      ...volcEnv(),
      VOLC_IM_USER_IDS: 'string',
    });
    expect(details.code).toBe(2);
    expect(details.stderr).toContain('integer user ids only');
    const bad = await rollcall(['status', '--vendor', 'volcengine', '--user-ids', 'uuid', '--room', group1, '--users', 'a', '--endpoint', url], volcEnv());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--user-ids must be int or string');
  });

  it('Alibaba, ids from a file, --ndjson', async () => {
    const file = path.join(workDir, 'users.txt');
    // Members 1490…1499 of 1500, then 35 strangers.
    const asked = worldIds.users(45, 1490);
    await writeFile(file, asked.join('\n'));
    const r = await rollcall(['status', '--vendor', 'aliyun', '--room', 'group-1', '--users-file', file, '--endpoint', url, '--ndjson'], aliyunEnv());
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(46);
    expect(lines.slice(0, 45).map((l) => l.user)).toEqual(asked);
    expect(lines.filter((l) => l.online).map((l) => l.user)).toEqual(asked.slice(0, 10));
    expect(lines[45]).toEqual({ summary: { users: 45, online: 10, failed: 0 } });
  });

  it('in a pipe, the table is tab-separated lines: one per user in the order asked, no box, no caption (the table itself: e2e, in a terminal)', async () => {
    const r = await rollcall(['status', '--vendor', 'volcengine', '--room', group2, '--users', `${u0},${u1},${u2}`, '--endpoint', url], volcEnv());
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    // user, online, joinedAt, error (empty: the field is there for every line).
    expect(lines.map((l) => l.split('\t'))).toEqual(
      [u0, u1, u2].map((id) => [id, 'true', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), '']),
    );
    expect(r.stdout).not.toMatch(/[│┌└]/);
  });

  it('flags win over the environment; a refused signature exits 3 without printing the secret', async () => {
    const r = await rollcall(
      ['status', '--vendor', 'volcengine', '--room', group1, '--users', u0!, '--endpoint', url, '--secret-access-key', 'wrong-secret-value'],
      volcEnv(),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('SignatureDoesNotMatch');
    expect(r.stderr + r.stdout).not.toContain('wrong-secret-value');
  });
});

describe('rollcall roster and details', () => {
  it('Tencent: every listed member of a 1500-member room, truncated at the vendor cap with its own exit code', async () => {
    const r = await rollcall(['roster', '--vendor', 'tencent', '--room', 'room-1', '--endpoint', url], tencentEnv());
    expect(r.code).toBe(6);
    // In a pipe: a line per member listed; why the list stops short, on stderr.
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1000);
    expect(r.stderr).toContain('rollcall: Showing 1000 of 1500 members: the list is truncated (Tencent lists at most 1000 members of a room)');
    const json = await rollcall(['roster', '--vendor', 'tencent', '--room', 'room-1', '--endpoint', url, '--json'], tencentEnv());
    expect(json.code).toBe(6);
    const document = JSON.parse(json.stdout);
    expect(document.members).toHaveLength(1000);
    expect(document.summary).toMatchObject({ members: 1000, total: 1500, truncated: true, truncatedBy: 'vendor' });
    expect(json.stderr).toContain('truncated');
    // Stopping at --max is what was asked: truncated, but not by the vendor, and exit 0.
    const max = await rollcall(['roster', '--vendor', 'tencent', '--room', 'room-1', '--endpoint', url, '--max', '3', '--ndjson'], tencentEnv());
    expect(max.code).toBe(0);
    const lines = max.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toEqual({ summary: { members: 3, total: 1500, truncated: true, truncatedBy: 'max' } });
  });

  it("Alibaba app of today's console (--data-center): every member of a group, and status by CheckLiveMessageUsersInGroup; an older app has no roster", async () => {
    const env = {
      ...aliyunEnv(),
      ALIBABA_CLOUD_LIVE_APP_ID: DEFAULT_APPS.aliyunLiveMessageAppId,
      ALIBABA_CLOUD_LIVE_DATA_CENTER: DEFAULT_APPS.aliyunDataCenter,
    };
    const r = await rollcall(['roster', '--vendor', 'aliyun', '--room', 'group-2', '--endpoint', url, '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).members.map((m: { user: string }) => m.user)).toEqual(worldIds.users(1500));
    const status = await rollcall(['status', '--vendor', 'aliyun', '--room', 'group-2', '--users', `${u0},${stranger}`, '--endpoint', url, '--json'], env);
    expect(JSON.parse(status.stdout).users.map((x: { user: string; online: boolean }) => [x.user, x.online])).toEqual([
      [u0, true],
      [stranger, false],
    ]);
    const older = await rollcall(['roster', '--vendor', 'aliyun', '--room', 'group-2', '--endpoint', url], aliyunEnv());
    expect(older.code).toBe(2);
    expect(older.stderr).toContain('--data-center');
    const badDataCenter = await rollcall(['roster', '--vendor', 'aliyun', '--room', 'group-2', '--endpoint', url, '--data-center', 'us-east-1'], env);
    expect(badDataCenter.code).toBe(2);
    expect(badDataCenter.stderr).toContain('--data-center must be one of cn-shanghai, ap-southeast-1');
  });

  it('Volcengine RTC room: visible and invisible users', async () => {
    const r = await rollcall(['roster', '--vendor', 'volcengine', '--room', 'room-2', '--endpoint', url, '--json'], volcEnv());
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).members;
    expect(rows).toHaveLength(1500);
    expect(rows.filter((x: { visibility: string }) => x.visibility === 'invisible')).toHaveLength(150);
  });

  it('Volcengine conversation details', async () => {
    const r = await rollcall(['details', '--vendor', 'volcengine', '--room', group1, '--users', `${u0},${stranger}`, '--endpoint', url, '--json'], volcEnv());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).users).toEqual([
      { user: u0, member: true, role: 'owner', nickname: 'user1', joinedAt: expect.any(String) },
      { user: stranger, member: false, role: null, nickname: null, joinedAt: null },
    ]);
  });

  it('a missing room exits 4', async () => {
    const r = await rollcall(['roster', '--vendor', 'tencent', '--room', 'nowhere', '--endpoint', url], tencentEnv());
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/100004/);
  });
});

describe('rollcall --vendor agora', () => {
  it('status: many users from one user list, one user from its own user status, each row saying which', async () => {
    const many = await rollcall(
      ['status', '--vendor', 'agora', '--room', 'channel-1', '--users', `${uid(0)},${uid(1)},${uid(1499)},4000000000`, '--endpoint', url, '--json'],
      agoraEnv(),
    );
    expect(many.code).toBe(0);
    expect(JSON.parse(many.stdout)).toEqual({
      room: 'channel-1',
      users: [
        { user: uid(0), online: true, joinedAt: null, answeredBy: 'QueryUserList' },
        { user: uid(1), online: true, joinedAt: null, answeredBy: 'QueryUserList' },
        { user: uid(1499), online: true, joinedAt: null, answeredBy: 'QueryUserList' },
        { user: '4000000000', online: false, joinedAt: null, answeredBy: 'QueryUserList' },
      ],
      summary: { users: 4, online: 3, failed: 0 },
    });
    const one = await rollcall(['status', '--vendor', 'agora', '--room', 'channel-1', '--users', uid(6), '--endpoint', url, '--ndjson'], agoraEnv());
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout.split('\n')[0]!)).toEqual({
      user: uid(6),
      online: true,
      joinedAt: expect.stringMatching(/^2025-01-15T08:00:06/),
      answeredBy: 'QueryUserStatus',
    });
  });

  it('roster: hosts and audience of a live-broadcasting channel', async () => {
    const r = await rollcall(['roster', '--vendor', 'agora', '--room', 'channel-2', '--endpoint', url, '--json'], agoraEnv());
    expect(r.code).toBe(0);
    const document = JSON.parse(r.stdout);
    expect(document.members.slice(0, 3)).toEqual([
      { user: uid(0), role: 'host' },
      { user: uid(1), role: 'host' },
      { user: uid(2), role: 'audience' },
    ]);
    expect(document.members).toHaveLength(1500);
    expect(document.summary).toEqual({ members: 1500, total: 1500, truncated: false, truncatedBy: null });
  });

  it("rooms: the project's channels with their member counts", async () => {
    const lines = await rollcall(['rooms', '--vendor', 'agora', '--endpoint', url], agoraEnv());
    expect(lines.code).toBe(0);
    expect(lines.stdout).toBe('channel-1\t1500\nchannel-2\t1500\n');
    const json = await rollcall(['rooms', '--vendor', 'agora', '--endpoint', url, '--json'], agoraEnv());
    expect(JSON.parse(json.stdout)).toEqual({
      rooms: [
        { room: 'channel-1', members: 1500 },
        { room: 'channel-2', members: 1500 },
      ],
      summary: { rooms: 2, total: 2, members: 3000, duplicates: 0, truncated: false, truncatedBy: null },
    });
  });

  it('a refused Customer Secret exits 3, names the flags to check, never prints the secret', async () => {
    const r = await rollcall(['rooms', '--vendor', 'agora', '--endpoint', url, '--customer-secret', 'wrong-agora-secret'], agoraEnv());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--customer-secret');
    expect(r.stderr + r.stdout).not.toContain('wrong-agora-secret');
    const noApp = await rollcall(['rooms', '--vendor', 'agora', '--endpoint', url], { ...agoraEnv(), AGORA_APP_ID: '' });
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain('AGORA_APP_ID');
  });
});

describe('usage', () => {
  it('--help on every command', async () => {
    for (const command of [[], ['status'], ['roster'], ['rooms'], ['details'], ['emulator'], ['listen'], ['demo']]) {
      const r = await rollcall([...command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: rollcall/);
    }
  });

  it('a usage error is one line and where to look, exit 2 — whatever happens to stderr', async () => {
    const missingRoom = await rollcall(['status', '--vendor', 'volcengine', '--users', '1']);
    expect(missingRoom).toMatchObject({
      code: 2,
      stdout: '',
      stderr: "rollcall: required option '--room <room>' not specified\nRun 'rollcall status --help' for usage.\n",
    });
    const unknown = await rollcall(['statsu']);
    expect(unknown).toMatchObject({ code: 2, stderr: "rollcall: unknown command 'statsu' (did you mean status?)\nRun 'rollcall --help' for usage.\n" });
    const noUsers = await rollcall(['status', '--vendor', 'volcengine', '--room', group1], volcEnv());
    expect(noUsers).toMatchObject({ code: 2, stderr: "rollcall: --users or --users-file is required\nRun 'rollcall status --help' for usage.\n" });
    // stderr closed, and stderr a pipe whose reader has gone: still 2.
    const cliLine = [process.execPath, '--import', 'tsx', cli, 'status', '--vendor', 'volcengine', '--users', '1'].map((a) => `'${a}'`).join(' ');
    const closed = await runProcess('bash', ['-c', `${cliLine} 2>&-; echo "exit $?"`], { env: baseEnv });
    expect(closed.stdout).toBe('exit 2\n');
    const gone = await runProcess('bash', ['-c', `${cliLine} 2>&1 >/dev/null | true; echo "exit \${PIPESTATUS[0]}"`], { env: baseEnv });
    expect(gone.stdout).toBe('exit 2\n');
  });

  it('watch on a vendor without a roster asks for --users in its own words, before any call', async () => {
    const r = await rollcall(['watch', '--vendor', 'aliyun', '--room', 'group-1', '--endpoint', url], aliyunEnv());
    expect(r).toMatchObject({
      code: 2,
      stderr: "rollcall: Alibaba Cloud lists no roster here: pass --users or --users-file, the ids to watch\nRun 'rollcall watch --help' for usage.\n",
    });
  });

  it('names the environment variable beside the flag when an app is missing', async () => {
    const { VOLC_IM_APP_ID: _, ...withoutApp } = volcEnv();
    const noApp = await rollcall(['status', '--vendor', 'volcengine', '--room', group1, '--users', u0!, '--endpoint', url], withoutApp);
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain('pass --im-app-id (or set VOLC_IM_APP_ID)');
  });

  it('bad flags exit 2 with the reason, before any call', async () => {
    const missingRoom = await rollcall(['status', '--vendor', 'volcengine', '--users', '1']);
    expect(missingRoom.code).toBe(2);
    expect(missingRoom.stderr).toContain('--room');
    const badVendor = await rollcall(['roster', '--vendor', 'aliyun', '--room', 'r']);
    expect(badVendor.code).toBe(2);
    const noCredentials = await rollcall(['status', '--vendor', 'aliyun', '--room', 'g', '--users', '1', '--endpoint', url], {
      ALIBABA_CLOUD_LIVE_APP_ID: 'x',
    });
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
    const badId = await rollcall(['status', '--vendor', 'volcengine', '--room', group1, '--users', `${u0},abc`, '--endpoint', url], volcEnv());
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('--users (id 2): "abc" is not an integer user id');
    const beyond = await rollcall(['status', '--vendor', 'volcengine', '--room', group1, '--users', `${u0},9223372036854775808`, '--endpoint', url], volcEnv());
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toContain('--users (id 2): "9223372036854775808" is beyond the int64 range of an integer user id');
  });
});
