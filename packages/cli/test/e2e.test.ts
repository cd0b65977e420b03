// The built `rollcall` binary as people run it: in a pseudo-terminal (`script`, for progress and
// Ctrl-C as a terminal sends it) and in pipes (streaming, `| head`, exit codes), against an
// emulator. Nothing here depends on speed: where order in time matters, the job is made long by
// the vendors' own QPS limits (the emulator enforces them), not by the machine.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, worldIds, type RunningEmulator } from '@rollcall/emulator';
import { operations as volcOps } from '@rollcall/volcengine-rtc';
import { operations as tencentOps } from '@rollcall/tencent-live';
import { runProcess, type Finished } from '@rollcall/test-support';
import { startRedis } from '@rollcall/test-support/redis';
import packageJson from '../package.json' with { type: 'json' };
import xterm from '@xterm/headless';

const { Terminal } = xterm;

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '../dist/node/cli.js');
const MEMBERS = tencentOps.getMemberList.pagination.cap + 500;
// A status job of this many calls lasts over a second at the vendor's QPS (the emulator enforces it),
// whatever the machine: long enough for its progress line to show.
const JOB_CALLS = 150;
const JOB_IDS = JOB_CALLS * volcOps.queryLiveParticipantStatus.batch.max;

let emulator: RunningEmulator;
let workDir: string;

const env = () => ({
  ...process.env,
  FORCE_COLOR: '0',
  VOLC_ACCESSKEY: DEMO_CREDENTIALS.volcengine.accessKeyId,
  VOLC_SECRETKEY: DEMO_CREDENTIALS.volcengine.secretAccessKey,
  VOLC_IM_APP_ID: String(DEFAULT_APPS.volcengineImAppId),
  VOLC_RTC_APP_ID: DEFAULT_APPS.volcengineRtcAppId,
  ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.aliyun.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.aliyun.accessKeySecret,
  ALIBABA_CLOUD_LIVE_APP_ID: DEFAULT_APPS.aliyunAppId,
  TENCENT_IM_SDKAPPID: String(DEMO_CREDENTIALS.tencent.sdkAppId),
  TENCENT_IM_IDENTIFIER: DEMO_CREDENTIALS.tencent.identifier,
  TENCENT_IM_SECRET_KEY: DEMO_CREDENTIALS.tencent.secretKey,
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const command = (args: string[]) => [process.execPath, bin, ...args].map(quote).join(' ');

/** Runs a shell line (pipes and redirections as a user writes them), with `pipefail`. */
const shell = (line: string, input?: string): Promise<Finished> => runProcess('bash', ['-o', 'pipefail', '-c', line], { env: env(), input });

/**
 * The binary in a pseudo-terminal: `script` gives it a terminal for stdin, stdout and stderr, and
 * passes what is written to `keys` on as typed keys (Ctrl-C is "\x03").
 */
function terminal(args: string[], redirect = '') {
  const child = spawn('script', ['-qefc', `${command(args)}${redirect}`, '/dev/null'], { env: { ...env(), TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (d) => (screen += d));
  const exited = once(child, 'close').then(([code]) => code as number);
  return {
    keys: (text: string) => child.stdin.write(text),
    screen: () => screen,
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}

/**
 * What a terminal shows after `bytes`: every line of the scrollback and the screen, as xterm.js
 * (the emulator VS Code's terminal runs) renders them — cursor moves, carriage returns and erases
 * applied — trailing blanks dropped.
 */
async function rendered(bytes: string, cols = 120): Promise<string[]> {
  const term = new Terminal({ cols, rows: 30, scrollback: 100_000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(bytes, resolve));
  const buffer = term.buffer.active;
  const lines = Array.from({ length: buffer.length }, (_, i) => (buffer.getLine(i)?.translateToString(true) ?? '').trimEnd());
  while (lines.length && lines.at(-1) === '') lines.pop();
  term.dispose();
  return lines;
}

/** The binary in a terminal, then what a shell prints after it: its exit status and a prompt. */
function terminalSession(args: string[]) {
  return terminal(args, `; echo "exit status $?"; printf 'PROMPT$ '`);
}

async function until(what: string, check: () => boolean | Promise<boolean>) {
  // Polls a condition; the test's own timeout bounds it.
  while (!(await check())) await new Promise((r) => setTimeout(r, 25));
  return what;
}

/** The emulator's admin API, as a test harness of any language would drive it. */
const admin = (action: 'join' | 'leave' | 'close', body: Record<string, string>) =>
  fetch(`${emulator.url}/__admin/${action}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => {
    if (!r.ok) throw new Error(`admin ${action}: ${r.status}`);
  });

const fileLines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'rollcall-e2e-'));
  emulator = await startEmulator({ seed: generateSeed(2, MEMBERS) });
  // Ids enough for many calls at the vendor's QPS: the job lasts several QPS windows.
  await writeFile(path.join(workDir, 'ids.txt'), worldIds.users(JOB_IDS).join('\n'));
});

afterAll(async () => {
  await emulator?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

// Real-shaped: a 19-digit live group, user ids on both sides of 2^53 (the generated world's).
const group1 = worldIds.volcengineGroup(1);
const [u0, u1] = worldIds.users(2);
const stranger = '1847260331999999999';
const status = (...more: string[]) => ['status', '--vendor', 'volcengine', '--room', group1, '--endpoint', emulator.url, ...more];

describe('in a terminal', () => {
  it('shows progress on the terminal, and none in a pipe', async () => {
    const tty = terminal(status('--users-file', path.join(workDir, 'ids.txt')));
    expect(await tty.exited).toBe(0);
    expect(tty.screen()).toMatch(new RegExp(`status volcengine  [\\d,]+/${JOB_IDS.toLocaleString('en')} ids  [\\d,]+ ids/s  ~\\d+ (s|min \\d+ s) left`));
    expect(tty.screen()).toContain(`${JOB_IDS} users in ${group1}`);
    const piped = await shell(`${command(status('--users-file', path.join(workDir, 'ids.txt'), '--ndjson'))} | tail -1`);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
  });

  it('as the terminal shows it: a long job leaves its table, its summary and the prompt after them intact, the progress line gone', async () => {
    const tty = terminalSession(status('--users-file', path.join(workDir, 'ids.txt')));
    expect(await tty.exited).toBe(0);
    // The progress line was drawn…
    expect(tty.screen()).toContain(' ids/s');
    const lines = await rendered(tty.screen());
    // …and is nowhere on the screen or in the scrollback now.
    expect(lines.filter((l) => l.includes('ids/s'))).toEqual([]);
    const header = lines.findIndex((l) => /^│ user\s+│ online\s+│ joinedAt\s+│$/.test(l));
    expect(header).toBeGreaterThan(0);
    expect(lines[header - 1]).toMatch(/^┌─+┬─+┬─+┐$/);
    // Ten rows, the table's foot, the count of the rest, the summary, then what the shell printed.
    expect(lines.slice(header + 1, header + 11).every((l) => /^│ \d{10,19}\s+│ (true|false)\s+│/.test(l))).toBe(true);
    expect(lines.slice(header + 11)).toEqual([
      expect.stringMatching(/^└─+┴─+┴─+┘$/),
      `… and ${JOB_IDS - 10} more rows (use --json or --ndjson for all)`,
      expect.stringMatching(new RegExp(`^${JOB_IDS} users in ${group1}: \\d+ online, \\d+ not$`)),
      'exit status 0',
      'PROMPT$',
    ]);
  });

  it('as the terminal shows it: the demo leaves every table and every summary intact, and the prompt after them', async () => {
    const tty = terminalSession(['demo']);
    expect(await tty.exited).toBe(0);
    const lines = await rendered(tty.screen());
    for (const summary of [
      '5000 users in 7226277271248584971: 3000 online, 2000 not',
      '5000 users in group-1: 3000 online, 2000 not',
      'Showing 1000 of 1500 members: the list is truncated',
      '2 rooms, 3000 members in all.',
      '1000 users in channel-2: 1000 online, 0 not',
    ]) {
      expect(lines.some((l) => l.includes(summary))).toBe(true);
    }
    // Every table whole: as many heads as tops and feet, each head right under its top.
    const tops = lines.flatMap((l, i) => (/^┌─[─┬]*┐$/.test(l) ? [i] : []));
    const feet = lines.filter((l) => /^└─[─┴]*┘$/.test(l));
    expect(tops.length).toBeGreaterThanOrEqual(5);
    expect(feet).toHaveLength(tops.length);
    for (const top of tops) expect(lines[top + 1]).toMatch(/^│ \w/);
    expect(lines.slice(-2)).toEqual(['exit status 0', 'PROMPT$']);
  });

  it('one user is "1 user"', async () => {
    const tty = terminal(status('--users', u0!));
    expect(await tty.exited).toBe(0);
    expect(await rendered(tty.screen())).toContain(`1 user in ${group1}: 1 online, 0 not`);
  });

  it('Ctrl-C stops new calls, writes every answer received and a summary, and exits 130', async () => {
    const out = path.join(workDir, 'interrupted.ndjson');
    const tty = terminal(status('--users-file', path.join(workDir, 'ids.txt'), '--ndjson'), ` > ${quote(out)}`);
    await until('answers arrive', async () => (await stat(out).catch(() => null))?.size! > 0);
    tty.keys('\x03');
    expect(await tty.exited).toBe(130);
    const lines = (await fileLines(out)).map((l) => JSON.parse(l));
    const summary = lines.at(-1).summary;
    expect(summary).toMatchObject({ interrupted: true, failed: 0 });
    const rows = lines.slice(0, -1);
    // Every answer received is written once, in input order, none failed, none invented.
    expect(rows.length).toBe(summary.users);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length + summary.unanswered).toBe(JOB_IDS);
    const inputOrder = new Map(worldIds.users(JOB_IDS).map((id, i) => [id, i]));
    const positions = rows.map((r: { user: string }) => inputOrder.get(r.user)!);
    expect(positions.every((p: number, i: number) => p !== undefined && (i === 0 || p > positions[i - 1]!))).toBe(true);
    expect(tty.screen()).toMatch(new RegExp(`rollcall: interrupted — \\d+ of ${JOB_IDS} distinct ids answered; printed what was received\\.`));
    expect(tty.screen()).not.toMatch(/at .*\.js:\d+/);
  });

  it('a second Ctrl-C exits at once', async () => {
    const tty = terminal(status('--users-file', path.join(workDir, 'ids.txt'), '--json'), ' > /dev/null');
    await until('the progress line shows', () => tty.screen().includes('ids/s'));
    tty.keys('\x03\x03');
    expect(await tty.exited).toBe(130);
  });
});

describe('in pipes', () => {
  it.each([
    ['NDJSON', ['--ndjson']],
    ['tab-separated', []],
  ])('%s lines leave as answers arrive: the first is read while the vendor is still answering the job', async (_, format) => {
    const child = spawn(process.execPath, [bin, ...status('--users-file', path.join(workDir, 'ids.txt'), ...format)], { env: env() });
    const servedBefore = emulator.stats().QueryLiveParticipantStatus?.served ?? 0;
    let servedAtFirstLine = Infinity;
    let first = '';
    child.stdout.once('data', (d) => {
      servedAtFirstLine = (emulator.stats().QueryLiveParticipantStatus?.served ?? 0) - servedBefore;
      first = String(d).split('\n')[0]!;
    });
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
    // The QPS spreads the job's calls over more than a second: the first line came before the last call.
    expect(servedAtFirstLine).toBeLessThan(JOB_CALLS);
    expect(first.startsWith(format.length ? `{"user":"${u0}"` : `${u0}\t`)).toBe(true);
  });

  it('a reader that goes away (| head -1) ends the command quietly, exit 0', async () => {
    const r = await shell(`${command(status('--users-file', path.join(workDir, 'ids.txt'), '--ndjson'))} | head -1`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ user: u0, online: true, joinedAt: expect.any(String) });
  });

  it('ids from standard input with --users-file -', async () => {
    const r = await shell(command(status('--users-file', '-', '--json')), `${u0}\n${u1}\n${stranger}\n`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).users.map((u: { user: string; online: boolean }) => [u.user, u.online])).toEqual([
      [u0, true],
      [u1, true],
      [stranger, false],
    ]);
  });

  it('partly failed: rows with errors, a summary counting them, exit 6', async () => {
    // One answer that is not JSON: not retried, so exactly one batch fails.
    emulator.setFaults([{ operation: 'QueryLiveParticipantStatus', kind: 'malformed', times: 1 }]);
    const ids = worldIds.users(2 * volcOps.queryLiveParticipantStatus.batch.max).join(',');
    const r = await shell(command(status('--users', ids, '--ndjson')));
    emulator.setFaults([]);
    expect(r.code).toBe(6);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const failed = lines.filter((l) => l.error);
    expect(failed).toHaveLength(volcOps.queryLiveParticipantStatus.batch.max);
    expect(failed[0]).toMatchObject({ online: null, joinedAt: null });
    expect(lines.at(-1).summary).toMatchObject({ failed: volcOps.queryLiveParticipantStatus.batch.max });
    expect(r.stderr).toMatch(/rollcall: 200 of 400 ids failed/);
  });

  it('--version', async () => {
    const r = await shell(command(['--version']));
    expect(r).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
  });

  it('help shows only the flags of the command’s vendors, grouped by vendor', async () => {
    const details = await shell(command(['details', '--help']));
    expect(details.stdout).toContain('Volcengine:');
    expect(details.stdout).not.toMatch(/--app-id|--sdk-app-id|Tencent|Alibaba/);
    const roster = await shell(command(['roster', '--help']));
    expect(roster.stdout).toContain('Tencent Cloud:');
    expect(roster.stdout).toContain('Agora:');
    // Alibaba apps of today's console list their groups: the roster help names --data-center.
    expect(roster.stdout).toMatch(/Alibaba Cloud:[\s\S]*--data-center/);
    const rooms = await shell(command(['rooms', '--help']));
    expect(rooms.stdout).toMatch(/Agora:[\s\S]*--customer-id/);
    expect(rooms.stdout).not.toMatch(/--room <|Tencent|Volcengine|Alibaba/);
  });
});

describe('input errors: exit 2, naming the flag, file or seed', () => {
  it.each([
    [
      ['status', '--vendor', 'volcengine', '--room', '7226277271248584971', '--users-file', '/nonexistent/ids.txt'],
      '--users-file /nonexistent/ids.txt: no such file',
    ],
    [['status', '--vendor', 'volcengine', '--room', '', '--users', '1'], '--room: "" is not a live group id (ids are decimal strings)'],
    [
      ['status', '--vendor', 'volcengine', '--room', '9223372036854775808', '--users', '1'],
      '--room: "9223372036854775808" is beyond the int64 range of a live group id',
    ],
    [['roster', '--vendor', 'tencent', '--room', 'r', '--max', '0'], '--max must be a positive integer (got "0")'],
    [['emulator', '--port', 'abc'], '--port must be a whole number from 0 to 65535 (got "abc")'],
    [['emulator', '--rooms', 'abc'], '--rooms must be a whole number of at least 0 (got "abc")'],
    [['emulator', '--seed', '/nonexistent/seed.json'], '--seed /nonexistent/seed.json: no such file'],
  ])('%j', async (args, message) => {
    const r = await shell(command(args));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('a seed that is not JSON, or of the wrong shape, or a port in use', async () => {
    const notJson = path.join(workDir, 'not-json.json');
    await writeFile(notJson, '{nope');
    const r1 = await shell(command(['emulator', '--seed', notJson]));
    expect([r1.code, r1.stderr]).toEqual([2, expect.stringContaining(`--seed ${notJson}: not JSON`)]);
    const wrong = path.join(workDir, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ tencent: { rooms: { r: [{ user: 'x' }] } } }));
    const r2 = await shell(command(['emulator', '--seed', wrong]));
    expect([r2.code, r2.stderr]).toEqual([2, expect.stringContaining(`--seed ${wrong}: tencent.rooms.r.0`)]);
    const port = new URL(emulator.url).port;
    const r3 = await shell(command(['emulator', '--port', port]));
    expect([r3.code, r3.stderr]).toEqual([2, expect.stringContaining(`--port ${port}: 127.0.0.1:${port} is already in use`)]);
  });

  it('connection refused names the URL; refused credentials name the flags to check', async () => {
    const refused = await shell(command(['status', '--vendor', 'aliyun', '--room', 'g', '--users', 'u', '--endpoint', 'http://127.0.0.1:1']));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('http://127.0.0.1:1');
    const auth = await shell(command(['roster', '--vendor', 'tencent', '--room', 'room-1', '--endpoint', emulator.url, '--secret-key', 'wrong-key']));
    expect(auth.code).toBe(3);
    expect(auth.stderr).toContain('check --sdk-app-id, --identifier (an app administrator) and --secret-key');
    expect(auth.stderr).not.toContain('wrong-key');
  });
});

describe('the emulator command', () => {
  it('prints the app ids and commands to paste, and warns when it listens beyond loopback', async () => {
    const child = spawn(process.execPath, [bin, 'emulator', '--host', '0.0.0.0', '--port', '0', '--rooms', '1', '--members', '3'], { env: env() });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await until('banner', () => stderr.includes('rollcall roster --vendor tencent'));
    child.kill('SIGINT');
    expect(await once(child, 'close').then(([code]) => code)).toBe(0);
    expect(stderr).toContain('warning: listening on 0.0.0.0, beyond this machine');
    expect(stderr).toContain(`IM app ${DEFAULT_APPS.volcengineImAppId}`);
    expect(stderr).toContain(`--rtc-app-id ${DEFAULT_APPS.volcengineRtcAppId}`);
    expect(stderr).toContain(`--app-id ${DEFAULT_APPS.aliyunAppId}`);
  });
});

describe('watch', () => {
  /** Runs `watch` until `done` holds for the events so far, then Ctrl-C. */
  async function watchUntil(args: string[], done: (events: Array<Record<string, any>>) => boolean, act?: (events: Array<Record<string, any>>) => void) {
    const child = spawn(process.execPath, [bin, 'watch', '--endpoint', emulator.url, '--ndjson', ...args], { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const events = () =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    let acted = false;
    await until('events', () => {
      if (!acted && events().length > 0 && act) {
        acted = true;
        act(events());
      }
      return done(events());
    });
    child.kill('SIGINT');
    const [code] = await once(child, 'close');
    return { code, events: events(), stderr };
  }

  it('Volcengine room: a snapshot, then who joined and who left', async () => {
    const { code, events, stderr } = await watchUntil(
      ['--vendor', 'volcengine', '--room', 'room-2', '--interval', '0.2'],
      (e) => e.some((x) => x.type === 'left'),
      () => {
        void admin('join', { space: 'volcengine-rtc', room: 'room-2', userId: 'newcomer' }).then(() =>
          admin('leave', { space: 'volcengine-rtc', room: 'room-2', userId: u0! }),
        );
      },
    );
    expect(code).toBe(130);
    expect(events[0]).toMatchObject({ type: 'snapshot', truncated: false });
    expect(events[0]!.members).toHaveLength(MEMBERS);
    expect(events.slice(1).map((e) => [e.type, e.userId])).toEqual([
      ['joined', 'newcomer'],
      ['left', u0],
    ]);
    expect(stderr).toMatch(/watched room-2 for .*: 1 joined, 1 left\./);
  });

  it('Alibaba (status only) watches the given ids', async () => {
    const { events } = await watchUntil(
      ['--vendor', 'aliyun', '--room', 'group-1', '--users', `${u0},${u1},late`, '--interval', '0.2'],
      (e) => e.some((x) => x.type === 'joined'),
      () => void admin('join', { space: 'aliyun', room: 'group-1', userId: 'late' }),
    );
    expect(events[0]).toMatchObject({ type: 'snapshot', members: [u0, u1] });
    expect(events.slice(1).map((e) => [e.type, e.userId])).toEqual([['joined', 'late']]);
  });

  it(`Tencent: a room above the ${tencentOps.getMemberList.pagination.cap}-member cap is a truncated snapshot; faster polling is refused politely`, async () => {
    const { code, events, stderr } = await watchUntil(['--vendor', 'tencent', '--room', 'room-1', '--interval', '1'], (e) => e.length > 0);
    expect(code).toBe(130);
    expect(events[0]).toMatchObject({ type: 'snapshot', truncated: true });
    expect(events[0]!.members).toHaveLength(tencentOps.getMemberList.pagination.cap);
    expect(stderr).toContain(`refreshes its member list every ${tencentOps.getMemberList.refreshSeconds} s`);
  });
});

describe('--redis: one quota for several jobs', () => {
  it('two jobs at once share the QPS through Redis: nothing throttled; with Redis away, each goes on with its share', async () => {
    const redis = await startRedis();
    try {
      await fetch(`${emulator.url}/__admin/reset-stats`, { method: 'POST' });
      const ids = path.join(workDir, 'ids.txt');
      const job = () => shell(`${command(status('--users-file', ids, '--ndjson', '--redis', redis.url))} | tail -1`);
      const [a, b] = await Promise.all([job(), job()]);
      for (const r of [a, b]) {
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout).summary).toMatchObject({ users: JOB_IDS, failed: 0 });
      }
      expect(emulator.stats().QueryLiveParticipantStatus).toMatchObject({ served: 2 * JOB_CALLS, throttled: 0 });
      const away = await shell(`${command(status('--users', `${u0},${u1}`, '--json'))}`.replace(`'--json'`, `'--json' '--redis' 'redis://127.0.0.1:1'`));
      expect(away.code).toBe(0);
      expect(away.stderr).toContain("Redis at 127.0.0.1:1 is not answering: QueryLiveParticipantStatus goes on with this process's share of the quota");
    } finally {
      await redis.stop();
    }
  });
});
