// spec:diff: a table of spec edits and the classification each must get (at least one per rule),
// and the CI check in a real git repository with a release tag.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { classifySpecChange } from './classify.mjs';
import { classifyApiChange } from './api.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const load = (vendor: string) => parse(readFileSync(path.join(root, 'specs', `${vendor}.yaml`), 'utf8'));
const specs = { volcengine: load('volcengine-rtc'), aliyun: load('aliyun-live'), tencent: load('tencent-live'), agora: load('agora-rtc') };
type Spec = any;

interface Case {
  rule: string;
  vendor: keyof typeof specs;
  /** Applied to both versions first, to set up the state the edit starts from. */
  setup?: (spec: Spec) => void;
  edit: (spec: Spec) => void;
  kind: 'breaking' | 'feature' | 'fix' | 'none';
  /** A change the classification must list, word for word. */
  lists: string;
}

const schemas = (s: Spec) => s.components.schemas;
const cases: Case[] = [
  { rule: 'no change', vendor: 'volcengine', edit: () => {}, kind: 'none', lists: '' },
  {
    rule: 'operation removed',
    vendor: 'volcengine',
    edit: (s) => delete s.paths['/GetRoomOnlineUsers'],
    kind: 'breaking',
    lists: 'GetRoomOnlineUsers: operation removed',
  },
  {
    rule: 'new operation',
    vendor: 'volcengine',
    edit: (s) => (s.paths['/GetRoomOnlineUsers2'] = { get: { ...s.paths['/GetRoomOnlineUsers'].get, operationId: 'GetRoomOnlineUsers2' } }),
    kind: 'feature',
    lists: 'GetRoomOnlineUsers2: new operation',
  },
  {
    rule: 'answer field removed',
    vendor: 'volcengine',
    edit: (s) => delete schemas(s).ParticipantStatus.properties.CreateTime,
    kind: 'breaking',
    lists: 'QueryLiveParticipantStatus 200.Result.Status[].CreateTime: field removed',
  },
  {
    rule: 'request field removed',
    vendor: 'aliyun',
    edit: (s) => delete schemas(s).BatchGetOnlineUsersRequest.properties.GroupId,
    kind: 'breaking',
    lists: 'BatchGetOnlineUsers request.body.GroupId: field removed',
  },
  {
    rule: 'type narrowed',
    vendor: 'tencent',
    setup: (s) => (schemas(s).Member.properties.Member_Account.type = ['string', 'integer']),
    edit: (s) => (schemas(s).Member.properties.Member_Account.type = 'string'),
    kind: 'breaking',
    lists: 'GetMemberList 200.Response.MemberList[].Member_Account: type narrowed: string,integer → string',
  },
  {
    rule: 'input type widened',
    vendor: 'tencent',
    edit: (s) => (schemas(s).RoomId.type = ['string', 'integer']),
    kind: 'feature',
    lists: 'GetMemberList request.body.RoomId: type widened: string → string,integer',
  },
  {
    rule: 'answer type widened (shared schema: breaking for readers)',
    vendor: 'volcengine',
    edit: (s) => (schemas(s).UserId.type = ['integer', 'string']),
    kind: 'breaking',
    lists: 'QueryLiveParticipantStatus 200.Result.Status[].ParticipantUserId: type changed: integer → integer,string',
  },
  {
    rule: 'new required input',
    vendor: 'volcengine',
    edit: (s) => {
      schemas(s).QueryLiveParticipantStatusRequest.properties.Region = { type: 'string' };
      schemas(s).QueryLiveParticipantStatusRequest.required.push('Region');
    },
    kind: 'breaking',
    lists: 'QueryLiveParticipantStatus request.body.Region: new required input',
  },
  {
    rule: 'input becomes required',
    vendor: 'tencent',
    setup: (s) => (schemas(s).GetMemberListRequest.required = ['RoomId']),
    edit: (s) => schemas(s).GetMemberListRequest.required.push('Next'),
    kind: 'breaking',
    lists: 'GetMemberList request.body.Next: now required',
  },
  {
    rule: 'new optional field',
    vendor: 'volcengine',
    edit: (s) => (schemas(s).QueryLiveParticipantStatusRequest.properties.InboxType = { type: 'integer' }),
    kind: 'feature',
    lists: 'QueryLiveParticipantStatus request.body.InboxType: new optional field',
  },
  {
    rule: 'new answer field',
    vendor: 'volcengine',
    edit: (s) => (schemas(s).ParticipantStatus.properties.Marks = { type: 'array', items: { type: 'string' } }),
    kind: 'feature',
    lists: 'QueryLiveParticipantStatus 200.Result.Status[].Marks: new field in the answer',
  },
  {
    rule: 'answer field becomes optional',
    vendor: 'volcengine',
    edit: (s) => (schemas(s).ParticipantStatus.required = schemas(s).ParticipantStatus.required.filter((f: string) => f !== 'CreateTime')),
    kind: 'breaking',
    lists: 'QueryLiveParticipantStatus 200.Result.Status[].CreateTime: now optional',
  },
  {
    rule: 'limit tightened (maxItems)',
    vendor: 'volcengine',
    edit: (s) => (schemas(s).ParticipantUserIds.maxItems = 100),
    kind: 'breaking',
    lists: 'BatchGetConversationParticipant request.body.ParticipantUserIds: maxItems tightened: 200 → 100',
  },
  {
    rule: 'limit relaxed (maxItems)',
    vendor: 'aliyun',
    edit: (s) => (schemas(s).BatchGetOnlineUsersRequest.properties.UserIds.maxItems = 50),
    kind: 'feature',
    lists: 'BatchGetOnlineUsers request.body.UserIds: maxItems relaxed: 20 → 50',
  },
  {
    rule: 'limit tightened (minLength)',
    vendor: 'volcengine',
    edit: (s) => (schemas(s).RoomId.minLength = 4),
    kind: 'breaking',
    lists: 'GetRoomOnlineUsers request.query:RoomId: minLength tightened: 1 → 4',
  },
  {
    rule: 'limit tightened (pattern added)',
    vendor: 'tencent',
    edit: (s) => (schemas(s).RoomId.pattern = '^[a-z]+$'),
    kind: 'breaking',
    lists: 'GetMemberList request.body.RoomId: pattern added: ^[a-z]+$',
  },
  {
    rule: 'limit tightened (QPS)',
    vendor: 'volcengine',
    edit: (s) => (s.paths['/GetRoomOnlineUsers'].get['x-rollcall-qps'] = 20),
    kind: 'breaking',
    lists: 'GetRoomOnlineUsers: QPS (x-rollcall-qps) tightened: 40 → 20',
  },
  {
    rule: 'limit relaxed (QPS)',
    vendor: 'volcengine',
    edit: (s) => (s.paths['/GetRoomOnlineUsers'].get['x-rollcall-qps'] = 80),
    kind: 'feature',
    lists: 'GetRoomOnlineUsers: QPS (x-rollcall-qps) relaxed: 40 → 80',
  },
  {
    rule: "limit tightened (a parameter's own QPS)",
    vendor: 'volcengine',
    edit: (s) => (s.paths['/GetRoomOnlineUsers'].get['x-rollcall-qps-when'][0].qps = 0.5),
    kind: 'breaking',
    lists: 'GetRoomOnlineUsers: QPS with Property=true (x-rollcall-qps-when) tightened: 1 → 0.5',
  },
  {
    rule: "limit relaxed (a parameter's own QPS removed: the operation's applies)",
    vendor: 'volcengine',
    edit: (s) => delete s.paths['/GetRoomOnlineUsers'].get['x-rollcall-qps-when'],
    kind: 'feature',
    lists: 'GetRoomOnlineUsers: QPS with Property=true (x-rollcall-qps-when) relaxed: 1 → 40',
  },
  {
    rule: 'limit tightened (list bound)',
    vendor: 'volcengine',
    edit: (s) => (s.paths['/GetRoomOnlineUsers'].get['x-rollcall-list-bound'].max = 5000),
    kind: 'breaking',
    lists: 'GetRoomOnlineUsers: listed items (x-rollcall-list-bound) tightened: 10000 → 5000',
  },
  {
    rule: 'enum value removed',
    vendor: 'tencent',
    edit: (s) => (schemas(s).GetMemberListResponse.properties.ActionStatus.enum = ['OK']),
    kind: 'breaking',
    lists: 'GetMemberList 200.ActionStatus: enum value removed: "FAIL"',
  },
  {
    rule: 'enum value added',
    vendor: 'tencent',
    edit: (s) => schemas(s).GetMemberListResponse.properties.ActionStatus.enum.push('PARTIAL'),
    kind: 'feature',
    lists: 'GetMemberList 200.ActionStatus: enum value added: "PARTIAL"',
  },
  {
    rule: 'error kind changed',
    vendor: 'volcengine',
    edit: (s) => {
      const kinds = s['x-rollcall-vendor'].errorKinds;
      kinds.notFound = kinds.notFound.filter((c: string) => c !== 'InvalidActionOrVersion');
      kinds.invalidParameter.push('InvalidActionOrVersion');
    },
    kind: 'breaking',
    lists: 'errors: error kind of InvalidActionOrVersion changed: notFound → invalidParameter',
  },
  {
    rule: 'new error code',
    vendor: 'tencent',
    edit: (s) => s['x-rollcall-vendor'].errorKinds.throttled.push('60008'),
    kind: 'feature',
    lists: 'errors: error code 60008 classified as throttled',
  },
  {
    rule: 'clock skew code removed',
    vendor: 'volcengine',
    edit: (s) => (s['x-rollcall-vendor'].clockSkewCodes = []),
    kind: 'breaking',
    lists: 'errors: clock skew codes: InvalidTimestamp removed',
  },
  { rule: 'region removed', vendor: 'tencent', edit: (s) => s.servers.pop(), kind: 'breaking', lists: 'servers: region removed: ap-jakarta' },
  {
    rule: 'new region',
    vendor: 'aliyun',
    edit: (s) => s.servers.push({ url: 'https://live.aliyuncs.com', 'x-rollcall-region': 'cn-hangzhou' }),
    kind: 'feature',
    lists: 'servers: new region: cn-hangzhou',
  },
  {
    rule: 'description changed',
    vendor: 'aliyun',
    edit: (s) => (s.paths['/BatchGetOnlineUsers'].post.description += ' Clarified.'),
    kind: 'fix',
    lists: '(spec): descriptions, summaries or examples changed',
  },
  {
    rule: 'example changed',
    vendor: 'tencent',
    edit: (s) => {
      const media = s.paths['/v4/live_engine_http_srv/get_member_list'].post.requestBody.content['application/json'];
      const [first] = Object.values<any>(media.examples);
      first.value.RoomId = 'another_room';
    },
    kind: 'fix',
    lists: '(spec): descriptions, summaries or examples changed',
  },
  // Callbacks (issue 23): read like answers; what is signed, the reply and an event's meaning are contracts.
  {
    rule: 'webhook signature changed',
    vendor: 'agora',
    edit: (s) => s.webhooks.channelEvent.post['x-rollcall-webhook'].signature.headers.pop(),
    kind: 'breaking',
    lists: 'webhook channelEvent: signature (x-rollcall-webhook) changed',
  },
  {
    rule: 'webhook event type removed',
    vendor: 'agora',
    edit: (s) => delete s.webhooks.channelEvent.post['x-rollcall-webhook'].events[105],
    kind: 'breaking',
    lists: 'webhook channelEvent event 105: event type no longer read',
  },
  {
    rule: 'new webhook event type',
    vendor: 'agora',
    edit: (s) => (s.webhooks.channelEvent.post['x-rollcall-webhook'].events[113] = { name: 'future-event', payload: 'NcsChannelPayload' }),
    kind: 'feature',
    lists: 'webhook channelEvent event 113: new event type',
  },
  {
    rule: 'webhook payload field may be missing',
    vendor: 'agora',
    edit: (s) => (schemas(s).NcsUserJoinedPayload.required = ['channelName', 'uid', 'ts']),
    kind: 'breaking',
    lists: 'webhook channelEvent event 103 payload.clientSeq: now optional',
  },
  {
    rule: 'webhook removed',
    vendor: 'agora',
    edit: (s) => delete s.webhooks,
    kind: 'breaking',
    lists: 'webhook channelEvent: callback removed',
  },
];

describe('spec:diff classifies each kind of spec change', () => {
  it.each(cases)('$rule → $kind', ({ vendor, setup, edit, kind, lists }) => {
    const before = structuredClone(specs[vendor]);
    setup?.(before);
    const after = structuredClone(before);
    edit(after);
    const result = classifySpecChange(before, after);
    expect(result.kind).toBe(kind);
    expect(result.bump).toBe({ none: 'none', fix: 'patch', feature: 'minor', breaking: 'major' }[kind]);
    if (lists) expect(result.changes.map((c: { where: string; what: string }) => `${c.where}: ${c.what}`)).toContain(lists);
  });

  it('covers every rule the issue names', () => {
    const rules = cases.map((c) => c.rule).join('\n');
    for (const rule of [
      'operation removed',
      'field removed',
      'type narrowed',
      'new required input',
      'limit tightened',
      'enum value removed',
      'error kind changed',
      'new operation',
      'new optional field',
      'limit relaxed',
      'description',
      'example',
    ]) {
      expect(rules).toContain(rule);
    }
  });
});

describe('pnpm spec:diff --check in a repository with a release', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'rollcall-spec-diff-'));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: repo, stdio: 'pipe' });
  const specDiff = (...args: string[]) => {
    try {
      return {
        code: 0,
        out: execFileSync(process.execPath, [path.join(root, 'tools/spec-diff/index.mjs'), '--root', repo, ...args], { encoding: 'utf8', stdio: 'pipe' }),
      };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, out: e.stdout + e.stderr };
    }
  };

  it('passes on a release, fails on a spec change without a changeset, passes once --write proposes one', () => {
    for (const dir of ['specs', 'packages/volcengine-rtc', 'packages/aliyun-live', 'packages/tencent-live', 'packages/agora-rtc']) {
      cpSync(path.join(root, dir, dir === 'specs' ? '' : 'package.json'), path.join(repo, dir, dir === 'specs' ? '' : 'package.json'), { recursive: true });
      if (dir !== 'specs') cpSync(path.join(root, dir, 'api'), path.join(repo, dir, 'api'), { recursive: true });
    }
    cpSync(path.join(root, '.changeset/config.json'), path.join(repo, '.changeset/config.json'));
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'release');
    for (const name of ['@rollcall/volcengine-rtc', '@rollcall/aliyun-live', '@rollcall/tencent-live', '@rollcall/agora-rtc']) git('tag', `${name}@0.1.0`);
    expect(specDiff('--check')).toEqual({
      code: 0,
      out: expect.stringContaining('@rollcall/volcengine-rtc (specs/volcengine-rtc.yaml, since @rollcall/volcengine-rtc@0.1.0): none'),
    });

    // The vendor lowers a limit: a breaking change for users of the client.
    const file = path.join(repo, 'specs/volcengine-rtc.yaml');
    const spec = parse(readFileSync(file, 'utf8'));
    spec.components.schemas.ParticipantUserIds.maxItems = 100;
    writeFileSync(file, stringify(spec));
    const failing = specDiff('--check');
    expect(failing.code).toBe(1);
    expect(failing.out).toContain('breaking BatchGetConversationParticipant request.body.ParticipantUserIds: maxItems tightened: 200 → 100');
    expect(failing.out).toContain('@rollcall/volcengine-rtc: its spec changed (breaking since @rollcall/volcengine-rtc@0.1.0)');

    // A changeset that bumps too little does not satisfy the check.
    writeFileSync(path.join(repo, '.changeset/too-small.md'), "---\n'@rollcall/volcengine-rtc': minor\n---\n\nSmaller batches.\n");
    expect(specDiff('--check').code).toBe(1);

    const written = specDiff('--write');
    expect(written.code).toBe(0);
    const proposed = readdirSync(path.join(repo, '.changeset')).filter((f) => f.startsWith('spec-'));
    expect(proposed).toEqual(['spec-volcengine-rtc-0-1-0.md']);
    expect(readFileSync(path.join(repo, '.changeset', proposed[0]!), 'utf8')).toMatch(/^---\n'@rollcall\/volcengine-rtc': major\n---\n/);
    expect(specDiff('--check').code).toBe(0);
  });

  it('proposes a bump for a hand-written API change too: a removed export is breaking, an added one a feature', () => {
    const report = path.join(repo, 'packages/aliyun-live/api/index.api.md');
    const released = readFileSync(report, 'utf8');
    const removed = released.replace(/\/\/ @public[^\n]*\nexport function createAliyunLiveClient[^\n]*\n/, '');
    expect(removed).not.toBe(released);
    writeFileSync(report, removed);
    const failing = specDiff('--check');
    expect(failing.code).toBe(1);
    expect(failing.out).toContain('breaking packages/aliyun-live/api/index.api.md: removed: export function createAliyunLiveClient');
    expect(failing.out).toContain('@rollcall/aliyun-live: its exported API changed (breaking since @rollcall/aliyun-live@0.1.0)');
    expect(specDiff('--write').code).toBe(0);
    expect(readFileSync(path.join(repo, '.changeset/api-aliyun-live-0-1-0.md'), 'utf8')).toMatch(
      /^---\n'@rollcall\/aliyun-live': major\n---\n\nThe exported API/,
    );
    expect(specDiff('--check').code).toBe(0);
  });
});

describe('spec:diff classifies API report changes', () => {
  const report = (...declarations: string[]) => `## API Report\n\n\`\`\`ts\n\nimport { X } from 'y';\n\n${declarations.join('\n\n')}\n\n\`\`\`\n`;
  const a = '// @public\nexport function a(x: string): number;';
  const b = '// @public (undocumented)\nexport interface B {\n    readonly id: string;\n}';
  it('none, feature, breaking', () => {
    expect(classifyApiChange(report(a, b), report(a, b), 'r').kind).toBe('none');
    expect(classifyApiChange(report(a), report(a, b), 'r')).toEqual({
      kind: 'feature',
      changes: [{ kind: 'feature', where: 'r', what: 'added: export interface B' }],
    });
    expect(classifyApiChange(report(a, b), report(b), 'r').changes).toEqual([{ kind: 'breaking', where: 'r', what: 'removed: export function a' }]);
    const narrowed = b.replace('readonly id: string;', 'readonly id: number;');
    expect(classifyApiChange(report(a, b), report(a, narrowed), 'r').changes).toEqual([{ kind: 'breaking', where: 'r', what: 'changed: export interface B' }]);
  });
});
