// Live rosters (issue 23, part 4): fed by verified events, repaired by snapshots. Duplicates and
// reordering change nothing; a "left" record keeps a late older join out; a snapshot adds a lost
// join and removes a lost leave, but never undoes an event newer than it less the heartbeat lag;
// every change says what made it; the counters add up. Then a churning room of real-shaped ids, its
// callbacks duplicated, reordered and dropped, checked member by member against the truth.
import { describe, expect, it } from 'vitest';
import { LiveRosters, type RosterChange, type RosterEvent, trackRoom } from '../../src/index.js';
import { agoraLiveRoster, agoraRosterEvents } from '../../src/providers/agora.js';
import { tencentRosterEvents } from '../../src/providers/tencent.js';
import { volcengineRosterEvents } from '../../src/providers/volcengine.js';
import { FakeClock } from '../support/fakes.js';

const ROOM = 'live-7226277271248584971';
const LEFT_MS = 60_000;
const LAG_MS = 10_000;

function setup() {
  const clock = new FakeClock();
  const rosters = new LiveRosters({ leftRecordMs: LEFT_MS, heartbeatLagMs: LAG_MS, clock });
  const seen: RosterChange[] = [];
  const stop = new AbortController();
  void (async () => {
    for await (const change of rosters.changes({ signal: stop.signal })) seen.push(change);
  })();
  return { clock, rosters, seen, stop };
}

const event = (userId: string, change: RosterEvent['change'], order: number, atMs: number, extra: Partial<RosterEvent> = {}): RosterEvent => ({
  room: ROOM,
  userId,
  change,
  order: BigInt(order),
  at: new Date(atMs),
  ...extra,
});
const ids = async (rosters: LiveRosters, room = ROOM) => (await rosters.members(room)).map((m) => m.userId);
const member = (userId: string) => ({ userId, role: null, visibility: 'unknown' as const });

describe('a live roster from events', () => {
  it('duplicates and reordered events change nothing; the counters say what was dropped', async () => {
    const { clock, rosters, seen } = setup();
    const a = '7226277271248584971';
    const b = '9007199254740993';
    expect((await rosters.apply(event(a, 'join', 1, 0))).outcome).toBe('applied');
    expect((await rosters.apply(event(a, 'join', 1, 0))).outcome).toBe('duplicate');
    expect((await rosters.apply(event(b, 'join', 5, 0))).outcome).toBe('applied');
    expect((await rosters.apply(event(a, 'leave', 2, 1000))).outcome).toBe('applied');
    // A's join again, late: older than the leave already applied.
    expect((await rosters.apply(event(a, 'join', 1, 0))).outcome).toBe('out-of-order');
    expect(await ids(rosters)).toEqual([b]);
    expect(rosters.stats()).toEqual({ eventsApplied: 3, duplicates: 1, outOfOrder: 1, snapshots: 0, changesBySnapshot: 0 });
    await clock.settle();
    expect(seen.map((c) => [c.userId, c.change, c.by])).toEqual([
      [a, 'joined', 'event'],
      [b, 'joined', 'event'],
      [a, 'left', 'event'],
    ]);
  });

  it('a leave that arrives before its join keeps the user out; the "left" record is forgotten after its time', async () => {
    const { clock, rosters } = setup();
    expect((await rosters.apply(event('u1', 'leave', 2, 1000))).outcome).toBe('applied');
    expect((await rosters.apply(event('u1', 'join', 1, 0))).outcome).toBe('out-of-order');
    expect(await ids(rosters)).toEqual([]);
    await clock.advance(LEFT_MS + 1);
    // Past the record's time an old join is taken: the vendors' retries end well before it.
    expect((await rosters.apply(event('u1', 'join', 1, 0))).outcome).toBe('applied');
    expect(await ids(rosters)).toEqual(['u1']);
  });

  it('a role change updates the member; one for a user the roster lacks means they are in', async () => {
    const { clock, rosters, seen } = setup();
    await rosters.apply(event('host-1', 'join', 1, 0, { role: 'audience' }));
    await rosters.apply(event('host-1', 'role', 2, 10, { role: 'host' }));
    await rosters.apply(event('missed', 'role', 7, 10, { role: 'host' }));
    expect((await rosters.members(ROOM)).map((m) => [m.userId, m.role])).toEqual([
      ['host-1', 'host'],
      ['missed', 'host'],
    ]);
    await clock.settle();
    expect(seen.map((c) => [c.userId, c.change])).toEqual([
      ['host-1', 'joined'],
      ['host-1', 'updated'],
      ['missed', 'joined'],
    ]);
  });

  it('copies of one event are told apart by its id where the vendor gives one', async () => {
    const { rosters } = setup();
    expect((await rosters.apply(event('u1', 'join', 100, 100, { eventId: 'e-1' }))).outcome).toBe('applied');
    expect((await rosters.apply(event('u1', 'join', 100, 100, { eventId: 'e-1' }))).outcome).toBe('duplicate');
    expect((await rosters.apply(event('u2', 'join', 100, 100, { eventId: 'e-2' }))).outcome).toBe('applied');
  });
});

describe('a live roster repaired by snapshots', () => {
  it('a join that never came and a leave that never came: made by the snapshot, and counted past the baseline', async () => {
    const { clock, rosters, seen } = setup();
    // The room's first snapshot is its baseline: what it adds was there before the callbacks began.
    expect((await rosters.repair(ROOM, [member('stays')], new Date(clock.now()))).map((c) => [c.userId, c.change])).toEqual([['stays', 'joined']]);
    expect(rosters.stats()).toMatchObject({ snapshots: 1, changesBySnapshot: 0 });
    await rosters.apply(event('stays', 'join', 1, 0));
    await rosters.apply(event('left-silently', 'join', 1, 0));
    await clock.advance(LAG_MS + 5_000);
    const changes = await rosters.repair(ROOM, [member('stays'), member('never-announced')], new Date(clock.now()));
    expect(changes.map((c) => [c.userId, c.change, c.by])).toEqual([
      ['never-announced', 'joined', 'snapshot'],
      ['left-silently', 'left', 'snapshot'],
    ]);
    expect(await ids(rosters)).toEqual(['stays', 'never-announced']);
    expect(rosters.stats()).toMatchObject({ snapshots: 2, changesBySnapshot: 2 });
    await clock.settle();
    expect(seen.filter((c) => c.by === 'snapshot')).toHaveLength(3);
  });

  it("a snapshot's change whose event was only late is taken back off the count of events lost", async () => {
    const { clock, rosters } = setup();
    await rosters.repair(ROOM, [member('leaving')], new Date(clock.now()));
    await clock.advance(LAG_MS + 5_000);
    // The snapshot sees a join and a leave whose callbacks are still on their way.
    const takenAt = clock.now();
    await rosters.repair(ROOM, [member('arriving')], new Date(takenAt));
    expect(rosters.stats().changesBySnapshot).toBe(2);
    await rosters.apply(event('arriving', 'join', 1, takenAt - 200));
    await rosters.apply(event('leaving', 'leave', 2, takenAt - 100));
    expect(rosters.stats()).toMatchObject({ changesBySnapshot: 0, eventsApplied: 2 });
    expect(await ids(rosters)).toEqual(['arriving']);
  });

  it('a late copy of the last join of a user a snapshot removed does not bring them back', async () => {
    const { clock, rosters } = setup();
    await rosters.repair(ROOM, [], new Date(clock.now()));
    await rosters.apply(event('gone', 'join', 1, clock.now()));
    // Their leave (order 2) is lost; a snapshot past the lag removes them.
    await clock.advance(LAG_MS + 5_000);
    await rosters.repair(ROOM, [], new Date(clock.now()));
    expect(await ids(rosters)).toEqual([]);
    expect((await rosters.apply(event('gone', 'join', 1, 0))).outcome).toBe('duplicate');
    expect(await ids(rosters)).toEqual([]);
  });

  it('never undoes an event newer than the snapshot less the heartbeat lag', async () => {
    const { clock, rosters } = setup();
    await clock.advance(100_000);
    await rosters.apply(event('joined-now', 'join', 1, clock.now()));
    await rosters.apply(event('was-here', 'join', 1, 0));
    await rosters.apply(event('was-here', 'leave', 2, clock.now() - 1_000));
    // Taken just before the events: the listing still has the leaver, not yet the joiner.
    await rosters.repair(ROOM, [member('was-here')], new Date(clock.now() - 2_000));
    expect(await ids(rosters)).toEqual(['joined-now']);
    // A snapshot well past the lag that still lists the leaver: they came back (a lost join).
    await clock.advance(LAG_MS + 1);
    await rosters.repair(ROOM, [member('joined-now'), member('was-here')], new Date(clock.now()));
    expect(await ids(rosters)).toEqual(['joined-now', 'was-here']);
  });

  it("trackRoom: a snapshot now and at each interval, through the caller's roster call, until stopped", async () => {
    const { clock, rosters } = setup();
    const listings = [[member('a')], [member('a'), member('b')], [member('b')]];
    let calls = 0;
    const stop = new AbortController();
    const tracking = trackRoom(rosters, ROOM, async () => listings[Math.min(calls++, listings.length - 1)]!, {
      intervalMs: 30_000,
      signal: stop.signal,
      clock,
    });
    await clock.settle();
    expect(await ids(rosters)).toEqual(['a']);
    await clock.advance(30_000);
    expect(await ids(rosters)).toEqual(['a', 'b']);
    await clock.advance(30_000);
    expect(await ids(rosters)).toEqual(['b']);
    stop.abort();
    await clock.run(tracking);
    expect(calls).toBe(3);
  });
});

describe("each vendor's verified events, as roster events", () => {
  it('Agora: the uid as a string, clientSeq as the order, its role; none for the health check or an unknown type', () => {
    const base = { eventType: 105, channelName: ROOM, noticeId: 'n', notifiedAt: new Date(0), payload: {}, at: new Date(1_000) };
    expect(
      agoraRosterEvents({
        ...base,
        type: 'audience-joined',
        change: 'join',
        role: 'audience',
        uid: 4_294_967_295,
        clientSeq: '9007199254740993123',
        test: false,
      }),
    ).toEqual([{ room: ROOM, userId: '4294967295', change: 'join', role: 'audience', order: 9007199254740993123n, at: new Date(1_000) }]);
    expect(agoraRosterEvents({ ...base, type: 'audience-joined', change: 'join', role: 'audience', uid: 12121212, clientSeq: '1', test: true })).toEqual([]);
    expect(agoraRosterEvents({ type: 'unknown', eventType: 10, noticeId: 'n', notifiedAt: new Date(0), payload: {} })).toEqual([]);
    expect(agoraLiveRoster).toEqual({ leftRecordMs: 60_000, heartbeatLagMs: 10_000 });
  });

  it('Tencent: one roster event per member moved, ordered by EventTime', () => {
    const at = new Date(1_764_899_999_780);
    expect(
      tencentRosterEvents({
        type: 'live-member-state-changed',
        command: 'c',
        change: 'leave',
        roomId: 'r',
        roomKind: 'live-room',
        members: ['jared', 'tommy'],
        at,
        payload: {},
      }),
    ).toEqual([
      { room: 'r', userId: 'jared', change: 'leave', order: 1_764_899_999_780n, at },
      { room: 'r', userId: 'tommy', change: 'leave', order: 1_764_899_999_780n, at },
    ]);
    expect(tencentRosterEvents({ type: 'login-state-changed', command: 'State.StateChange', user: 'u', action: 'Login', payload: {} })).toEqual([]);
  });

  it('Volcengine: visibility from the event, Timestamp as the order, EventId for copies', () => {
    const at = new Date(1_764_928_800_123);
    expect(
      volcengineRosterEvents({
        type: 'invisible-user-joined',
        eventType: 'InvisibleUserJoinRoom',
        change: 'join',
        role: 'invisible',
        roomId: 'room_1',
        userId: '9007199254740993',
        eventId: 'e-1',
        at,
        timestamp: '1764928800123',
        appId: 'a',
        payload: {},
      }),
    ).toEqual([{ room: 'room_1', userId: '9007199254740993', change: 'join', visibility: 'invisible', order: 1_764_928_800_123n, at, eventId: 'e-1' }]);
  });
});

describe('a churning room, its callbacks duplicated, reordered and dropped', () => {
  it('is exact after each snapshot, member by member, and its counters add up', async () => {
    const { clock, rosters } = setup();
    // A seeded generator: the same run every time.
    let seed = 0x2f6b_1d3a;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const users = Array.from({ length: 300 }, (_, i) => String(7_226_277_271_248_584_971n + BigInt(i) * 7_919n));
    const truth = new Set<string>();
    const sequence = new Map<string, number>();
    let lost = 0;
    let delivered = 0;
    // The baseline: the room is empty when the callbacks begin.
    await rosters.repair(ROOM, [], new Date(clock.now()));
    for (let round = 0; round < 20; round++) {
      const sent: RosterEvent[] = [];
      for (let i = 0; i < 40; i++) {
        const userId = users[Math.floor(random() * users.length)]!;
        const change = truth.has(userId) ? 'leave' : 'join';
        if (change === 'join') truth.add(userId);
        else truth.delete(userId);
        const order = (sequence.get(userId) ?? 0) + 1;
        sequence.set(userId, order);
        sent.push(event(userId, change, order, clock.now()));
        await clock.advance(50);
      }
      // Delivery: one in ten lost, one in five sent twice, all shuffled.
      const deliveries = sent.flatMap((e) => (random() < 0.1 ? (lost++, []) : random() < 0.2 ? [e, e] : [e]));
      for (let i = deliveries.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
      }
      for (const e of deliveries) await rosters.apply(e);
      delivered += deliveries.length;
      // A snapshot once the round's events are past the heartbeat lag: the roster is then the truth.
      await clock.advance(LAG_MS + 1);
      await rosters.repair(
        ROOM,
        [...truth].map((userId) => member(userId)),
        new Date(clock.now()),
      );
      expect((await ids(rosters)).sort()).toEqual([...truth].sort());
    }
    const stats = rosters.stats();
    expect(stats.eventsApplied + stats.duplicates + stats.outOfOrder).toBe(delivered);
    expect(stats.snapshots).toBe(21);
    // Each lost event leaves at most one user wrong until the snapshot: never more changes than losses.
    expect(stats.changesBySnapshot).toBeLessThanOrEqual(lost);
    expect(stats.changesBySnapshot).toBeGreaterThan(0);
  });
});
