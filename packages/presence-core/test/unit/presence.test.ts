import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { readJson } from '@rollcall/runtime';
import { jsonResponse, stubFetch } from '@rollcall/test-support';
import { operations as volcOps } from '@rollcall/volcengine-rtc';
import { operations as aliyunOps } from '@rollcall/aliyun-live';
import { operations as tencentOps } from '@rollcall/tencent-live';
import {
  AuthError,
  CapabilityError,
  ConfigurationError,
  ContradictoryResponseError,
  createPresence,
  LimiterRegistry,
  NotFoundError,
  PaginationLoopError,
  PaginationStalledError,
  RequestValidationError,
  ThrottledError,
  TimeoutError,
  VendorApiError,
  type PresenceOptions,
  type StatusEntry,
} from '../../src/index.js';
import { volcengine } from '../../src/providers/volcengine.js';
import { QpsLimiter, WINDOW_MARGIN_MS } from '../../src/limiter.js';
import { aliyun } from '../../src/providers/aliyun.js';
import { tencent } from '../../src/providers/tencent.js';
import { agora } from '../../src/providers/agora.js';
import { tencentMemberPage, tencentOk, volcengineStatus } from '@rollcall/emulator/wire';
import { FakeClock, fakeAliyun, fakeTencent, fakeVolcengine, maxInWindow, volcengineAnswer, volcengineError, type Upstream } from '../support/fakes.js';

const SECRET = 'SK-very-secret-0000';
const volcBatch = volcOps.queryLiveParticipantStatus.batch.max;
const volcQps = volcOps.queryLiveParticipantStatus.qps;

function setup(upstream: (clock: FakeClock) => Upstream, options: Partial<PresenceOptions> = {}) {
  const clock = new FakeClock();
  const up = upstream(clock);
  const presenceOptions = { clock, limiters: new LimiterRegistry(undefined, clock), random: () => 0.5, ...options };
  return { clock, up, presenceOptions };
}

function volcPresence(answer?: Parameters<typeof fakeVolcengine>[1], options: Partial<PresenceOptions> = {}) {
  const { clock, up, presenceOptions } = setup((c) => fakeVolcengine(c, answer), options);
  const provider = volcengine({
    credentials: { accessKeyId: 'AK-demo', secretAccessKey: SECRET },
    fetch: up.fetch,
    imAppId: 1,
    rtcAppId: 'rtc-app',
  });
  return { clock, up, presence: createPresence(provider, presenceOptions) };
}

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i));

describe('status', () => {
  it("splits to the vendor's batch limit and answers one entry per id, in input order", async () => {
    const { clock, up, presence } = volcPresence();
    const input = ids(450).reverse();
    const result = await clock.run(presence.status('7', input));
    expect(up.calls).toHaveLength(Math.ceil(450 / volcBatch));
    for (const call of up.calls) expect(JSON.parse(call.body!).ParticipantUserIds.length).toBeLessThanOrEqual(volcBatch);
    expect(result.map((e) => e.userId)).toEqual(input);
    const first = result[input.indexOf('2')]!;
    expect(first).toMatchObject({ ok: true, userId: '2', online: true, joinedAt: new Date(1_700_000_000_000) });
    expect(result[input.indexOf('3')]).toMatchObject({ ok: true, online: false, joinedAt: null });
  });

  it('hands each batch to onBatch as it is answered; an abort rejects with the reason and hands nothing unanswered', async () => {
    const { clock, presence } = volcPresence();
    const batches: string[][] = [];
    const result = await clock.run(presence.status('7', ids(450), { onBatch: (entries) => batches.push(entries.map((e) => e.userId)) }));
    expect(batches.map((b) => b.length)).toEqual([volcBatch, volcBatch, 450 - 2 * volcBatch]);
    expect(batches.flat().sort()).toEqual(result.map((e) => e.userId).sort());
  });

  it('an abort in onBatch stops the calls: the reason rejects, and only answered batches were handed over', async () => {
    // A quota too small for an idle burst: the first batch is answered before the second leaves.
    const { clock, up, presence } = volcPresence(undefined, { qps: { [volcOps.queryLiveParticipantStatus.operationId]: 4 } });
    const controller = new AbortController();
    const seen: string[] = [];
    const reason = new Error('interrupted');
    const pending = presence.status('7', ids(2000), {
      signal: controller.signal,
      failures: 'report',
      onBatch: (entries) => {
        seen.push(...entries.map((e) => e.userId));
        if (seen.length === volcBatch) controller.abort(reason);
      },
    });
    await expect(clock.run(pending)).rejects.toBe(reason);
    expect(seen).toEqual(ids(volcBatch));
    expect(up.calls).toHaveLength(1);
  });

  it('statusStream: any iterable of ids, entries in input order as answered, a bounded number of calls in flight', async () => {
    // Paced one call at a time (no idle burst), so an early stop shows in the count of calls.
    const { clock, up, presence } = volcPresence(undefined, { qps: { [volcOps.queryLiveParticipantStatus.operationId]: 4 } });
    function* input() {
      for (let i = 1; i <= 1000; i++) yield String(i);
    }
    const seen: string[] = [];
    const consume = (async () => {
      for await (const entry of presence.statusStream('7', input())) {
        seen.push(entry.userId);
        if (entry.ok) expect(entry.online).toBe(Number(entry.userId) % 2 === 0);
      }
    })();
    await clock.run(consume);
    expect(seen).toEqual(ids(1000));
    expect(up.calls).toHaveLength(Math.ceil(1000 / volcBatch));
    // Stopping early stops the calls: a break after the first entries leaves the rest unsent.
    const before = up.calls.length;
    const early = (async () => {
      for await (const entry of presence.statusStream('7', input())) if (entry.userId === '3') break;
    })();
    await clock.run(early);
    expect(up.calls.length - before).toBeLessThan(Math.ceil(1000 / volcBatch));
  });

  it('looks up duplicates once but answers every position', async () => {
    const { clock, up, presence } = volcPresence();
    const result = await clock.run(presence.status('7', ['4', '5', '4', '4']));
    expect(JSON.parse(up.calls[0]!.body!).ParticipantUserIds).toEqual([4, 5]);
    expect(result.map((e) => e.userId)).toEqual(['4', '5', '4', '4']);
  });

  it('sends a 19-digit live group and snowflake user ids exactly, and answers each under its own id', async () => {
    const { clock, up, presence } = volcPresence();
    // Even ids are in the group (the fake); both sides of 2^53.
    const users = ['1847260331508621312', '9007199254740993', '9007199254740994', '10001', '1847260331508621312'];
    const result = await clock.run(presence.status('7226277271248584971', users));
    expect(up.calls[0]!.body).toBe(
      '{"AppId":1,"ConversationShortId":7226277271248584971,"ParticipantUserIds":[1847260331508621312,9007199254740993,9007199254740994,10001]}',
    );
    expect(result.map((e) => e.userId)).toEqual(users);
    expect(result.map((e) => e.ok && e.online)).toEqual([true, false, true, false, true]);
  });

  it('refuses what is not an int64 id before any call, saying which and why', async () => {
    const { up, presence } = volcPresence();
    for (const bad of ['9223372036854775808', '1.5', '', 'abc', '007', '-0']) {
      const error = await presence.status('7', ['1', bad]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).field).toBe('userIds.1');
    }
    const beyond = await presence.status('7', ['9223372036854775808']).catch((e: unknown) => e);
    expect((beyond as RequestValidationError).issues[0]!.message).toBe('"9223372036854775808" is beyond the int64 range of an integer user id');
    await expect(presence.status('room-not-a-number', ['1'])).rejects.toBeInstanceOf(RequestValidationError);
    await expect(presence.status('9223372036854775808', ['1'])).rejects.toBeInstanceOf(RequestValidationError);
    expect(up.calls).toHaveLength(0);
  });

  describe("Volcengine apps with string user ids (userIds: 'string')", () => {
    function stringPresence(answer?: Parameters<typeof fakeVolcengine>[1]) {
      const { clock, up, presenceOptions } = setup((c) => fakeVolcengine(c, answer));
      const provider = volcengine({ credentials: { accessKeyId: 'AK-demo', secretAccessKey: SECRET }, fetch: up.fetch, imAppId: 1, userIds: 'string' });
      return { clock, up, presence: createPresence(provider, presenceOptions) };
    }

    it('sends the ids as ParticipantUserIdsStr (the integer list empty) and answers each under the same string', async () => {
      const { clock, up, presence } = stringPresence();
      const result = await clock.run(presence.status('7', ['on-alice', 'bob', 'on-alice', '42']));
      expect(up.calls).toHaveLength(1);
      const body = JSON.parse(up.calls[0]!.body!);
      expect(body.ParticipantUserIds).toEqual([]);
      expect(body.ParticipantUserIdsStr).toEqual(['on-alice', 'bob', '42']);
      expect(result.map((e) => e.userId)).toEqual(['on-alice', 'bob', 'on-alice', '42']);
      expect(result.map((e) => e.ok && e.online)).toEqual([true, false, true, false]);
      expect(result[0]).toMatchObject({ joinedAt: new Date(1_700_000_000_000) });
    });

    it(`applies the ${volcBatch}-id bound to every call`, async () => {
      const { clock, up, presence } = stringPresence();
      const input = ids(450).map((id) => `u-${id}`);
      const result = await clock.run(presence.status('7', input));
      expect(up.calls.map((c) => JSON.parse(c.body!).ParticipantUserIdsStr.length)).toEqual([volcBatch, volcBatch, 450 - 2 * volcBatch]);
      expect(result.map((e) => e.userId)).toEqual(input);
    });

    it('refuses an id the model cannot carry before any call; details is not offered', async () => {
      const { up, presence } = stringPresence();
      for (const bad of ['', 'x'.repeat(129)]) {
        const error = await presence.status('7', ['ok', bad]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RequestValidationError);
        expect((error as RequestValidationError).field).toBe('userIds.1');
      }
      expect(presence.capabilities).toEqual(['status']);
      // @ts-expect-error BatchGetConversationParticipant has no string form
      expect(() => presence.details('7', ['a'])).toThrow(/integer user ids only/);
      expect(up.calls).toHaveLength(0);
    });

    it('an answer without ParticipantUserIdStr answers no string id', async () => {
      const { clock, presence } = stringPresence(() => volcengineAnswer({ Status: [volcengineStatus(1, 7, 5, 1000)] }));
      const reported = await clock.run(presence.status('7', ['5'], { failures: 'report' }));
      expect(reported[0]).toMatchObject({ ok: false, userId: '5', error: { name: 'IncompleteResponseError' } });
    });
  });

  it('refuses ids of the wrong type (BigInt, numbers) with a RequestValidationError, before any call', async () => {
    const { up, clock, presence } = volcPresence();
    const wrong = [0n, 7, null] as unknown as string[];
    for (const bad of wrong) {
      const error = await presence.status('9007199254740991', [bad]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).field).toBe('userIds.0');
    }
    const single = await clock.run(presence.isOnline('0', 0n as unknown as string).catch((e: unknown) => e));
    expect(single).toBeInstanceOf(RequestValidationError);
    expect((single as RequestValidationError).message).toContain('0n (a BigInt)');
    expect(up.calls).toHaveLength(0);
  });

  it('rejects the whole call when a batch fails, by default', async () => {
    const { clock, presence } = volcPresence((_r, i) => (i === 1 ? volcengineError('SignatureDoesNotMatch', 401) : undefined));
    await expect(clock.run(presence.status('7', ids(450)))).rejects.toBeInstanceOf(AuthError);
  });

  it("with failures: 'report', gives each id of a failed batch its error and keeps the rest", async () => {
    const { clock, presence } = volcPresence((_r, i) => (i === 1 ? volcengineError('SignatureDoesNotMatch', 401) : undefined));
    const result = await clock.run(presence.status('7', ids(450), { failures: 'report' }));
    const failed = result.filter((e) => !e.ok);
    expect(failed).toHaveLength(volcBatch);
    for (const entry of failed) expect((entry as { error: Error }).error).toBeInstanceOf(AuthError);
    expect(result.filter((e) => e.ok)).toHaveLength(450 - volcBatch);
  });

  it('never leaves a hole: an id the vendor left out fails alone, the others answered (or the whole call, when asked)', async () => {
    // The vendor answers for the first id only (as Alibaba's own page does for two).
    const { clock, presence } = volcPresence((request) => {
      const body = readJson(request.body!) as { ParticipantUserIds: Array<number | string> };
      return volcengineAnswer({ Status: [volcengineStatus(1, '7226277271248584971', BigInt(body.ParticipantUserIds[0]!), 1000)] });
    });
    const asked = ['1847260331508621312', '9007199254740993'];
    for (const failures of ['throw', 'report'] as const) {
      const result = await clock.run(presence.status('7226277271248584971', asked, { failures }));
      expect(result.map((e) => [e.userId, e.ok])).toEqual([
        [asked[0], true],
        [asked[1], false],
      ]);
      expect(result[1]).toMatchObject({ ok: false, error: { name: 'IncompleteResponseError', vendor: 'volcengine', userId: asked[1] } });
    }
    await expect(clock.run(presence.status('7226277271248584971', asked, { leftOut: 'throw' }))).rejects.toMatchObject({
      name: 'IncompleteResponseError',
      userId: asked[1],
    });
  });

  it('Alibaba: milliseconds become the same Date, batches of the table limit, ids with commas refused', async () => {
    const { clock, up, presenceOptions } = setup(fakeAliyun);
    const presence = createPresence(aliyun({ credentials: { accessKeyId: 'LTAI', accessKeySecret: SECRET }, appId: 'app', fetch: up.fetch }), presenceOptions);
    const result = await clock.run(presence.status('group', ['on1', 'off2', ...ids(40)]));
    expect(up.calls).toHaveLength(Math.ceil(42 / aliyunOps.batchGetOnlineUsers.batch.max));
    expect(result[0]).toMatchObject({ ok: true, online: true, joinedAt: new Date(1_700_000_000_000) });
    expect(result[1]).toMatchObject({ ok: true, online: false, joinedAt: null });
    await expect(presence.status('group', ['a,b'])).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('isOnline coalescing', () => {
  it(`10,000 concurrent lookups cost ceil(10,000 / limit) calls (Volcengine: ${Math.ceil(10_000 / volcBatch)})`, async () => {
    const { clock, up, presence } = volcPresence();
    const all = Promise.all(ids(10_000).map((id) => presence.isOnline('7', id)));
    const answers = await clock.run(all);
    expect(up.calls).toHaveLength(Math.ceil(10_000 / volcBatch));
    expect(answers[1]).toBe(true);
    expect(answers[0]).toBe(false);
  });

  it(`and on Alibaba: ${Math.ceil(10_000 / aliyunOps.batchGetOnlineUsers.batch.max)}`, async () => {
    const { clock, up, presenceOptions } = setup(fakeAliyun);
    const presence = createPresence(aliyun({ credentials: { accessKeyId: 'LTAI', accessKeySecret: SECRET }, appId: 'app', fetch: up.fetch }), presenceOptions);
    await clock.run(Promise.all(ids(10_000).map((id) => presence.isOnline('g', `on${id}`))));
    expect(up.calls).toHaveLength(Math.ceil(10_000 / aliyunOps.batchGetOnlineUsers.batch.max));
  });

  it('gathers lookups over a configured window, per room', async () => {
    const { clock, up, presence } = volcPresence(undefined, { coalesceWindowMs: 50 });
    const a = presence.isOnline('7', '2');
    await clock.advance(30);
    const b = presence.isOnline('7', '3');
    const c = presence.isOnline('8', '3');
    await clock.advance(30);
    expect(await clock.run(Promise.all([a, b, c]))).toEqual([true, false, false]);
    expect(up.calls).toHaveLength(2);
  });

  it("leaves no listener on a caller's signal once its answer is in", async () => {
    const { clock, presence } = volcPresence();
    const shutdown = new AbortController();
    expect(await clock.run(Promise.all(['2', '3'].map((id) => presence.isOnline('7', id, { signal: shutdown.signal }))))).toEqual([true, false]);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('a failed batch rejects each waiting caller with the typed error', async () => {
    const { clock, presence } = volcPresence(() => volcengineError('ConversationNotFound', 404));
    const lookups = ['1', '2'].map((id) => presence.isOnline('7', id).catch((e: unknown) => e));
    const [a, b] = await clock.run(Promise.all(lookups));
    expect(a).toBeInstanceOf(NotFoundError);
    expect(b).toBeInstanceOf(NotFoundError);
  });
});

describe('roster', () => {
  const members = Array.from({ length: 250 }, (_, i) => `m${i}`);
  function tencentPresence(list = members, cursorFor?: (page: number) => string) {
    const { clock, up, presenceOptions } = setup((c) => fakeTencent(c, list, 100, cursorFor));
    const presence = createPresence(
      tencent({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: SECRET }, fetch: up.fetch }),
      presenceOptions,
    );
    return { clock, up, presence };
  }

  it('is awaitable for the first page', async () => {
    const { clock, up, presence } = tencentPresence();
    const page = await clock.run(Promise.resolve(presence.roster('room')));
    expect(page).toMatchObject({ total: 250, truncated: false, next: 'p1' });
    expect(page.members).toHaveLength(100);
    expect(up.calls).toHaveLength(1);
  });

  it('iterates every member across pages, and pages as pages', async () => {
    const { clock, up, presence } = tencentPresence();
    const collected: string[] = [];
    await clock.run(
      (async () => {
        for await (const member of presence.roster('room')) collected.push(member.userId);
      })(),
    );
    expect(collected).toEqual(members);
    expect(up.calls.map((c) => JSON.parse(c.body!).Next)).toEqual(['', 'p1', 'p2']);
    const sizes: number[] = [];
    await clock.run(
      (async () => {
        for await (const page of presence.roster('room').pages()) sizes.push(page.members.length);
      })(),
    );
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('stops at maxItems and says the listing was truncated', async () => {
    const { clock, up, presence } = tencentPresence();
    const pages = await clock.run(
      (async () => {
        const out = [];
        for await (const page of presence.roster('room', { maxItems: 150 }).pages()) out.push(page);
        return out;
      })(),
    );
    expect(pages.map((p) => p.members.length)).toEqual([100, 50]);
    expect(pages.at(-1)).toMatchObject({ truncated: true, next: null });
    expect(up.calls).toHaveLength(2);
  });

  it(`reports a room at Tencent's ${tencentOps.getMemberList.pagination.cap}-member cap as truncated`, async () => {
    const { clock, presence } = tencentPresence(Array.from({ length: 1500 }, (_, i) => `m${i}`));
    const all = await clock.run(presence.roster('room').all());
    expect(all).toHaveLength(tencentOps.getMemberList.pagination.cap);
    const last = await clock.run(Promise.resolve(presence.roster('room')));
    expect(last.truncated).toBe(true);
  });

  it('throws PaginationLoopError when the service repeats a cursor', async () => {
    const { clock, presence } = tencentPresence(members, () => 'same');
    await expect(clock.run(presence.roster('room').all())).rejects.toBeInstanceOf(PaginationLoopError);
  });

  it('honours an abort between pages', async () => {
    const { clock, up, presence } = tencentPresence();
    const controller = new AbortController();
    const reason = new Error('stop');
    const seen = clock.run(
      (async () => {
        for await (const page of presence.roster('room', { signal: controller.signal }).pages()) {
          if (page.next === 'p1') controller.abort(reason);
        }
      })(),
    );
    await expect(seen).rejects.toBe(reason);
    expect(up.calls).toHaveLength(1);
  });

  it('Volcengine: visible and invisible users told apart; a missing room is NotFoundError', async () => {
    const { clock, presence } = volcPresence();
    const page = await clock.run(Promise.resolve(presence.roster('Room1')));
    expect(page.members).toEqual([
      { userId: 'a', visibility: 'visible', role: null, raw: 'a' },
      { userId: 'b', visibility: 'visible', role: null, raw: 'b' },
      { userId: 'c', visibility: 'invisible', role: null, raw: 'c' },
    ]);
    expect(page).toMatchObject({ total: 3, truncated: false, next: null });
    const missing = volcPresence(() => volcengineAnswer({ RoomExists: false }, 'GetRoomOnlineUsers'));
    await expect(missing.clock.run(Promise.resolve(missing.presence.roster('Room1')))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('Volcengine: more invisible users than listed means truncated', async () => {
    const { clock, presence } = volcPresence(() =>
      volcengineAnswer(
        { RoomExists: true, TotalUser: 12001, TotalInvisibleUser: 12000, VisibleUserList: ['v'], InvisibleUserList: ['i'] },
        'GetRoomOnlineUsers',
      ),
    );
    expect((await clock.run(Promise.resolve(presence.roster('Room1')))).truncated).toBe(true);
  });
});

describe('details', () => {
  it('maps Volcengine participants; ids the service does not list are found: false', async () => {
    const { clock, presence } = volcPresence();
    const [member, stranger] = await clock.run(presence.details('7', ['2', '3']));
    expect(member).toMatchObject({
      ok: true,
      userId: '2',
      found: true,
      role: 'admin',
      nickname: 'n2',
      joinedAt: new Date(1_700_000_000_000),
      mutedUntil: null,
    });
    expect(stranger).toMatchObject({ ok: true, userId: '3', found: false, role: null });
  });
});

describe('batches in flight', () => {
  /** A Volcengine presence whose calls are answered by `fetch`, counting the batches outstanding at each acquisition. */
  function counted(clock: FakeClock, fetch: (request: Request) => Promise<Response>) {
    // Batches taken and not yet answered: waiting for the limiter, or out.
    let outstanding = 0;
    const seen: Array<{ outstanding: number; at: number }> = [];
    const limiters = new LimiterRegistry((key) => {
      const limiter = new QpsLimiter({ qps: key.qps, clock, windowMs: 1000 + WINDOW_MARGIN_MS });
      return {
        pause: (ms: number) => limiter.pause(ms),
        async acquire(signal?: AbortSignal) {
          seen.push({ outstanding: ++outstanding, at: clock.now() });
          try {
            const answered = await limiter.acquire(signal);
            return () => {
              outstanding--;
              answered();
            };
          } catch (error) {
            outstanding--;
            throw error;
          }
        },
      };
    }, clock);
    const presence = createPresence(volcengine({ credentials: { accessKeyId: 'AK-demo', secretAccessKey: SECRET }, fetch, imAppId: 1 }), {
      clock,
      limiters,
      random: () => 0.5,
    });
    return { presence, seen };
  }
  const most = (seen: ReadonlyArray<{ outstanding: number }>) => Math.max(...seen.map((s) => s.outstanding));

  it('takes no more batches than the quota can use at the answer time seen (Little’s law), not a second of quota', async () => {
    const clock = new FakeClock();
    const up = fakeVolcengine(clock);
    const answerMs = 100;
    const { presence, seen } = counted(clock, async (request) => {
      await clock.sleep(answerMs);
      return up.fetch(request);
    });
    const input = ids(volcBatch * 300);
    const result = await clock.run(presence.status('7', input));
    expect(result.map((e) => e.userId)).toEqual(input);
    // Until an answer comes back, 8 and one more each pacing interval (the answer time is at least
    // as long as the first calls have been out); then QPS × answer time × 2 + 8 (the answer time as
    // seen, which includes up to one pacing interval of waiting to be read).
    expect(most(seen.filter((s) => s.at === 0))).toBe(8);
    for (const { outstanding, at } of seen.filter((s) => s.at < answerMs)) expect(outstanding).toBeLessThanOrEqual(Math.ceil((volcQps * at) / 1000) + 8);
    const seenAnswerMs = answerMs + 1000 / volcQps;
    expect(most(seen)).toBeLessThanOrEqual(Math.ceil((volcQps * seenAnswerMs * 2) / 1000) + 8);
    expect(most(seen)).toBeLessThan(volcQps / 3);
  });

  it('answers that queue (a vendor slower than the quota) do not raise the cap: it follows the least answer time, not an average', async () => {
    const clock = new FakeClock();
    const up = fakeVolcengine(clock);
    // One answer at a time, 20 ms each: 50 a second against a quota of 100, so answers queue and
    // each waits for all those ahead of it. An average answer time grows with what is in flight,
    // and a cap built on it grows with it (to a second of quota); the least one stays the trip.
    const serviceMs = 20;
    let queue = Promise.resolve();
    const { presence, seen } = counted(clock, (request) => {
      const turn = queue.then(() => clock.sleep(serviceMs));
      queue = turn;
      return turn.then(() => up.fetch(request));
    });
    const input = ids(volcBatch * 150);
    const result = await clock.run(presence.status('7', input));
    expect(result.map((e) => e.userId)).toEqual(input);
    expect(most(seen)).toBeLessThanOrEqual(Math.ceil((volcQps * (serviceMs + 1000 / volcQps) * 2) / 1000) + 8);
  });

  it('duplicates among a million ids are looked up once and answered at every position', async () => {
    const { clock, up, presence } = volcPresence();
    const input = [...ids(1000), ...ids(1000), '4', '4'];
    const result = await clock.run(presence.status('7', input));
    expect(up.calls).toHaveLength(Math.ceil(1000 / volcBatch));
    expect(result.map((e) => e.userId)).toEqual(input);
    for (let i = 0; i < 1000; i++) expect(result[i + 1000]).toBe(result[i]);
    expect(result.at(-1)).toBe(result[3]);
  });
});

describe('capabilities', () => {
  it('asking a provider for what it lacks is a compile error and a CapabilityError', () => {
    const { up, presenceOptions } = setup(fakeAliyun);
    const presence = createPresence(aliyun({ credentials: { accessKeyId: 'LTAI', accessKeySecret: SECRET }, appId: 'app', fetch: up.fetch }), presenceOptions);
    // @ts-expect-error Alibaba cannot list a group
    expect(() => presence.roster('group')).toThrow(CapabilityError);
    const im = createPresence(tencent({ credentials: { sdkAppId: 1, identifier: 'a', secretKey: SECRET } }), presenceOptions);
    // @ts-expect-error Tencent has no status lookup
    expect(() => im.status('r', ['a'])).toThrow(/no "status" capability/);
    const statusOnly = createPresence(volcengine({ credentials: { accessKeyId: 'a', secretAccessKey: SECRET }, imAppId: 1 }), presenceOptions);
    // @ts-expect-error roster needs rtcAppId
    expect(() => statusOnly.roster('r')).toThrow(/rtcAppId/);
    expect(statusOnly.capabilities).toEqual(['status', 'details']);
    // @ts-expect-error only Agora lists a project's rooms
    expect(() => im.rooms()).toThrow(/no "rooms" capability/);
    const channels = createPresence(agora({ credentials: { customerId: 'c', customerSecret: SECRET }, appId: 'app' }), presenceOptions);
    expect(channels.capabilities).toEqual(['status', 'roster', 'rooms']);
    // @ts-expect-error Agora has no member details
    expect(() => channels.details('c', ['1'])).toThrow(CapabilityError);
  });
});

describe('rate limiting', () => {
  it(`never sends more than the QPS (${volcQps}) in any one-second window`, async () => {
    const { clock, up, presence } = volcPresence();
    await clock.run(presence.status('7', ids(volcBatch * 350)));
    expect(up.calls).toHaveLength(350);
    expect(maxInWindow(up.times)).toBeLessThanOrEqual(volcQps);
    // And no slower than the pacing needs: one start every (1 s + margin) / QPS.
    expect(Math.max(...up.times)).toBeLessThanOrEqual(((350 - 1) * (1000 + WINDOW_MARGIN_MS)) / volcQps + 1);
  });

  it('shares one limiter between presence instances of the same account', async () => {
    const clock = new FakeClock();
    const up = fakeVolcengine(clock);
    const limiters = new LimiterRegistry(undefined, clock);
    const make = () =>
      createPresence(volcengine({ credentials: { accessKeyId: 'AK-shared', secretAccessKey: SECRET }, fetch: up.fetch, imAppId: 1 }), { clock, limiters });
    const [a, b] = [make(), make()];
    await clock.run(Promise.all([a.status('7', ids(volcBatch * 100)), b.status('8', ids(volcBatch * 100))]));
    expect(maxInWindow(up.times)).toBeLessThanOrEqual(volcQps);
  });

  it('keys the limiter by the account named beside a credentials provider, whose keys rotate', async () => {
    const clock = new FakeClock();
    const up = fakeVolcengine(clock);
    const limiters = new LimiterRegistry(undefined, clock);
    let issued = 0;
    // Each refresh a new temporary access key id, as STS issues them; one account behind them all.
    const credentials = async () => ({
      accessKeyId: `AKTP-${++issued}`,
      secretAccessKey: SECRET,
      sessionToken: 'token',
      expiration: new Date(clock.now() + 1000),
    });
    const make = () =>
      createPresence(volcengine({ credentials, account: 'account-1', fetch: up.fetch, now: () => new Date(clock.now()), imAppId: 1 }), { clock, limiters });
    const [a, b] = [make(), make()];
    await clock.run(Promise.all([a.status('7', ids(volcBatch * 100)), b.status('8', ids(volcBatch * 100))]));
    expect(issued).toBeGreaterThan(2);
    expect(maxInWindow(up.times)).toBeLessThanOrEqual(volcQps);
  });

  it('refuses a credentials provider without the account its quota counts against', () => {
    const provider = async () => ({ accessKeyId: 'AKTP-1', secretAccessKey: SECRET });
    expect(() => volcengine({ credentials: provider, imAppId: 1 })).toThrow(
      new ConfigurationError(
        'volcengine: with a credentials provider, name the account the quota counts against (account: the accessKeyId of the account): temporary keys change as they refresh',
      ),
    );
    expect(() => tencent({ credentials: async () => ({ sdkAppId: 1400000000, identifier: 'admin', secretKey: SECRET }), region: 'china' })).toThrow(
      ConfigurationError,
    );
    expect(() => agora({ credentials: async () => ({ customerId: 'c', customerSecret: SECRET }), appId: 'app' })).toThrow(ConfigurationError);
    expect(() => aliyun({ credentials: { getCredential: async () => ({ accessKeyId: 'STS.1', accessKeySecret: SECRET }) }, appId: 'app' })).toThrow(
      ConfigurationError,
    );
    expect(() =>
      aliyun({ credentials: { getCredential: async () => ({ accessKeyId: 'STS.1', accessKeySecret: SECRET }) }, appId: 'app', account: 'acct' }),
    ).not.toThrow();
  });

  it('honours a QPS override', async () => {
    const { clock, up, presence } = volcPresence(undefined, { qps: { QueryLiveParticipantStatus: 10 } });
    await clock.run(presence.status('7', ids(volcBatch * 30)));
    expect(maxInWindow(up.times)).toBeLessThanOrEqual(10);
  });

  it('a throttle pauses the whole queue, not only the request that got it', async () => {
    const events: Array<{ pauseMs: number }> = [];
    let throttledAt = -1;
    const { clock, up, presence } = volcPresence(
      (_r, i) => {
        if (i === 5) return volcengineError('FlowLimitExceeded.QPSOverLimit', 429, { 'retry-after': '2' });
        return undefined;
      },
      { hooks: { onThrottle: (e) => events.push(e) } },
    );
    const done = clock.run(presence.status('7', ids(volcBatch * 20)));
    await done;
    throttledAt = up.times[5]!;
    expect(events).toEqual([expect.objectContaining({ pauseMs: 2000, operation: 'QueryLiveParticipantStatus' })]);
    // Nothing at all went out during the pause.
    expect(up.times.filter((t) => t > throttledAt && t < throttledAt + 2000)).toEqual([]);
    expect(up.calls).toHaveLength(21);
  });

  it('without Retry-After, a throttle pauses briefly and proportionately: two pacing intervals, doubling while throttles keep coming', async () => {
    const events: Array<{ pauseMs: number }> = [];
    const { clock, presence } = volcPresence(
      (_r, i) => (i === 3 || i === 4 || i === 150 ? volcengineError('FlowLimitExceeded.QPSOverLimit', 429) : undefined),
      { hooks: { onThrottle: (e) => events.push(e) } },
    );
    await clock.run(presence.status('7', ids(volcBatch * 200)));
    const interval = 1000 / volcQps;
    // Two in a row double; one after a quiet second starts over.
    expect(events.map((e) => e.pauseMs)).toEqual([2 * interval, 4 * interval, 2 * interval]);
  });
});

describe('retries', () => {
  it('retries retryable codes with exponential backoff and full jitter, then gives up', async () => {
    const retries: Array<{ attempt: number; delayMs: number }> = [];
    const { clock, up, presence } = volcPresence(() => volcengineError('InternalError', 500), {
      retry: { maxAttempts: 4, baseDelayMs: 100 },
      random: () => 0.5,
      hooks: { onRetry: (e) => retries.push({ attempt: e.attempt, delayMs: e.delayMs }) },
    });
    await expect(clock.run(presence.status('7', ['1']))).rejects.toBeInstanceOf(VendorApiError);
    expect(up.calls).toHaveLength(4);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 50 },
      { attempt: 2, delayMs: 100 },
      { attempt: 3, delayMs: 200 },
    ]);
  });

  it('does not retry what the table marks non-retryable', async () => {
    const { clock, up, presence } = volcPresence(() => volcengineError('InvalidParameter.IllegalAppId', 400));
    await expect(clock.run(presence.status('7', ['1']))).rejects.toBeInstanceOf(VendorApiError);
    expect(up.calls).toHaveLength(1);
  });

  it('retries network errors and succeeds, honouring Retry-After', async () => {
    const { clock, up, presence } = volcPresence((_r, i) => {
      if (i === 0) throw new TypeError('fetch failed');
      if (i === 1) return volcengineError('FlowLimitExceeded.QPSOverLimit', 429, { 'retry-after': '3' });
      return undefined;
    });
    const result = await clock.run(presence.status('7', ['2']));
    expect(result[0]).toMatchObject({ ok: true, online: true });
    expect(up.calls).toHaveLength(3);
    expect(up.times[2]! - up.times[1]!).toBeGreaterThanOrEqual(3000);
  });

  it('a Retry-After longer than the call allows fails at once with the ThrottledError, never retrying early', async () => {
    const { clock, up, presence } = volcPresence(() => volcengineError('FlowLimitExceeded.QPSOverLimit', 429, { 'retry-after': '3600' }), {
      retry: { maxAttempts: 3, maxDelayMs: 20_000 },
    });
    const started = clock.now();
    const error = await clock.run(presence.status('7', ['1']).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(3_600_000);
    expect(up.calls).toHaveLength(1);
    expect(clock.now() - started).toBeLessThan(1000);
  });

  it('a deadline across attempts: no retry starts that could not finish in time', async () => {
    const { clock, up, presence } = volcPresence(() => volcengineError('InternalError', 500), {
      retry: { maxAttempts: 10, baseDelayMs: 100, deadlineMs: 250 },
      random: () => 0.5,
    });
    await expect(clock.run(presence.status('7', ['1']))).rejects.toBeInstanceOf(VendorApiError);
    // Attempts at 0, 50 and 150 ms; the next would start at 350 ms, past the deadline.
    expect(up.times).toEqual([0, 50, 150].map((t) => up.times[0]! + t));
  });

  it('each attempt gets at most what is left of the deadline', async () => {
    const seen: number[] = [];
    const provider = volcengine({
      credentials: { accessKeyId: 'AK', secretAccessKey: SECRET },
      imAppId: 1,
      timeoutMs: 60_000,
      // Never answers; gives up when the attempt's deadline aborts it.
      fetch: (request: Request) => {
        seen.push(Date.now());
        return new Promise<Response>((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
      },
    });
    const presence = createPresence(provider, { limiters: new LimiterRegistry(), retry: { deadlineMs: 200, maxAttempts: 3 } });
    const error = await presence.status('7', ['1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBeLessThanOrEqual(200);
    expect(seen).toHaveLength(1);
  });

  it('signs every attempt afresh', async () => {
    const clock = new FakeClock();
    let n = 0;
    const calls: string[] = [];
    const provider = aliyun({
      credentials: { accessKeyId: 'LTAI', accessKeySecret: SECRET },
      appId: 'app',
      nonce: () => `nonce-${++n}`,
      fetch: async (request: Request) => {
        calls.push(request.headers.get('x-acs-signature-nonce')!);
        return calls.length < 3
          ? jsonResponse({ RequestId: 'r', Code: 'ServiceUnavailable', Message: 'x' }, 503)
          : jsonResponse({ RequestId: 'r', Result: { OnlineUsers: [{ UserId: 'u', Online: true }] } });
      },
    });
    const presence = createPresence(provider, { clock, limiters: new LimiterRegistry(undefined, clock) });
    await clock.run(presence.status('g', ['u']));
    expect(calls).toEqual(['nonce-1', 'nonce-2', 'nonce-3']);
  });

  it('hooks never see a secret', async () => {
    const seen: unknown[] = [];
    const { clock, presence } = volcPresence((_r, i) => (i < 2 ? volcengineError('FlowLimitExceeded.QPSOverLimit', 429) : undefined), {
      hooks: { onRequest: (e) => seen.push(e), onRetry: (e) => seen.push(e), onThrottle: (e) => seen.push(e) },
    });
    await clock.run(presence.status('7', ['1']));
    expect(seen.length).toBeGreaterThan(4);
    const printed = JSON.stringify(seen) + seen.map((e) => String((e as { error?: Error }).error ?? '')).join('');
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain('Signature=');
  });

  it('a caller abort stops waiting at once', async () => {
    const { clock, presence } = volcPresence(() => volcengineError('InternalError', 500), { retry: { maxAttempts: 5, baseDelayMs: 10_000 } });
    const controller = new AbortController();
    const reason = new Error('caller stop');
    const pending = presence.status('7', ['1'], { signal: controller.signal });
    await clock.advance(10);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('result typing', () => {
  it('narrows on ok', async () => {
    const { clock, presence } = volcPresence();
    const [entry] = (await clock.run(presence.status('7', ['2']))) as [StatusEntry];
    if (entry.ok) expect(entry.online).toBe(true);
    else throw entry.error;
    expect(ThrottledError).toBeDefined();
  });
});

describe('answers that contradict themselves', () => {
  const tencentPage = (next: string, total: number, accounts: string[]) => jsonResponse(tencentOk('r', tencentMemberPage(accounts, total, next)).body);
  function scriptedTencent(pages: (request: { Next: string }, index: number) => Response) {
    const { clock, presenceOptions } = setup(() => ({ fetch: async () => new Response(), calls: [], times: [] }));
    const stub = stubFetch((request, index) => pages(JSON.parse(request.body!), index));
    const presence = createPresence(
      tencent({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: SECRET }, fetch: stub.fetch }),
      presenceOptions,
    );
    return { clock, calls: stub.calls, presence };
  }
  const volcRoom = (result: Record<string, unknown>) => volcengineAnswer({ RoomExists: true, ...result }, 'GetRoomOnlineUsers');
  const range = (prefix: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `${prefix}${String(from + i).padStart(3, '0')}`);

  it('a user listed twice with different answers is a ContradictoryResponseError, never the last answer', async () => {
    const { clock, presence } = volcPresence((request) => {
      const body = JSON.parse(request.body!);
      const record = (id: number, inRoom: boolean) => volcengineStatus(body.AppId, 7, id, inRoom ? 1000 : null);
      return volcengineAnswer({ Status: [record(10000, false), record(10001, true), record(10001, true), record(10000, true)] });
    });
    const thrown = await clock.run(presence.status('7', ['10000', '10001'], { leftOut: 'throw' }).catch((e: unknown) => e));
    expect(thrown).toBeInstanceOf(ContradictoryResponseError);
    expect(thrown).toMatchObject({ vendor: 'volcengine', userId: '10000' });
    const reported = await clock.run(presence.status('7', ['10000', '10001'], { failures: 'report' }));
    expect(reported.map((e) => [e.userId, e.ok, e.ok ? e.online : e.error.constructor.name])).toEqual([
      ['10000', false, 'ContradictoryResponseError'],
      ['10001', true, true],
    ]);
  });

  it('the same on Alibaba', async () => {
    const { clock, presenceOptions } = setup(() => ({ fetch: async () => new Response(), calls: [], times: [] }));
    const stub = stubFetch(() =>
      jsonResponse({
        RequestId: 'r',
        Result: {
          OnlineUsers: [
            { UserId: 'u0', Online: false, JoinTime: 0 },
            { UserId: 'u0', Online: true, JoinTime: 5 },
            { UserId: 'u1', Online: false, JoinTime: 0 },
          ],
        },
      }),
    );
    const presence = createPresence(aliyun({ credentials: { accessKeyId: 'AK', accessKeySecret: SECRET }, fetch: stub.fetch, appId: 'app' }), presenceOptions);
    const reported = await clock.run(presence.status('g', ['u0', 'u1'], { failures: 'report' }));
    expect(reported.map((e) => [e.userId, e.ok])).toEqual([
      ['u0', false],
      ['u1', true],
    ]);
    expect(reported[0]).toMatchObject({ error: expect.any(ContradictoryResponseError) });
  });

  it('endless empty pages with fresh cursors stop with a PaginationStalledError', async () => {
    const { clock, calls, presence } = scriptedTencent((_request, index) => tencentPage(`cur-${index + 4}`, 250, []));
    const error = await clock.run(
      presence
        .roster('room')
        .all()
        .catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(PaginationStalledError);
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect(calls).toHaveLength(2);
  });

  it('a listing that goes past the vendor cap with fresh members stops', async () => {
    const cap = tencentOps.getMemberList.pagination.cap;
    const { clock, calls, presence } = scriptedTencent((_request, index) => tencentPage(`cur-${index + 1}`, cap * 10, range(`p${index}-`, 200)));
    const error = await clock.run(
      presence
        .roster('room')
        .all()
        .catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(PaginationStalledError);
    expect(calls).toHaveLength(cap / 200 + 1);
  });

  it('a listing that ends short of the vendor count is truncated (Tencent)', async () => {
    const { clock, presence } = scriptedTencent(() => tencentPage('', 250, range('m', 100)));
    const page = await clock.run(Promise.resolve(presence.roster('room')));
    expect(page).toMatchObject({ total: 250, truncated: true, next: null });
  });

  it('a listing that ends short of the vendor count is truncated (Volcengine)', async () => {
    const { clock, presence } = volcPresence(() => volcRoom({ TotalUser: 50, TotalInvisibleUser: 0, VisibleUserList: range('v', 20), InvisibleUserList: [] }));
    const page = await clock.run(Promise.resolve(presence.roster('room')));
    expect(page).toMatchObject({ total: 50, truncated: true });
    expect(page.members).toHaveLength(20);
  });

  it('members listed again are delivered once, and the pages say how many were dropped', async () => {
    const all = range('m', 250);
    const { clock, presence } = scriptedTencent(({ Next }) =>
      Next === ''
        ? tencentPage('p1', 250, all.slice(0, 100))
        : Next === 'p1'
          ? tencentPage('p2', 250, [...all.slice(0, 10), ...all.slice(100, 200)])
          : tencentPage('', 250, all.slice(200)),
    );
    const pages: Array<{ members: number; duplicates: number }> = [];
    const members: string[] = [];
    await clock.run(
      (async () => {
        for await (const page of presence.roster('room').pages()) {
          pages.push({ members: page.members.length, duplicates: page.duplicates });
          members.push(...page.members.map((m) => m.userId));
        }
      })(),
    );
    expect(members).toEqual(all);
    expect(pages).toEqual([
      { members: 100, duplicates: 0 },
      { members: 100, duplicates: 10 },
      { members: 50, duplicates: 0 },
    ]);
  });

  it('the same within one Volcengine list', async () => {
    const visible = range('v', 50);
    const { clock, presence } = volcPresence(() =>
      volcRoom({ TotalUser: 50, TotalInvisibleUser: 0, VisibleUserList: [...visible, ...visible.slice(0, 5)], InvisibleUserList: [] }),
    );
    const page = await clock.run(Promise.resolve(presence.roster('room')));
    expect(page.members.map((m) => m.userId)).toEqual(visible);
    expect(page).toMatchObject({ duplicates: 5, truncated: false });
  });
});
