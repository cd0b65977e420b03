// watch: joins and leaves from polling, paced by the vendor's refresh granularity, honest about
// truncated listings, and steady through errors.
import { jsonResponse, stubFetch } from '@rollcall/test-support';
import { tencentFail, tencentMemberPage, tencentOk } from '@rollcall/emulator/wire';
import { operations as tencentOps } from '@rollcall/tencent-live';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  createPresence,
  DEFAULT_WATCH_INTERVAL_MS,
  LimiterRegistry,
  NotFoundError,
  RequestValidationError,
  type WatchEvent,
} from '../../src/index.js';
import { aliyun } from '../../src/providers/aliyun.js';
import { MAX_WATCH_BACKOFF_MS } from '../../src/watch.js';
import { tencent } from '../../src/providers/tencent.js';
import { volcengine } from '../../src/providers/volcengine.js';
import { FakeClock, fakeAliyun, volcengineAnswer, volcengineError } from '../support/fakes.js';

const SECRET = 'watch-secret';
const tencentRefreshMs = tencentOps.getMemberList.refreshSeconds * 1000;
const cap = tencentOps.getMemberList.pagination.cap;

/** A Tencent room whose members the test changes between polls; `answer` may replace a reply. */
function tencentRoom(clock: FakeClock, members: string[], answer?: (index: number) => Response | undefined) {
  const times: number[] = [];
  const stub = stubFetch((_request, index) => {
    times.push(clock.now());
    const custom = answer?.(index);
    if (custom) return custom;
    const listed = members.slice(0, cap);
    return jsonResponse(tencentOk(`r${index}`, tencentMemberPage(listed, members.length, '')).body);
  });
  const presence = createPresence(tencent({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: SECRET }, fetch: stub.fetch }), {
    clock,
    limiters: new LimiterRegistry(undefined, clock),
    random: () => 0.5,
  });
  return { presence, times, calls: stub.calls };
}

/** Collects `n` events, running the fake clock as far as needed. */
async function take(clock: FakeClock, events: AsyncIterator<WatchEvent>, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  while (out.length < n) {
    const next = await clock.run(events.next());
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

const brief = (e: WatchEvent) =>
  e.type === 'snapshot'
    ? ['snapshot', e.members.length, e.truncated]
    : e.type === 'error'
      ? ['error', e.error.name, e.retryInMs]
      : e.type === 'unknown'
        ? ['unknown', e.appeared, e.vanished]
        : [e.type, e.userId, ...(e.type === 'left' && e.reason ? [e.reason] : [])];

describe('watch', () => {
  it(`polls no faster than the vendor refreshes (Tencent: ${tencentRefreshMs / 1000} s) and reports joins and leaves`, async () => {
    const clock = new FakeClock();
    const members = ['a', 'b'];
    const { presence, times } = tencentRoom(clock, members);
    const events = presence.watch('room', { intervalMs: 1000 })[Symbol.asyncIterator]();
    expect((await take(clock, events, 1)).map(brief)).toEqual([['snapshot', 2, false]]);
    members.push('c');
    members.splice(0, 1);
    const changes = await take(clock, events, 2);
    expect(changes.map(brief)).toEqual([
      ['joined', 'c'],
      ['left', 'a'],
    ]);
    expect(changes[0]!.at).toEqual(new Date(tencentRefreshMs));
    expect(times).toEqual([0, tencentRefreshMs]);
    await events.return?.();
  });

  it('never invents a leave or a join from a truncated listing; a complete one settles it', async () => {
    const clock = new FakeClock();
    const members = Array.from({ length: cap + 5 }, (_, i) => `m${i}`);
    const { presence } = tencentRoom(clock, members);
    const events = presence.watch('room')[Symbol.asyncIterator]();
    expect((await take(clock, events, 1)).map(brief)).toEqual([['snapshot', cap, true]]);
    // m0 leaves: m1000 (there all along, beyond the cap) is listed now.
    members.splice(0, 1);
    expect((await take(clock, events, 1)).map(brief)).toEqual([['unknown', [`m${cap}`], ['m0']]]);
    // Down to a complete listing (m1…m990): those no longer listed left, the vanished m0 too.
    members.splice(cap - 10);
    const settled = await take(clock, events, 11);
    expect(settled.map(brief)).toEqual([...Array.from({ length: 10 }, (_, i) => ['left', `m${cap - 9 + i}`]), ['left', 'm0']]);
    await events.return?.();
  });

  it('reports transient errors with a growing wait and goes on; a room that disappears means everyone left', async () => {
    const clock = new FakeClock();
    const members = ['a', 'b'];
    let failing = 0;
    let gone = false;
    const { presence } = tencentRoom(clock, members, (index) => {
      if (gone) return jsonResponse(tencentFail(`r${index}`, 100004, 'room not exist').body);
      if (failing-- > 0) return new Response('Bad Gateway', { status: 502 });
      return undefined;
    });
    const events = presence.watch('room')[Symbol.asyncIterator]();
    await take(clock, events, 1);
    failing = 2 * 3; // two polls' worth of attempts (each retried up to 3 times)
    const errors = await take(clock, events, 2);
    expect(errors.map(brief)).toEqual([
      ['error', 'VendorApiError', tencentRefreshMs],
      ['error', 'VendorApiError', Math.min(2 * tencentRefreshMs, MAX_WATCH_BACKOFF_MS)],
    ]);
    gone = true;
    const left = await take(clock, events, 3);
    expect(left.map(brief)).toEqual([
      ['left', 'a', 'room-gone'],
      ['left', 'b', 'room-gone'],
      // The third failed poll in a row.
      ['error', 'NotFoundError', Math.min(4 * tencentRefreshMs, MAX_WATCH_BACKOFF_MS)],
    ]);
    expect((left[2] as { error: Error }).error).toBeInstanceOf(NotFoundError);
    gone = false;
    expect((await take(clock, events, 2)).map(brief)).toEqual([
      ['joined', 'a'],
      ['joined', 'b'],
    ]);
    await events.return?.();
  });

  it('stops with the error when it cannot go on (refused credentials)', async () => {
    const clock = new FakeClock();
    const { presence } = tencentRoom(clock, ['a'], (index) => jsonResponse(tencentFail(`r${index}`, 70001, 'usersig expired').body));
    const events = presence.watch('room')[Symbol.asyncIterator]();
    await expect(clock.run(events.next())).rejects.toBeInstanceOf(AuthError);
  });

  it('ends when the signal aborts', async () => {
    const clock = new FakeClock();
    const { presence } = tencentRoom(clock, ['a']);
    const controller = new AbortController();
    const events = presence.watch('room', { signal: controller.signal })[Symbol.asyncIterator]();
    await take(clock, events, 1);
    const pending = events.next();
    await clock.advance(10);
    controller.abort();
    await expect(clock.run(pending)).resolves.toEqual({ done: true, value: undefined });
  });

  it('status-only providers watch the ids they are given, by status', async () => {
    const clock = new FakeClock();
    const online = new Set(['2']);
    const provider = volcengine({
      credentials: { accessKeyId: 'AK', secretAccessKey: SECRET },
      imAppId: 1,
      fetch: stubFetch((request) => {
        const body = JSON.parse(request.body!) as { ParticipantUserIds: number[] };
        return volcengineAnswer({
          Status: body.ParticipantUserIds.map((id) => ({
            AppId: 1,
            ConversationShortId: 7,
            ParticipantUserId: id,
            IsInConversation: online.has(String(id)),
            CreateTime: 0,
          })),
        });
      }).fetch,
    });
    const presence = createPresence(provider, { clock, limiters: new LimiterRegistry(undefined, clock) });
    // A compile error (userIds is required without a roster); a caller without types still gets a typed error.
    // @ts-expect-error
    expect(() => presence.watch('7')).toThrow(RequestValidationError);
    const events = presence.watch('7', { userIds: ['1', '2', '3'] })[Symbol.asyncIterator]();
    expect(await take(clock, events, 1)).toMatchObject([{ type: 'snapshot', members: ['2'], truncated: false }]);
    online.add('3');
    online.delete('2');
    const changes = await take(clock, events, 2);
    expect(changes.map(brief)).toEqual([
      ['joined', '3'],
      ['left', '2'],
    ]);
    expect(changes[0]!.at).toEqual(new Date(DEFAULT_WATCH_INTERVAL_MS));
    await events.return?.();
  });

  it('is a compile error and a CapabilityError where neither roster nor status exists', async () => {
    const clock = new FakeClock();
    const up = fakeAliyun(clock);
    const presence = createPresence(aliyun({ credentials: { accessKeyId: 'LTAI', accessKeySecret: SECRET }, appId: 'app', fetch: up.fetch }), { clock });
    // Alibaba: status only, so ids are required — by type, and at run time for a caller without types.
    // @ts-expect-error
    expect(() => presence.watch('group')).toThrow(RequestValidationError);
    void volcengineError;
  });
});
