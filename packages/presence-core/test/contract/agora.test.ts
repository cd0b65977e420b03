// The Agora provider against the emulator, end to end: Basic-auth requests through the real client,
// status answered per user or from one user list (whichever the operation table says is cheaper),
// rosters of both channel profiles with the audience cap, and the channel list as it drifts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations as agoraOps } from '@rollcall/agora-rtc';
import { DEFAULT_APPS, DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '@rollcall/emulator';
import { createPresence, LimiterRegistry, NotFoundError, RequestValidationError, type PresenceOptions } from '../../src/index.js';
import { agora, USER_LIST_CHEAPER_FROM, type AgoraProviderOptions } from '../../src/providers/agora.js';

let emulator: RunningEmulator;
const audienceCap = agoraOps.queryUserList.listBound.max;
const JOINED_AT = Date.UTC(2026, 0, 2, 3, 4, 5);

beforeAll(async () => {
  emulator = await startEmulator({
    seed: {
      agora: {
        channels: {
          // COMMUNICATION: uids 1…300.
          talk: Array.from({ length: 300 }, (_, i) => ({ userId: String(i + 1), joinedAt: JOINED_AT + i * 1000 })),
          // LIVE_BROADCASTING: two hosts and more audience than the service lists.
          stage: [
            { userId: '4000000000', agoraRole: 'host' as const, joinedAt: JOINED_AT },
            { userId: '7', agoraRole: 'host' as const, joinedAt: JOINED_AT },
            ...Array.from({ length: audienceCap + 50 }, (_, i) => ({ userId: String(100_000 + i), agoraRole: 'audience' as const, joinedAt: JOINED_AT })),
          ],
        },
      },
    },
  });
});
afterAll(async () => {
  await emulator.close();
});

const served = (operationId: string) => emulator.stats()[operationId]?.served ?? 0;
function presenceOf(extra: Partial<AgoraProviderOptions> = {}, options: PresenceOptions = {}) {
  return createPresence(
    agora({ credentials: DEMO_CREDENTIALS.agora, endpoint: emulator.url, appId: DEFAULT_APPS.agoraAppId, ...extra } as AgoraProviderOptions),
    { limiters: new LimiterRegistry(), ...options },
  );
}

describe('Agora status', () => {
  it('the cheaper way is declared from the table: from two users, one user list beats a call each', () => {
    expect(USER_LIST_CHEAPER_FROM).toBe(Math.floor(agoraOps.queryUserStatus.qps / agoraOps.queryUserList.qps) + 1);
    expect(USER_LIST_CHEAPER_FROM).toBe(2);
  });

  it('answers 250 users of a COMMUNICATION channel from one QueryUserList call, each id exactly', async () => {
    const before = { list: served('QueryUserList'), status: served('QueryUserStatus') };
    const ids = Array.from({ length: 250 }, (_, i) => String(i * 2 + 1)); // 1, 3, …, 499: the first 150 are in
    const entries = await presenceOf().status('talk', ids);
    expect(served('QueryUserList') - before.list).toBe(1);
    expect(served('QueryUserStatus') - before.status).toBe(0);
    expect(entries.map((e) => e.userId)).toEqual(ids);
    for (const [i, entry] of entries.entries()) {
      const online = Number(ids[i]) <= 300;
      const raw = online ? { uid: Number(ids[i]), list: 'users' } : null;
      expect(entry).toEqual({ ok: true, userId: ids[i], online, joinedAt: null, raw, answeredBy: 'QueryUserList' });
    }
  });

  it('answers one user with QueryUserStatus, join time included', async () => {
    const before = served('QueryUserStatus');
    const [entry] = await presenceOf().status('talk', ['42']);
    expect(served('QueryUserStatus') - before).toBe(1);
    expect(entry).toMatchObject({
      ok: true,
      userId: '42',
      online: true,
      joinedAt: new Date(Math.floor((JOINED_AT + 41_000) / 1000) * 1000),
      answeredBy: 'QueryUserStatus',
    });
  });

  it("statusVia: 'user-status' makes a call per distinct user", async () => {
    const before = { list: served('QueryUserList'), status: served('QueryUserStatus') };
    const entries = await presenceOf({ statusVia: 'user-status' }).status('talk', ['1', '2', '2', '301']);
    expect(served('QueryUserStatus') - before.status).toBe(3);
    expect(served('QueryUserList') - before.list).toBe(0);
    expect(entries.map((e) => e.ok && [e.userId, e.online, e.answeredBy])).toEqual([
      ['1', true, 'QueryUserStatus'],
      ['2', true, 'QueryUserStatus'],
      ['2', true, 'QueryUserStatus'],
      ['301', false, 'QueryUserStatus'],
    ]);
  });

  it('past the audience cap, users the list leaves out are asked one by one (never guessed offline)', async () => {
    const before = { list: served('QueryUserList'), status: served('QueryUserStatus') };
    const beyondCap = String(100_000 + audienceCap + 10);
    const ids = ['7', '4000000000', '100000', beyondCap, '5'];
    const entries = await presenceOf().status('stage', ids);
    expect(served('QueryUserList') - before.list).toBe(1);
    // The host, the listed audience member: from the list; the unlisted two: asked.
    expect(served('QueryUserStatus') - before.status).toBe(2);
    expect(entries.map((e) => e.ok && [e.userId, e.online, e.answeredBy])).toEqual([
      ['7', true, 'QueryUserList'],
      ['4000000000', true, 'QueryUserList'],
      ['100000', true, 'QueryUserList'],
      [beyondCap, true, 'QueryUserStatus'],
      ['5', false, 'QueryUserStatus'],
    ]);
  });

  it('statusStream lists the channel once per chunk of ids, not a call per user', async () => {
    const before = { list: served('QueryUserList'), status: served('QueryUserStatus') };
    const ids = Array.from({ length: 2500 }, (_, i) => String(i + 1));
    const answered: string[] = [];
    for await (const entry of presenceOf().statusStream('talk', ids)) if (entry.ok) answered.push(`${entry.userId}:${entry.online}`);
    expect(answered).toEqual(ids.map((id) => `${id}:${Number(id) <= 300}`));
    expect(served('QueryUserList') - before.list).toBe(3);
    expect(served('QueryUserStatus') - before.status).toBe(0);
  });

  it('a channel that does not exist: everyone offline, from one call', async () => {
    const entries = await presenceOf().status('nobody-here', ['1', '2', '3']);
    expect(entries.map((e) => e.ok && e.online)).toEqual([false, false, false]);
  });

  it('refuses uids that are not unsigned 32-bit integers before any call', async () => {
    const before = { list: served('QueryUserList'), status: served('QueryUserStatus') };
    for (const bad of ['0', '4294967296', 'alice', '-1']) {
      const error = await presenceOf()
        .status('talk', ['1', bad])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).field).toBe('userIds.1');
    }
    expect(served('QueryUserList') - before.list + served('QueryUserStatus') - before.status).toBe(0);
  });
});

describe('Agora roster', () => {
  it('lists a live channel with hosts and audience as roles, truncated at the audience cap', async () => {
    const page = await presenceOf().roster('stage');
    expect(page.members.slice(0, 3).map((m) => [m.userId, m.role])).toEqual([
      ['4000000000', 'host'],
      ['7', 'host'],
      ['100000', 'audience'],
    ]);
    expect(page.members).toHaveLength(2 + audienceCap);
    expect(page.total).toBe(2 + audienceCap + 50);
    expect(page.truncated).toBe(true);
  });

  it('lists a COMMUNICATION channel completely, without roles', async () => {
    const page = await presenceOf().roster('talk');
    expect(page.members.map((m) => m.userId)).toEqual(Array.from({ length: 300 }, (_, i) => String(i + 1)));
    expect(new Set(page.members.map((m) => m.role))).toEqual(new Set([null]));
    expect(page).toMatchObject({ total: 300, truncated: false, next: null });
  });

  it('a channel that does not exist is a NotFoundError', async () => {
    await expect(presenceOf().roster('nobody-here')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('Agora rooms', () => {
  it('lists every channel with its member count', async () => {
    const rooms = await presenceOf({ roomsPageSize: 1 }).rooms().all();
    expect(rooms.map((r) => [r.room, r.members])).toEqual([
      ['stage', 2 + audienceCap + 50],
      ['talk', 300],
    ]);
  });

  it('drops a channel listed twice as pages drift, and says the listing may have missed one', async () => {
    const world = emulator.world;
    for (const [name, size] of [
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ] as const) {
      for (let i = 0; i < size; i++) world.join('agora', name, { userId: String(i + 1), joinedAt: 0 });
    }
    let calls = 0;
    const presence = presenceOf(
      { roomsPageSize: 1 },
      {
        hooks: {
          onRequest: () => {
            // After page 0 (stage), 'c' fills up and moves to the front: later pages shift by one.
            if (++calls === 2) for (let i = 0; i < 20_000; i++) world.join('agora', 'c', { userId: String(i + 1), joinedAt: 0 });
          },
        },
      },
    );
    try {
      const pages = [];
      for await (const page of presence.rooms().pages()) pages.push(page);
      const listed = pages.flatMap((p) => p.rooms.map((r) => r.room));
      expect(new Set(listed).size).toBe(listed.length);
      expect(pages.reduce((n, p) => n + p.duplicates, 0)).toBe(1);
      expect(pages.at(-1)!.truncated).toBe(true);
      expect(listed).toEqual(['stage', 'talk', 'a', 'b']);
    } finally {
      for (const name of ['a', 'b', 'c']) world.rooms.agora.delete(name);
    }
  });

  it('stops at maxItems and says so', async () => {
    const page = await presenceOf({ roomsPageSize: 1 }).rooms({ maxItems: 1 });
    expect(page).toMatchObject({ rooms: [{ room: 'stage' }], truncated: true, next: null });
  });
});
