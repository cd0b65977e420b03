// Client-side rate limiting: never more calls than the quota allows in any one-second window, one
// limiter per vendor account and quota, shared by every presence instance in the process.
// (Not a token bucket of capacity QPS: that lets up to 2×QPS calls through one second.)
import { realClock, type Clock } from './clock.js';

export interface RateLimiter {
  /**
   * Waits for a slot; each resolved acquire is one upstream call. Call the returned function when
   * the call's answer (or failure) is back. Rejects when `signal` aborts.
   */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Holds every acquisition for `ms` from now: the vendor throttled us, so the whole queue waits. */
  pause(ms: number): void;
}

export interface LimiterKey {
  readonly vendor: string;
  /** The account the vendor counts the quota against (access key id, SDKAppID). */
  readonly account: string;
  /**
   * The quota's key (runtime `quotaOf`): the operation id, or the operation id with the parameter
   * value that selects a quota of its own (`GetRoomOnlineUsers?Property=true`).
   */
  readonly operation: string;
  /** Calls per second allowed. */
  readonly qps: number;
}

/** Makes the limiter for a key; replace it to plug in a distributed limiter. */
export type LimiterFactory = (key: LimiterKey) => RateLimiter;

/**
 * Keeps the vendor's count of any one-second window at or under `qps`, as the vendor counts it:
 * by when requests *arrive*, which is later than when they leave and by a varying amount. So each
 * call is remembered by the latest moment it can have arrived, and a new call starts only when one
 * of the last `qps` calls is a full window behind that moment:
 * - answered: when its answer came back, or `maxSendDelayMs` after it started if that is sooner —
 *   unless its round trip exceeded the least one seen by more than that. A call's way there can be
 *   late (a busy event loop, a first connection, a starved vendor) by at most what its round trip
 *   took over the quickest, so the bound moves out by as much.
 * - still out: `maxSendDelayMs` after it started; once it has been out longer than the least round
 *   trip plus that, it may be arriving now, and it holds its place in the window until answered.
 * Calls are also paced evenly (one every `windowMs / qps`) rather than sent in bursts at the top of
 * each second, except that a limiter which has been idle lets `burstFor(qps)` calls start at once: a
 * job's first wave does not queue behind a pace set for a queue that is not there yet. Waiters are
 * served first come, first served.
 */
export class QpsLimiter implements RateLimiter {
  readonly #qps: number;
  readonly #windowMs: number;
  readonly #intervalMs: number;
  readonly #maxSendDelayMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  /** The last `qps` calls: when each started and, once answered, its round trip. */
  readonly #calls: Array<{ start: number; trip: number | undefined }> = [];
  /** The least round trip seen: what a call takes when nothing on its way is late. */
  #leastTrip = Infinity;
  #nextStart = -Infinity;
  #pausedUntil = -Infinity;
  #tail: Promise<unknown> = Promise.resolve();
  /** Wakes the waiter (one at a time: waiters queue) when an answer may have freed a place. */
  #wake: (() => void) | undefined;

  constructor(options: { qps: number; clock?: Clock; windowMs?: number; maxSendDelayMs?: number }) {
    if (!(options.qps >= 1) || !Number.isFinite(options.qps)) throw new RangeError(`qps must be a number ≥ 1, got ${options.qps}`);
    this.#qps = Math.floor(options.qps);
    this.#windowMs = options.windowMs ?? 1000;
    this.#intervalMs = this.#windowMs / this.#qps;
    this.#maxSendDelayMs = options.maxSendDelayMs ?? MAX_SEND_DELAY_MS;
    this.#burst = burstFor(this.#qps);
    this.#clock = options.clock ?? realClock;
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    const turn = this.#tail.then(() => this.#waitForSlot(signal));
    // The next waiter goes on whether this one got its slot or gave up.
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + ms);
  }

  /** When a call is a full window behind the latest moment it can have arrived (see the class). */
  #windowFreeAt(call: { start: number; trip: number | undefined }): number {
    const least = Number.isFinite(this.#leastTrip) ? this.#leastTrip : 0;
    if (call.trip === undefined) {
      // Out longer than the least trip plus the send delay: it may be arriving now, so it frees
      // its place only if no call can arrive later than a window before its answer.
      return least >= this.#windowMs ? call.start + this.#maxSendDelayMs + this.#windowMs : Infinity;
    }
    return call.start + Math.min(this.#maxSendDelayMs, call.trip) + lateBeyondSendDelay(call.trip, least, this.#maxSendDelayMs) + this.#windowMs;
  }

  async #waitForSlot(signal?: AbortSignal): Promise<() => void> {
    // Held back by the window or a pause: the quota is busy, not idle, so no slack builds up.
    let held = false;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      let earliest = -1;
      let windowFreeAt = -Infinity;
      if (this.#calls.length >= this.#qps) {
        windowFreeAt = Infinity;
        for (let i = 0; i < this.#calls.length; i++) {
          const freeAt = this.#windowFreeAt(this.#calls[i]!);
          if (freeAt < windowFreeAt || earliest < 0) {
            earliest = i;
            windowFreeAt = freeAt;
          }
        }
      }
      const wait = Math.max(this.#pausedUntil, this.#nextStart, windowFreeAt) - now;
      if (wait <= 0) {
        // Up to `burst - 1` intervals of slack build up while idle (or while a timer fired late), so a
        // first wave starts together and timer drift does not add up over thousands of calls.
        const scheduled = held ? Math.max(this.#nextStart, now) : Math.max(this.#nextStart, now - (this.#burst - 1) * this.#intervalMs);
        this.#nextStart = scheduled + this.#intervalMs;
        const call = { start: now, trip: undefined as number | undefined };
        if (earliest >= 0) this.#calls[earliest] = call;
        else this.#calls.push(call);
        return () => {
          if (call.trip !== undefined) return;
          call.trip = this.#clock.now() - call.start;
          this.#leastTrip = Math.min(this.#leastTrip, call.trip);
          this.#wake?.();
        };
      }
      held ||= Math.max(this.#pausedUntil, windowFreeAt) > now;
      // An answer can free a place sooner than the wait (or at all, when calls still out hold
      // the window): look again when one comes. An abort is thrown at the top of the loop.
      const woken = new AbortController();
      const wake = () => woken.abort();
      if (windowFreeAt > Math.max(this.#pausedUntil, this.#nextStart)) this.#wake = wake;
      signal?.addEventListener('abort', wake, { once: true });
      try {
        await (Number.isFinite(wait)
          ? this.#clock.sleep(wait, woken.signal)
          : new Promise((_, reject) => woken.signal.addEventListener('abort', reject, { once: true })));
      } catch {
        // Woken early: look again.
      } finally {
        if (this.#wake === wake) this.#wake = undefined;
        signal?.removeEventListener('abort', wake);
      }
    }
  }
}

/** The share of a second's quota that may start at once after a quiet spell. */
export const IDLE_BURST_SHARE = 0.2;

/**
 * Calls that may start together after a quiet spell (or a late timer): a fifth of a second's quota,
 * at least one. The window rule still holds them to `qps` a window; a fifth keeps the rest of the
 * second's quota paced, so a burst cannot crowd into one second what jitter could bunch further.
 */
export function burstFor(qps: number): number {
  return Math.max(1, Math.floor(qps * IDLE_BURST_SHARE));
}

/**
 * A call is assumed to reach the vendor within this long of its start, unless its round trip shows
 * it may have taken longer (see QpsLimiter).
 */
export const MAX_SEND_DELAY_MS = 100;

/**
 * How much later than the send delay an answered call can have reached the vendor: its way there
 * can have been late by at most what its round trip took over the least one seen. (Shared with
 * distributed limiters, which apply it when a call's answer is back.)
 */
export function lateBeyondSendDelay(tripMs: number, leastTripMs: number, maxSendDelayMs = MAX_SEND_DELAY_MS): number {
  return Math.max(0, tripMs - leastTripMs - maxSendDelayMs);
}

/** Limiters by key. Created lazily: nothing runs at import time. */
export class LimiterRegistry {
  readonly #limiters = new Map<string, RateLimiter>();
  readonly #factory: LimiterFactory;

  constructor(factory?: LimiterFactory, clock: Clock = realClock) {
    // A small margin over one second absorbs timer granularity between us and the vendor.
    this.#factory = factory ?? ((key) => new QpsLimiter({ qps: key.qps, clock, windowMs: 1000 + WINDOW_MARGIN_MS }));
  }

  get(key: LimiterKey): RateLimiter {
    const id = `${key.vendor}\u0000${key.account}\u0000${key.operation}\u0000${key.qps}`;
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      limiter = this.#factory(key);
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }
}

export const WINDOW_MARGIN_MS = 5;

let processRegistry: LimiterRegistry | undefined;

/** The registry every presence instance shares unless given its own. */
export function processLimiters(): LimiterRegistry {
  processRegistry ??= new LimiterRegistry();
  return processRegistry;
}
