// Live rosters (issue 23): who is in a room between polls, from the vendors' own join/leave
// callbacks, repaired by snapshots. Callbacks come duplicated, reordered and sometimes not at all
// (Agora duplicates and reorders on purpose; Volcengine does not promise uniqueness; Tencent does
// not retry by default), so:
// - per user, the newest event wins by the vendor's order (Agora's clientSeq; elsewhere the event's
//   time), and an older one is dropped;
// - a user who left is remembered (a "left" record) long enough that a late copy of an older join
//   cannot bring them back;
// - a snapshot (the quota-paced roster call) adds whom it lists and the roster lacks, and removes
//   whom it lacks and the roster holds — except where an event is newer than the snapshot less the
//   vendor's heartbeat lag (a silent leave shows in a listing only after it): the event stands.
// Every change says whether an event or a snapshot made it; a change only a snapshot could make is
// an event that was lost.
import { realClock, type Clock } from './clock.js';
import type { RosterMember } from './model.js';

/** One user's change in a room, as a verified callback told it: the form each vendor's maps to. */
export interface RosterEvent {
  readonly room: string;
  readonly userId: string;
  readonly change: 'join' | 'leave' | 'role';
  /** The role it gives (joins, role changes), where the vendor has roles. */
  readonly role?: 'host' | 'audience' | null;
  readonly visibility?: 'visible' | 'invisible' | 'unknown';
  /** The vendor's order for this user's events: its sequence (Agora clientSeq) or the event's time in ms. */
  readonly order: bigint;
  /** When it happened. */
  readonly at: Date;
  /** Copies of one event share it, where the vendor has such an id (Volcengine EventId). */
  readonly eventId?: string;
}

export interface LiveMember {
  readonly userId: string;
  readonly role: 'host' | 'audience' | null;
  readonly visibility: 'visible' | 'invisible' | 'unknown';
  /** When the roster last learnt of the member (the event's time, or the snapshot's). */
  readonly since: Date;
  /** What told the roster of the member. */
  readonly by: 'event' | 'snapshot';
}

export interface RosterChange {
  readonly room: string;
  readonly userId: string;
  readonly change: 'joined' | 'left' | 'updated';
  /** A verified event made it, or a snapshot did (then an event was lost, or never sent). */
  readonly by: 'event' | 'snapshot';
  readonly at: Date;
  /** The member as they now are (absent when they left). */
  readonly member?: LiveMember;
}

/** What an event did. */
export type EventOutcome = 'applied' | 'duplicate' | 'out-of-order';

/** An event's outcome, and the change it made to the roster, if any (an applied event may confirm what was known). */
export interface AppliedEvent {
  readonly outcome: EventOutcome;
  readonly change?: RosterChange;
}

export interface LiveRosterStats {
  /** Events that changed or confirmed the roster. */
  eventsApplied: number;
  /** Copies of an event already applied, dropped. */
  duplicates: number;
  /** Events older than one already applied for the same user, dropped. */
  outOfOrder: number;
  snapshots: number;
  /**
   * Changes only a snapshot could make: events lost (or never sent). A snapshot's change whose event
   * was only late (on its way when the snapshot was taken) is taken back off when that event comes.
   * A room's first snapshot in this process is its baseline (who was there before the callbacks
   * began) and is not counted.
   */
  changesBySnapshot: number;
}

export interface LiveRosterOptions {
  /** How long a user who left is remembered, against late copies of older events (the spec's `leftRecordMs`). */
  leftRecordMs: number;
  /** How long after an event a snapshot may still not show it (the vendor's heartbeat lag; the spec's `heartbeatLagMs`). */
  heartbeatLagMs: number;
  clock?: Clock;
}

interface UserRecord {
  present: boolean;
  /** The order of the newest event applied; null when only a snapshot has spoken. */
  order: bigint | null;
  /** When the roster last learnt of the user, ms. */
  at: number;
  role: 'host' | 'audience' | null;
  visibility: 'visible' | 'invisible' | 'unknown';
  by: 'event' | 'snapshot';
  /** Until when a "left" record is kept (ms, the receiver's clock). */
  keepUntil: number;
  /** A snapshot's change counted in `changesBySnapshot`, until an event shows it was only late. */
  counted?: boolean;
}

const memberOf = (userId: string, record: UserRecord): LiveMember => ({
  userId,
  role: record.role,
  visibility: record.visibility,
  since: new Date(record.at),
  by: record.by,
});

/**
 * Where live rosters are kept: this process's memory (`LiveRosters`), or Redis for a fleet of
 * receivers (`RedisLiveRosters` in @rollcall/limiter-redis), the same rules either way.
 */
export interface LiveRosterStore {
  /** Applies one verified event; says whether it was applied or dropped (and why), and the change it made. */
  apply(event: RosterEvent): Promise<AppliedEvent>;
  /** Repairs a room from its complete roster as a snapshot taken at `takenAt` listed it; the changes made. */
  repair(room: string, members: readonly SnapshotMember[], takenAt: Date): Promise<RosterChange[]>;
  /** The room's members now. */
  members(room: string): Promise<LiveMember[]>;
  /** Every change from now on, as it is made (of `rooms`, or of every room where the store can); ends when `signal` aborts. */
  changes(options?: { signal?: AbortSignal; rooms?: readonly string[] }): AsyncIterableIterator<RosterChange>;
  /** What this process applied and dropped. */
  stats(): Readonly<LiveRosterStats>;
}

/** A member as a snapshot lists them. */
export type SnapshotMember = Pick<RosterMember, 'userId' | 'role' | 'visibility'>;

/**
 * Repairs `room` in `store` from `snapshot` (its complete roster: presence's `roster(room).all()`,
 * paced by the quota like every call) now and every `intervalMs` after, until `signal` aborts. A
 * snapshot counts from when it was asked for: an event after that stands against it. A snapshot
 * that fails is told to `onError` and tried again at the next interval.
 */
export async function trackRoom(
  store: LiveRosterStore,
  room: string,
  snapshot: (signal: AbortSignal | undefined) => Promise<readonly SnapshotMember[]>,
  options: { intervalMs: number; signal?: AbortSignal; onError?: (error: unknown) => void; clock?: Clock },
): Promise<void> {
  const { intervalMs, signal, onError } = options;
  const clock = options.clock ?? realClock;
  while (!signal?.aborted) {
    const takenAt = new Date(clock.now());
    try {
      await store.repair(room, await snapshot(signal), takenAt);
    } catch (error) {
      if (signal?.aborted) break;
      onError?.(error);
    }
    await clock.sleep(intervalMs, signal).catch(() => undefined);
  }
}

/** Every room's live roster in this process's memory. */
export class LiveRosters implements LiveRosterStore {
  readonly #rooms = new Map<string, Map<string, UserRecord>>();
  /** Event ids applied, by when they may be forgotten. */
  readonly #eventIds = new Map<string, number>();
  readonly #options: LiveRosterOptions;
  readonly #clock: Clock;
  readonly #stats: LiveRosterStats = { eventsApplied: 0, duplicates: 0, outOfOrder: 0, snapshots: 0, changesBySnapshot: 0 };
  readonly #listeners = new Set<(change: RosterChange) => void>();
  /** Rooms repaired at least once (their first snapshot is the baseline). */
  readonly #baselined = new Set<string>();
  /** "Left" records in the order they expire. */
  readonly #leaving: Array<{ room: string; userId: string; keepUntil: number }> = [];

  constructor(options: LiveRosterOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
  }

  /** Applies one verified event; says whether it was applied or dropped, and why. */
  async apply(event: RosterEvent): Promise<AppliedEvent> {
    const now = this.#clock.now();
    this.#forget(now);
    if (event.eventId !== undefined) {
      const key = `${event.room}\u0000${event.eventId}`;
      if (this.#eventIds.has(key)) return this.#count('duplicate');
      this.#eventIds.set(key, now + this.#options.leftRecordMs);
    }
    const users = this.#room(event.room);
    const record = users.get(event.userId);
    if (record?.order != null) {
      if (event.order < record.order) return this.#count('out-of-order');
      // The same order again: a copy, unless it says something else (two events in one ms) — and
      // always when a snapshot has spoken since that event (a late copy of the join of a user a
      // snapshot then removed would bring them back).
      if (
        event.order === record.order &&
        (record.by === 'snapshot' ||
          (record.present === (event.change !== 'leave') && (event.change !== 'role' || event.role === undefined || event.role === record.role)))
      )
        return this.#count('duplicate');
    }
    const at = event.at.getTime();
    // The event a snapshot's change stood in for, late (it was on its way): not a lost one after all.
    if (record?.counted && at <= record.at && (event.change === 'leave') === !record.present) this.#stats.changesBySnapshot--;
    if (event.change === 'leave') {
      const wasPresent = record?.present === true;
      const left: UserRecord = {
        present: false,
        order: event.order,
        at,
        role: record?.role ?? null,
        visibility: record?.visibility ?? 'unknown',
        by: 'event',
        keepUntil: 0,
      };
      users.set(event.userId, left);
      this.#leave(event.room, event.userId, left, now);
      return this.#count('applied', wasPresent ? { room: event.room, userId: event.userId, change: 'left', by: 'event', at: event.at } : undefined);
    }
    // A join, or a role change (which a user who is not in the room can only make by being in it).
    const next: UserRecord = {
      present: true,
      order: event.order,
      at,
      role: event.role !== undefined ? event.role : (record?.role ?? null),
      visibility: event.visibility ?? record?.visibility ?? 'unknown',
      by: 'event',
      keepUntil: Number.POSITIVE_INFINITY,
    };
    users.set(event.userId, next);
    const change = !record?.present ? 'joined' : record.role !== next.role || record.visibility !== next.visibility ? 'updated' : undefined;
    return this.#count(
      'applied',
      change ? { room: event.room, userId: event.userId, change, by: 'event', at: event.at, member: memberOf(event.userId, next) } : undefined,
    );
  }

  /**
   * Repairs a room from a snapshot (its complete roster) taken at `takenAt`: the changes it made.
   * An event newer than the snapshot less the heartbeat lag stands against it.
   */
  async repair(room: string, members: readonly SnapshotMember[], takenAt: Date): Promise<RosterChange[]> {
    const now = this.#clock.now();
    this.#forget(now);
    this.#stats.snapshots++;
    const users = this.#room(room);
    const listed = new Map(members.map((member) => [member.userId, member]));
    const settledBefore = takenAt.getTime() - this.#options.heartbeatLagMs;
    const changes: RosterChange[] = [];
    // A room's first snapshot is its baseline: what it changes is not counted as events lost.
    const counted = this.#baselined.has(room);
    for (const [userId, member] of listed) {
      const record = users.get(userId);
      if (record?.present) {
        if (record.at <= settledBefore && (record.role !== member.role || record.visibility !== member.visibility)) {
          Object.assign(record, { role: member.role, visibility: member.visibility, at: takenAt.getTime(), by: 'snapshot', counted: false });
          changes.push({ room, userId, change: 'updated', by: 'snapshot', at: takenAt, member: memberOf(userId, record) });
        }
        continue;
      }
      // Left by an event the snapshot may not show yet: the event stands.
      if (record && record.at > settledBefore) continue;
      const added: UserRecord = {
        present: true,
        order: record?.order ?? null,
        at: takenAt.getTime(),
        role: member.role,
        visibility: member.visibility,
        by: 'snapshot',
        keepUntil: Number.POSITIVE_INFINITY,
        counted,
      };
      users.set(userId, added);
      changes.push({ room, userId, change: 'joined', by: 'snapshot', at: takenAt, member: memberOf(userId, added) });
    }
    for (const [userId, record] of users) {
      if (!record.present || listed.has(userId) || record.at > settledBefore) continue;
      Object.assign(record, { at: takenAt.getTime(), by: 'snapshot', counted });
      this.#leave(room, userId, record, now);
      changes.push({ room, userId, change: 'left', by: 'snapshot', at: takenAt });
    }
    if (counted) this.#stats.changesBySnapshot += changes.length;
    this.#baselined.add(room);
    for (const change of changes) this.#emit(change);
    return changes;
  }

  /** The room's members now, in the order they were learnt of. */
  async members(room: string): Promise<LiveMember[]> {
    this.#forget(this.#clock.now());
    return [...(this.#rooms.get(room) ?? [])].filter(([, record]) => record.present).map(([userId, record]) => memberOf(userId, record));
  }

  /** Every change from now on, as it is made (of `rooms`, or of every room); ends when `signal` aborts. */
  async *changes(options: { signal?: AbortSignal; rooms?: readonly string[] } = {}): AsyncIterableIterator<RosterChange> {
    const { signal } = options;
    const rooms = options.rooms ? new Set(options.rooms) : undefined;
    const queue: RosterChange[] = [];
    let wake: (() => void) | undefined;
    const listener = (change: RosterChange) => {
      if (rooms && !rooms.has(change.room)) return;
      queue.push(change);
      wake?.();
    };
    const stop = () => wake?.();
    this.#listeners.add(listener);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      while (!signal?.aborted) {
        if (queue.length) {
          yield queue.shift()!;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.#listeners.delete(listener);
      signal?.removeEventListener('abort', stop);
    }
  }

  stats(): Readonly<LiveRosterStats> {
    return { ...this.#stats };
  }

  #room(room: string): Map<string, UserRecord> {
    let users = this.#rooms.get(room);
    if (!users) this.#rooms.set(room, (users = new Map()));
    return users;
  }

  #count(outcome: EventOutcome, change?: RosterChange): AppliedEvent {
    if (outcome === 'applied') this.#stats.eventsApplied++;
    else if (outcome === 'duplicate') this.#stats.duplicates++;
    else this.#stats.outOfOrder++;
    if (!change) return { outcome };
    this.#emit(change);
    return { outcome, change };
  }

  #emit(change: RosterChange) {
    for (const listener of this.#listeners) listener(change);
  }

  /**
   * Drops "left" records and event ids past their time. Both are kept for one fixed time, so each
   * list is in expiry order: only the expired head is looked at.
   */
  #forget(now: number) {
    for (const [key, until] of this.#eventIds) {
      if (until >= now) break;
      this.#eventIds.delete(key);
    }
    while (this.#leaving.length && this.#leaving[0]!.keepUntil < now) {
      const { room, userId, keepUntil } = this.#leaving.shift()!;
      const users = this.#rooms.get(room);
      const record = users?.get(userId);
      // Unless the user came back (or left again later) since.
      if (record && !record.present && record.keepUntil === keepUntil) users!.delete(userId);
    }
  }

  /** Marks a record as left, kept until `leftRecordMs` from now. */
  #leave(room: string, userId: string, record: UserRecord, now: number) {
    record.present = false;
    record.keepUntil = now + this.#options.leftRecordMs;
    this.#leaving.push({ room, userId, keepUntil: record.keepUntil });
  }
}
