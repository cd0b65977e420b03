// presence-core's rate limiter with the quota kept in Redis: every process of a fleet draws from
// one account's quota, with the same arrival-aware accounting as the in-process limiter.
import { randomBytes } from 'node:crypto';
import {
  lateBeyondSendDelay,
  LimiterRegistry,
  MAX_SEND_DELAY_MS,
  QpsLimiter,
  realClock,
  WINDOW_MARGIN_MS,
  type Clock,
  type LimiterKey,
  type RateLimiter,
} from '@rollcall/presence-core';
import type { Redis } from 'ioredis';
import { DEFAULT_COMMAND_TIMEOUT_MS, openRedis, RECONNECT_MAX_MS, whenConnected } from './connection.js';
import { ACQUIRE, PAUSE, RELEASE } from './scripts.js';

/** The fleet a process assumes before Redis has told it its size (`maxFleetSize`'s default). */
export const DEFAULT_MAX_FLEET_SIZE = 4;
/** The share of a quota a process takes on its local fallback before it has seen its fleet. */
export const UNKNOWN_FLEET_SHARE = 1 / DEFAULT_MAX_FLEET_SIZE;
/**
 * A process's round trips are trusted to show lateness only once it has seen this many: a job's
 * first wave is slow all together (connections opening), so its least trip is no baseline yet.
 */
export const TRIP_SAMPLES_BEFORE_BASELINE = 20;
/**
 * A slot whose start this process's timer overshot by more than this is not used (the call would
 * arrive later than the bound Redis keeps for it, while the rest of the fleet sends on time, and
 * bunch with their calls): it stays counted, unused, and the call takes another. A quarter of the
 * send delay, the rest of which is the network's.
 */
export const STALE_SLOT_MS = MAX_SEND_DELAY_MS / 4;
/**
 * At most this many slots in a row are given up for one call: on a machine too starved for any
 * timer to be on time, the call goes on its last, its lateness reported with its answer.
 */
export const MAX_STALE_SLOTS_PER_CALL = 3;
export { DEFAULT_COMMAND_TIMEOUT_MS } from './connection.js';
/** A process counts as part of the fleet for this long after its last call. */
export const FLEET_MEMBER_TTL_MS = 10_000;

export interface RedisLimitersOptions {
  /** `redis://[user:password@]host:port[/db]`; or pass `client`. */
  url?: string;
  /** An ioredis client of your own (it is not closed by `close()`). */
  client?: Redis;
  /** Prefix of every key; default `rollcall:limiter`. */
  keyPrefix?: string;
  /**
   * Share of each quota this process uses on its local limiter while Redis is away. Default: one
   * over the number of processes last seen drawing from the quota (each announces itself with its
   * calls), so that a fleet that loses Redis together stays within the quota together; one over
   * `maxFleetSize` when Redis was never reached (a fleet of unknown size).
   */
  fallbackShare?: number;
  /** The most processes that share a quota, assumed while the fleet's size is unknown; default 4. */
  maxFleetSize?: number;
  /** A Redis command slower than this counts as Redis being away; default 1000 ms (a busy machine's Redis can take a few hundred). */
  commandTimeoutMs?: number;
  /** While on the fallback, how often to try Redis again; default 1000 ms. */
  probeIntervalMs?: number;
  clock?: Clock;
  /** Told when a quota moves to its local fallback or back to Redis. */
  onModeChange?: (event: { key: LimiterKey; mode: 'shared' | 'local'; reason: string }) => void;
}

type Mode = 'shared' | 'local';

export interface RedisLimiterStats {
  /** Calls whose slot Redis gave. */
  shared: number;
  /** Calls paced by the local fallback. */
  local: number;
  /** Redis round trips made (reservations, releases, pauses). */
  roundTrips: number;
  /** Times a quota moved to its fallback. */
  fallbacks: number;
  /** Time spent waiting for Redis's answers to reservations, in all (the limiter's own latency). */
  acquireMs: number;
  /** Slots given up because this process's timer reached them too late (see STALE_SLOT_MS). */
  staleSlots: number;
}

interface ScriptedRedis extends Redis {
  rollcallAcquire(calls: string, state: string, members: string, ...args: Array<string | number>): Promise<[number, number, number]>;
  rollcallRelease(calls: string, callId: string, lateMs: number): Promise<number>;
  rollcallPause(state: string, ms: number, ttlMs: number): Promise<number>;
}

/** A registry whose limiters keep their quotas in Redis; pass it as presence's `limiters`. */
export class RedisLimiterRegistry extends LimiterRegistry {
  readonly #redis: ScriptedRedis;
  readonly #owned: boolean;
  readonly #stats: RedisLimiterStats = { shared: 0, local: 0, roundTrips: 0, fallbacks: 0, acquireMs: 0, staleSlots: 0 };

  constructor(options: RedisLimitersOptions) {
    const clock = options.clock ?? realClock;
    const redis = (options.client ?? openRedis(options.url, options.commandTimeoutMs)) as ScriptedRedis;
    redis.defineCommand('rollcallAcquire', { numberOfKeys: 3, lua: ACQUIRE });
    redis.defineCommand('rollcallRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('rollcallPause', { numberOfKeys: 1, lua: PAUSE });
    const stats = () => this.#stats;
    // Each registry is one member of the fleet (a process, as a rule).
    const member = randomBytes(6).toString('hex');
    super((key) => new RedisQpsLimiter(key, redis, options, clock, stats, member), clock);
    this.#redis = redis;
    this.#owned = !options.client;
  }

  /** Counts since the registry was made: where slots came from, and the Redis round trips. */
  stats(): Readonly<RedisLimiterStats> {
    return { ...this.#stats };
  }

  /** Closes the Redis connection (unless it was given as `client`). */
  async close(): Promise<void> {
    if (this.#owned) this.#redis.disconnect();
  }
}

let callCounter = 0;

class RedisQpsLimiter implements RateLimiter {
  readonly #windowMs = 1000 + WINDOW_MARGIN_MS;
  readonly #intervalMs: number;
  readonly #ttlMs: number;
  readonly #keys: { calls: string; state: string; members: string };
  #mode: Mode = 'shared';
  #local: QpsLimiter | undefined;
  #lastFailureAt = -Infinity;
  /** How many processes were drawing from the quota when Redis last answered. */
  #fleet = 0;
  /** The least round trip this process has seen on the quota (see QpsLimiter), and how many it has seen. */
  #leastTrip = Infinity;
  #trips = 0;
  /** Whether Redis ever gave this process a slot (its fleet then has calls Redis granted). */
  #everShared = false;
  /** Starts of the calls the local fallback let go, kept a window: written back to Redis on return. */
  #localStarts: number[] = [];
  /** Until when the fallback lets nothing go (calls Redis granted may still be arriving). */
  #quietUntil = -Infinity;
  /** Until when, after a return to Redis, each call also needs a slot of the local fallback. */
  #graceUntil = -Infinity;
  #tail: Promise<unknown> = Promise.resolve();

  // Private (#) fields: nothing here — the client, the URL in the options — shows in a log or JSON.
  readonly #key: LimiterKey;
  readonly #redis: ScriptedRedis;
  readonly #options: RedisLimitersOptions;
  readonly #clock: Clock;
  readonly #stats: () => RedisLimiterStats;
  readonly #member: string;

  constructor(key: LimiterKey, redis: ScriptedRedis, options: RedisLimitersOptions, clock: Clock, stats: () => RedisLimiterStats, member: string) {
    this.#key = key;
    this.#redis = redis;
    this.#options = options;
    this.#clock = clock;
    this.#stats = stats;
    this.#member = member;
    this.#intervalMs = this.#windowMs / key.qps;
    // Keys outlive the last call by a few windows, then expire.
    this.#ttlMs = 5 * this.#windowMs + FLEET_MEMBER_TTL_MS;
    const slot = `${options.keyPrefix ?? 'rollcall:limiter'}:{${key.vendor}:${key.account}:${key.operation}}`;
    this.#keys = { calls: `${slot}:calls`, state: `${slot}:state`, members: `${slot}:members` };
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    const turn = this.#tail.then(() => this.#take(signal));
    // The next waiter goes on whether this one got its slot or gave up.
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  pause(ms: number): void {
    this.#local?.pause(ms);
    if (this.#mode !== 'shared') return;
    this.#stats().roundTrips++;
    this.#redis.rollcallPause(this.#keys.state, Math.ceil(ms), this.#ttlMs).catch((error: unknown) => this.#fallBack(error));
  }

  async #take(signal?: AbortSignal, staleSlots = 0): Promise<() => void> {
    signal?.throwIfAborted();
    const probe =
      this.#mode === 'local' && this.#clock.now() - this.#lastFailureAt >= (this.#options.probeIntervalMs ?? 1000) && this.#redis.status === 'ready';
    // Shared until Redis fails; a first call may wait (briefly) for the connection to open.
    if (this.#mode === 'shared' && !(await whenConnected(this.#redis, this.#options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS))) {
      this.#fallBack(new Error(`Redis is not reachable (${this.#redis.status})`));
    } else if (this.#mode === 'shared' || probe) {
      const callId = `${this.#member}:${++callCounter}`;
      // Back from the fallback: the calls it let go this window, for Redis to count (a Redis that
      // restarted knows none of them; one that froze, none of this process's).
      const writeBack = this.#mode === 'local' ? this.#recentLocalAges() : [];
      let reply: [number, number, number];
      const askedAt = performance.now();
      const askedOn = this.#clock.now();
      try {
        this.#stats().roundTrips++;
        reply = await this.#redis.rollcallAcquire(
          this.#keys.calls,
          this.#keys.state,
          this.#keys.members,
          this.#key.qps,
          this.#windowMs,
          this.#intervalMs,
          MAX_SEND_DELAY_MS,
          this.#ttlMs,
          callId,
          this.#member,
          FLEET_MEMBER_TTL_MS,
          ...writeBack,
        );
      } catch (error) {
        this.#fallBack(error);
        return this.#localAcquire(signal);
      }
      this.#stats().acquireMs += performance.now() - askedAt;
      const [start, now, fleet] = reply;
      this.#fleet = fleet;
      this.#everShared = true;
      if (this.#mode === 'local') {
        // The rest of the fleet comes back when its own probe and reconnection let it, each writing
        // back its local calls then: until all can have, this process keeps to its local share too.
        this.#graceUntil = askedOn + (this.#options.probeIntervalMs ?? 1000) + RECONNECT_MAX_MS + this.#windowMs;
        this.#localStarts = [];
        this.#setMode('shared', 'Redis answers again');
      }
      // Redis's clock decided the start; wait out the difference on ours.
      if (start > now) {
        const sleptFrom = this.#clock.now();
        await this.#clock.sleep(start - now, signal);
        const overshotMs = this.#clock.now() - sleptFrom - (start - now);
        if (overshotMs > STALE_SLOT_MS && staleSlots < MAX_STALE_SLOTS_PER_CALL) {
          this.#stats().staleSlots++;
          return this.#take(signal, staleSlots + 1);
        }
      }
      this.#stats().shared++;
      const releaseLocal = this.#local && this.#clock.now() < this.#graceUntil ? await this.#local.acquire(signal) : undefined;
      // Redis's `now` came no sooner than we asked, so the call leaves at most this long after the
      // start it was given; the arrival bound Redis keeps for it moves by as much when it is answered.
      const leftAt = this.#clock.now();
      const leftLateMs = Math.max(0, leftAt - askedOn - (start - now));
      return () => {
        releaseLocal?.();
        // As in QpsLimiter: a round trip over the least one by more than the send delay shows the
        // way there may have been that late too — once there are enough trips to know the least.
        const trip = this.#clock.now() - leftAt;
        this.#leastTrip = Math.min(this.#leastTrip, trip);
        const least = ++this.#trips > TRIP_SAMPLES_BEFORE_BASELINE ? this.#leastTrip : 0;
        const lateMs = Math.ceil(leftLateMs + lateBeyondSendDelay(trip, least));
        this.#stats().roundTrips++;
        this.#redis.rollcallRelease(this.#keys.calls, callId, lateMs).catch(() => undefined);
      };
    }
    return this.#localAcquire(signal);
  }

  /** A slot of the local fallback, its start kept for the return to Redis. */
  async #localAcquire(signal?: AbortSignal): Promise<() => void> {
    const release = await this.#localLimiter().acquire(signal);
    this.#stats().local++;
    this.#localStarts.push(this.#clock.now());
    return release;
  }

  /** How long ago each local call of the last window (and send delay) started, in ms. */
  #recentLocalAges(): number[] {
    const now = this.#clock.now();
    this.#localStarts = this.#localStarts.filter((start) => now - start <= this.#windowMs + MAX_SEND_DELAY_MS);
    return this.#localStarts.map((start) => Math.round(now - start));
  }

  #fallBack(error: unknown) {
    const now = this.#clock.now();
    this.#lastFailureAt = now;
    if (this.#mode === 'local') return;
    this.#stats().fallbacks++;
    this.#local = undefined;
    // Calls Redis granted before it went away still reach the vendor, and count there for a window
    // after: the fallback lets nothing go until then. Any process's last grant starts at most a
    // window (the quota's window full) and a pace slot per process after its reservation, and arrives
    // within the send delay of its start (a second one: it may leave late).
    this.#quietUntil = this.#everShared ? now + 2 * this.#windowMs + 2 * MAX_SEND_DELAY_MS + this.#fleetSize() * this.#intervalMs : -Infinity;
    this.#setMode('local', error instanceof Error ? error.message : String(error));
  }

  /** The processes drawing from the quota: as Redis last counted them, or the most there may be. */
  #fleetSize(): number {
    return this.#fleet > 0 ? this.#fleet : (this.#options.maxFleetSize ?? DEFAULT_MAX_FLEET_SIZE);
  }

  /** The fallback: this process's share of the quota, paced locally, silent until the quiet ends. */
  #localLimiter(): QpsLimiter {
    if (!this.#local) {
      const share = this.#options.fallbackShare ?? 1 / this.#fleetSize();
      this.#local = new QpsLimiter({ qps: Math.max(1, Math.floor(this.#key.qps * share)), clock: this.#clock, windowMs: this.#windowMs });
      const quietMs = this.#quietUntil - this.#clock.now();
      if (quietMs > 0) this.#local.pause(quietMs);
    }
    return this.#local;
  }

  #setMode(mode: Mode, reason: string) {
    this.#mode = mode;
    this.#options.onModeChange?.({ key: this.#key, mode, reason });
  }
}

// Live rosters for a fleet of callback receivers (issue 23).
export { CHANGE_STREAM_LENGTH, DEFAULT_ROOM_TTL_MS, RedisLiveRosters } from './rosters.js';
export type { RedisLiveRostersOptions } from './rosters.js';
