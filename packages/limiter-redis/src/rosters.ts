// Live rosters kept in Redis (issue 23): every receiver behind a load balancer applies its callbacks
// to one roster per room and answers with the same members. Each event is applied by one script
// (atomically: the sequence compared, the member written, a "left" record kept with its expiry, the
// change appended to the room's stream), with presence-core's rules (see its live.ts).
import { once } from 'node:events';
import type {
  AppliedEvent,
  EventOutcome,
  LiveMember,
  LiveRosterOptions,
  LiveRosterStats,
  LiveRosterStore,
  RosterChange,
  RosterEvent,
  SnapshotMember,
} from '@rollcall/presence-core';
import { realClock, type Clock } from '@rollcall/presence-core';
import type { Redis } from 'ioredis';
import { DEFAULT_COMMAND_TIMEOUT_MS, openRedis, whenConnected } from './connection.js';
import { APPLY_EVENT, REPAIR_ROOM, ROOM_MEMBERS } from './roster-scripts.js';

/** A room's keys are dropped this long after their last write (a room that ended). */
export const DEFAULT_ROOM_TTL_MS = 24 * 60 * 60 * 1000;
/** Changes kept in each room's stream, for receivers that read them late. */
export const CHANGE_STREAM_LENGTH = 10_000;

export interface RedisLiveRostersOptions extends Omit<LiveRosterOptions, 'clock'> {
  url?: string;
  /** An ioredis client of your own (not closed by `close()`). */
  client?: Redis;
  /** Prefix of every key; default `rollcall:roster`. */
  keyPrefix?: string;
  /**
   * While Redis is away: `'refuse'` (default) makes `apply` throw, so that the receiver answers
   * the vendor with an error and a vendor that retries (Agora, Volcengine) sends the event again;
   * `'buffer'` keeps up to `bufferLimit` events in this process and applies them, in order, once
   * Redis answers (for Tencent, which does not retry by default). A buffer that is full refuses.
   */
  whenAway?: 'refuse' | 'buffer';
  /** Events kept while Redis is away, with `whenAway: 'buffer'`; default 10,000. */
  bufferLimit?: number;
  /** A Redis command slower than this counts as Redis being away; default 1000 ms. */
  commandTimeoutMs?: number;
  roomTtlMs?: number;
  clock?: Clock;
}

interface ScriptedRedis extends Redis {
  rollcallApplyEvent(
    users: string,
    left: string,
    events: string,
    stream: string,
    ...args: Array<string | number>
  ): Promise<[string, string, string?, string?, string?]>;
  rollcallRepairRoom(users: string, left: string, stream: string, ...args: Array<string | number>): Promise<string[]>;
  rollcallRoomMembers(users: string, left: string, now: number): Promise<string[]>;
}

type Change = RosterChange['change'];

/** Live rosters in Redis, shared by every receiver of a fleet. */
export class RedisLiveRosters implements LiveRosterStore {
  readonly #redis: ScriptedRedis;
  readonly #owned: boolean;
  readonly #options: RedisLiveRostersOptions;
  readonly #clock: Clock;
  readonly #stats: LiveRosterStats & { buffered: number } = { eventsApplied: 0, duplicates: 0, outOfOrder: 0, snapshots: 0, changesBySnapshot: 0, buffered: 0 };
  readonly #buffer: RosterEvent[] = [];
  readonly #baselined = new Set<string>();
  #flushing: Promise<void> | undefined;

  constructor(options: RedisLiveRostersOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    const redis = (options.client ?? openRedis(options.url, options.commandTimeoutMs)) as ScriptedRedis;
    redis.defineCommand('rollcallApplyEvent', { numberOfKeys: 4, lua: APPLY_EVENT });
    redis.defineCommand('rollcallRepairRoom', { numberOfKeys: 3, lua: REPAIR_ROOM });
    redis.defineCommand('rollcallRoomMembers', { numberOfKeys: 2, lua: ROOM_MEMBERS });
    // Buffered events go to Redis as soon as it answers again.
    redis.on('ready', () => void this.#flush().catch(() => undefined));
    this.#redis = redis;
    this.#owned = !options.client;
  }

  async apply(event: RosterEvent): Promise<AppliedEvent> {
    // Behind buffered events, never ahead of them: a join must not overtake its own leave.
    if (this.#buffer.length) return this.#hold(event, undefined);
    try {
      return await this.#applyInRedis(event);
    } catch (error) {
      return this.#hold(event, error);
    }
  }

  async repair(room: string, members: readonly SnapshotMember[], takenAt: Date): Promise<RosterChange[]> {
    await this.#connected();
    const keys = this.#keys(room);
    // A room's first snapshot in this process is its baseline (see LiveRosterStats).
    const counted = this.#baselined.has(room);
    const args: Array<string | number> = [
      takenAt.getTime(),
      this.#options.heartbeatLagMs,
      this.#clock.now(),
      this.#options.leftRecordMs,
      this.#ttl(),
      CHANGE_STREAM_LENGTH,
      counted ? 1 : 0,
    ];
    for (const member of members) args.push(member.userId, member.role ?? '', member.visibility);
    const made = await this.#redis.rollcallRepairRoom(keys.users, keys.left, keys.stream, ...args);
    this.#stats.snapshots++;
    const changes: RosterChange[] = [];
    for (let i = 0; i < made.length; i += 4) {
      const [userId, change, role, visibility] = made.slice(i, i + 4) as [string, Change, string, LiveMember['visibility']];
      const member = change === 'left' ? {} : { member: { userId, role: roleOf(role), visibility, since: takenAt, by: 'snapshot' as const } };
      changes.push({ room, userId, change, by: 'snapshot', at: takenAt, ...member });
    }
    if (counted) this.#stats.changesBySnapshot += changes.length;
    this.#baselined.add(room);
    return changes;
  }

  async members(room: string): Promise<LiveMember[]> {
    await this.#connected();
    const keys = this.#keys(room);
    const flat = await this.#redis.rollcallRoomMembers(keys.users, keys.left, this.#clock.now());
    const members: LiveMember[] = [];
    for (let i = 0; i < flat.length; i += 2) members.push(memberOf(flat[i]!, JSON.parse(flat[i + 1]!) as StoredRecord));
    return members;
  }

  /** Every change any receiver makes to `rooms` from now on (the rooms are required: each has its own stream). */
  async *changes(options: { signal?: AbortSignal; rooms?: readonly string[] } = {}): AsyncIterableIterator<RosterChange> {
    const rooms = options.rooms ?? [];
    if (!rooms.length) throw new RangeError('RedisLiveRosters.changes: name the rooms to follow');
    const reader = this.#redis.duplicate();
    reader.on('error', () => undefined);
    const stop = () => reader.disconnect();
    options.signal?.addEventListener('abort', stop, { once: true });
    const streams = rooms.map((room) => this.#keys(room).stream);
    const positions = streams.map(() => '$');
    try {
      while (!options.signal?.aborted) {
        let answer: Array<[string, Array<[string, string[]]>]> | null;
        try {
          answer = (await reader.xread('BLOCK', 1000, 'STREAMS', ...streams, ...positions)) as typeof answer;
        } catch (error) {
          if (options.signal?.aborted) break;
          // Redis away: wait for it, then read on from where this reader was.
          if (reader.status !== 'ready') await once(reader, 'ready').catch(() => undefined);
          else throw error;
          continue;
        }
        for (const [stream, entries] of answer ?? []) {
          const index = streams.indexOf(stream);
          for (const [id, fields] of entries) {
            positions[index] = id;
            yield changeOf(rooms[index]!, fields);
          }
        }
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
      reader.disconnect();
    }
  }

  stats(): Readonly<LiveRosterStats & { buffered: number }> {
    return { ...this.#stats };
  }

  /** Closes the Redis connection (unless it was given as `client`). */
  async close(): Promise<void> {
    if (this.#owned) this.#redis.disconnect();
  }

  async #applyInRedis(event: RosterEvent): Promise<AppliedEvent> {
    await this.#connected();
    const keys = this.#keys(event.room);
    const [outcome, made, madeRole = '', madeVisibility = 'unknown', confirms] = await this.#redis.rollcallApplyEvent(
      keys.users,
      keys.left,
      keys.events,
      keys.stream,
      event.userId,
      event.change,
      event.order.toString(),
      event.at.getTime(),
      event.role === undefined ? '-' : (event.role ?? ''),
      event.visibility ?? '',
      event.eventId ?? '',
      this.#clock.now(),
      this.#options.leftRecordMs,
      this.#ttl(),
      CHANGE_STREAM_LENGTH,
    );
    const result = outcome as EventOutcome;
    if (result === 'applied') this.#stats.eventsApplied++;
    else if (result === 'duplicate') this.#stats.duplicates++;
    else this.#stats.outOfOrder++;
    // The event a counted snapshot change stood in for, late: not lost after all (counted where the snapshot was).
    if (confirms === '1') this.#stats.changesBySnapshot--;
    if (!made) return { outcome: result };
    const { room, userId, at } = event;
    if (made === 'left') return { outcome: result, change: { room, userId, change: 'left', by: 'event', at } };
    const member: LiveMember = { userId, role: roleOf(madeRole), visibility: madeVisibility as LiveMember['visibility'], since: at, by: 'event' };
    return { outcome: result, change: { room, userId, change: made as Change, by: 'event', at, member } };
  }

  /**
   * Redis is away (or events wait before this one): buffer the event, or refuse it. A buffered event
   * counts as taken; what it changes shows in the rooms' streams once it is applied.
   */
  #hold(event: RosterEvent, error: unknown): AppliedEvent {
    if (this.#options.whenAway !== 'buffer' || this.#buffer.length >= (this.#options.bufferLimit ?? 10_000)) {
      throw error instanceof Error ? error : new Error('Redis is away and the buffer is full');
    }
    this.#buffer.push(event);
    this.#stats.buffered++;
    void this.#flush().catch(() => undefined);
    return { outcome: 'applied' };
  }

  /** Applies buffered events in order while Redis answers; stops at the first failure. One at a time. */
  #flush(): Promise<void> {
    // (The callback of `finally` runs after the assignment, even when the drain ends at once.)
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length && this.#redis.status === 'ready') {
      await this.#applyInRedis(this.#buffer[0]!);
      this.#buffer.shift();
    }
  }

  /** Waits for a connection being made (the first command, a reconnection); throws when there is none. */
  async #connected(): Promise<void> {
    if (!(await whenConnected(this.#redis, this.#options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS))) {
      throw new Error(`Redis is not reachable (${this.#redis.status})`);
    }
  }

  #ttl(): number {
    return this.#options.roomTtlMs ?? DEFAULT_ROOM_TTL_MS;
  }

  #keys(room: string) {
    // One hash slot per room (the braces): each script touches one room's keys only.
    const slot = `${this.#options.keyPrefix ?? 'rollcall:roster'}:{${room}}`;
    return { users: `${slot}:users`, left: `${slot}:left`, events: `${slot}:events`, stream: `${slot}:changes` };
  }
}

/** A user's record as the scripts keep it (short keys: one per user of every room). */
interface StoredRecord {
  /** present */
  p: number;
  /** role ('' for none) */
  r: string;
  /** visibility */
  v: LiveMember['visibility'];
  /** since, ms */
  a: number;
  /** by */
  b: 'event' | 'snapshot';
}

const roleOf = (role: string): LiveMember['role'] => (role === '' ? null : (role as 'host' | 'audience'));

function memberOf(userId: string, record: StoredRecord): LiveMember {
  return { userId, role: roleOf(record.r), visibility: record.v, since: new Date(record.a), by: record.b };
}

function changeOf(room: string, fields: string[]): RosterChange {
  const value = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) value.set(fields[i]!, fields[i + 1]!);
  const userId = value.get('user')!;
  const change = value.get('change') as Change;
  const by = value.get('by') as 'event' | 'snapshot';
  const at = new Date(Number(value.get('at')));
  if (change === 'left') return { room, userId, change, by, at };
  return {
    room,
    userId,
    change,
    by,
    at,
    member: { userId, role: roleOf(value.get('role') ?? ''), visibility: value.get('visibility') as LiveMember['visibility'], since: at, by },
  };
}
