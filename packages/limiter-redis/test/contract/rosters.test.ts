// Live rosters in Redis (issue 23, part 5) against a real redis-server: two receivers behind a load
// balancer, each given a random half of the callbacks (duplicated and reordered), answer with the
// same members as one process's memory given all of them; a receiver follows the changes another
// makes; orders beyond 2^53 compare exactly; and while Redis is away, no verified event is lost —
// refused (the vendor retries) or buffered and applied in order once Redis is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveRosters, type RosterChange, type RosterEvent } from '@rollcall/presence-core';
import { startRedis, type TestRedis } from '@rollcall/test-support/redis';
import { RedisLiveRosters, type RedisLiveRostersOptions } from '../../src/index.js';

const RULES = { leftRecordMs: 60_000, heartbeatLagMs: 10_000 };
let redis: TestRedis;
const made: RedisLiveRosters[] = [];
let roomCounter = 0;
const newRoom = () => `live-7226277271248584971-${++roomCounter}`;
const receiver = (options: Partial<RedisLiveRostersOptions> = {}) => {
  const store = new RedisLiveRosters({ url: redis.url, ...RULES, ...options });
  made.push(store);
  return store;
};
const sorted = async (store: { members(room: string): Promise<Array<{ userId: string }>> }, room: string) =>
  (await store.members(room)).map((m) => m.userId).sort();

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const store of made) await store.close();
  await redis?.stop();
});

const event = (room: string, userId: string, change: RosterEvent['change'], order: bigint, atMs: number, extra: Partial<RosterEvent> = {}): RosterEvent => ({
  room,
  userId,
  change,
  order,
  at: new Date(atMs),
  ...extra,
});

describe('a fleet of receivers', () => {
  it('two receivers given random halves of the callbacks answer as one process given all of them', async () => {
    const room = newRoom();
    const [a, b] = [receiver(), receiver()];
    const memory = new LiveRosters(RULES);
    let seed = 0x51_7c_c1_b7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const users = Array.from({ length: 60 }, (_, i) => String(9_007_199_254_740_993n + BigInt(i) * 104_729n));
    const present = new Set<string>();
    const sequence = new Map<string, bigint>();
    const sent: RosterEvent[] = [];
    const now = Date.now();
    for (let i = 0; i < 400; i++) {
      const userId = users[Math.floor(random() * users.length)]!;
      const change = present.has(userId) ? 'leave' : 'join';
      if (change === 'join') present.add(userId);
      else present.delete(userId);
      // Agora-like sequences beyond 2^53, increasing per user.
      const order = (sequence.get(userId) ?? 1_625_051_030_746_000_000n) + BigInt(1 + Math.floor(random() * 3));
      sequence.set(userId, order);
      sent.push(event(room, userId, change, order, now - 100_000 + i));
    }
    const deliveries = sent.flatMap((e) => (random() < 0.25 ? [e, e] : [e]));
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const outcomes = { memory: [] as string[], fleet: [] as string[] };
    for (const e of deliveries) {
      const [inMemory, inFleet] = [await memory.apply(e), await (random() < 0.5 ? a : b).apply(e)];
      outcomes.memory.push(`${inMemory.outcome} ${inMemory.change?.change ?? '-'}`);
      outcomes.fleet.push(`${inFleet.outcome} ${inFleet.change?.change ?? '-'}`);
    }
    // The same decision and the same change for each delivery, whichever receiver took it.
    expect(outcomes.fleet).toEqual(outcomes.memory);
    expect(await sorted(a, room)).toEqual(await sorted(memory, room));
    expect(await sorted(b, room)).toEqual(await sorted(memory, room));
    // Reordered with every event delivered at least once: the truth, member by member.
    expect(await sorted(a, room)).toEqual([...present].sort());
  });

  it('a snapshot repairs the shared roster as it repairs one in memory', async () => {
    const room = newRoom();
    const store = receiver();
    const memory = new LiveRosters(RULES);
    const old = Date.now() - 60_000;
    // The room's first snapshot, before any event: its baseline, not counted as events lost.
    for (const target of [store, memory]) await target.repair(room, [], new Date(old - 1));
    for (const target of [store, memory]) {
      await target.apply(event(room, 'stays', 'join', 1n, old));
      await target.apply(event(room, 'left-silently', 'join', 1n, old));
      await target.apply(event(room, 'joined-just-now', 'join', 1n, Date.now()));
    }
    const listed = [
      { userId: 'stays', role: null, visibility: 'unknown' as const },
      { userId: 'never-announced', role: 'host' as const, visibility: 'unknown' as const },
    ];
    const takenAt = new Date();
    const [inRedis, inMemory] = [await store.repair(room, listed, takenAt), await memory.repair(room, listed, takenAt)];
    expect(inRedis.map((c) => [c.userId, c.change, c.by, c.member?.role])).toEqual(inMemory.map((c) => [c.userId, c.change, c.by, c.member?.role]));
    expect(inRedis.map((c) => [c.userId, c.change])).toEqual([
      ['never-announced', 'joined'],
      ['left-silently', 'left'],
    ]);
    expect(await sorted(store, room)).toEqual(['joined-just-now', 'never-announced', 'stays']);
    // A late copy of the join of the user the snapshot removed: a copy, in Redis as in memory.
    for (const target of [store, memory]) expect((await target.apply(event(room, 'left-silently', 'join', 1n, old))).outcome).toBe('duplicate');
    expect(await sorted(store, room)).toEqual(await sorted(memory, room));
    expect(store.stats()).toMatchObject({ snapshots: 2, changesBySnapshot: 2 });
    expect(memory.stats()).toMatchObject({ snapshots: 2, changesBySnapshot: 2 });
  });

  it('a receiver follows the changes another makes, in order', async () => {
    const room = newRoom();
    const [writer, follower] = [receiver(), receiver()];
    const stop = new AbortController();
    const seen: RosterChange[] = [];
    const following = (async () => {
      for await (const change of follower.changes({ signal: stop.signal, rooms: [room] })) {
        seen.push(change);
        if (seen.length === 3) stop.abort();
      }
    })();
    // The follower's XREAD is in place once it blocks; a moment is enough on any machine, and a
    // change made before it would be missed by design ('$' is "from now on").
    await new Promise((resolve) => setTimeout(resolve, 200));
    await writer.apply(event(room, '4294967295', 'join', 1n, Date.now(), { role: 'audience' }));
    await writer.apply(event(room, '4294967295', 'role', 2n, Date.now(), { role: 'host' }));
    await writer.apply(event(room, '4294967295', 'leave', 3n, Date.now()));
    await following;
    expect(seen.map((c) => [c.userId, c.change, c.by, c.member?.role ?? null])).toEqual([
      ['4294967295', 'joined', 'event', 'audience'],
      ['4294967295', 'updated', 'event', 'host'],
      ['4294967295', 'left', 'event', null],
    ]);
  });

  it('orders beyond 2^53 compare exactly, and an event id is a duplicate for every receiver', async () => {
    const room = newRoom();
    const [a, b] = [receiver(), receiver()];
    expect((await a.apply(event(room, 'u', 'join', 9_007_199_254_740_993n, Date.now()))).outcome).toBe('applied');
    // One less: a double would call them equal.
    expect((await b.apply(event(room, 'u', 'leave', 9_007_199_254_740_992n, Date.now()))).outcome).toBe('out-of-order');
    expect((await a.apply(event(room, 'v', 'join', 1n, Date.now(), { eventId: 'evt-0001' }))).outcome).toBe('applied');
    expect((await b.apply(event(room, 'v', 'join', 1n, Date.now(), { eventId: 'evt-0001' }))).outcome).toBe('duplicate');
  });
});

describe('while Redis is away', () => {
  it("'refuse' (the default): apply throws, so that the receiver answers with an error and the vendor retries", async () => {
    const room = newRoom();
    const store = receiver({ commandTimeoutMs: 300 });
    await store.apply(event(room, 'before', 'join', 1n, Date.now()));
    await redis.kill();
    try {
      await expect(store.apply(event(room, 'during', 'join', 1n, Date.now()))).rejects.toThrow();
    } finally {
      await redis.start();
    }
  });

  it("'buffer': events taken while Redis is away are applied in order once it is back", async () => {
    const room = newRoom();
    const store = receiver({ whenAway: 'buffer', commandTimeoutMs: 300 });
    await store.apply(event(room, 'jared', 'join', 1n, Date.now()));
    await redis.stop();
    try {
      // A leave, then the same user's next join, then another member: order matters.
      expect((await store.apply(event(room, 'jared', 'leave', 2n, Date.now()))).outcome).toBe('applied');
      expect((await store.apply(event(room, 'jared', 'join', 3n, Date.now()))).outcome).toBe('applied');
      expect((await store.apply(event(room, 'tommy', 'join', 1n, Date.now()))).outcome).toBe('applied');
      expect(store.stats().buffered).toBe(3);
    } finally {
      await redis.start();
    }
    // Redis restarted empty (stop without persistence): the buffer is what it learns; poll until applied.
    let members: string[] = [];
    for (let tries = 0; tries < 100 && members.length < 2; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      members = await sorted(store, room).catch(() => []);
    }
    expect(members).toEqual(['jared', 'tommy']);
    expect(store.stats()).toMatchObject({ eventsApplied: 4, buffered: 3 });
  });
});
