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
  readonly operation: string;
  /** Calls per second allowed. */
  readonly qps: number;
}

/** Makes the limiter for a key; replace it to plug in a distributed limiter. */
export type LimiterFactory = (key: LimiterKey) => RateLimiter;

/**
 * Keeps the vendor's count of any one-second window at or under `qps`, as the vendor counts it:
 * by when requests *arrive*, which is later than when they leave and by a varying amount (the
 * first request of a process alone can take tens of milliseconds to go out). So each call is
 * remembered by the latest moment it can have arrived — when its answer came back, or
 * `maxSendDelayMs` after it started if it is still out — and a new call starts only when one of
 * the last `qps` calls is a full window behind that moment. Calls are also paced evenly (one every
 * `windowMs / qps`) rather than sent in bursts at the top of each second, except that a limiter
 * which has been idle lets `burstFor(qps)` calls start at once: a job's first wave does not queue
 * behind a pace set for a queue that is not there yet. Waiters are served first come, first served.
 */
export class QpsLimiter implements RateLimiter {
  readonly #qps: number;
  readonly #windowMs: number;
  readonly #intervalMs: number;
  readonly #maxSendDelayMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  /** The last `qps` calls: the latest time each can have reached the vendor. */
  readonly #arrivedBy: Array<{ at: number }> = [];
  #nextStart = -Infinity;
  #pausedUntil = -Infinity;
  #tail: Promise<unknown> = Promise.resolve();

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

  async #waitForSlot(signal?: AbortSignal): Promise<() => void> {
    // Held back by the window or a pause: the quota is busy, not idle, so no slack builds up.
    let held = false;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      let earliest = -1;
      if (this.#arrivedBy.length >= this.#qps) {
        earliest = 0;
        for (let i = 1; i < this.#arrivedBy.length; i++) {
          if (this.#arrivedBy[i]!.at < this.#arrivedBy[earliest]!.at) earliest = i;
        }
      }
      const windowFreeAt = earliest >= 0 ? this.#arrivedBy[earliest]!.at + this.#windowMs : -Infinity;
      const wait = Math.max(this.#pausedUntil, this.#nextStart, windowFreeAt) - now;
      if (wait <= 0) {
        // Up to `burst - 1` intervals of slack build up while idle (or while a timer fired late), so a
        // first wave starts together and timer drift does not add up over thousands of calls.
        const scheduled = held ? Math.max(this.#nextStart, now) : Math.max(this.#nextStart, now - (this.#burst - 1) * this.#intervalMs);
        this.#nextStart = scheduled + this.#intervalMs;
        const entry = { at: now + this.#maxSendDelayMs };
        if (earliest >= 0) this.#arrivedBy[earliest] = entry;
        else this.#arrivedBy.push(entry);
        return () => {
          entry.at = Math.min(entry.at, this.#clock.now());
        };
      }
      held ||= Math.max(this.#pausedUntil, windowFreeAt) > now;
      await this.#clock.sleep(wait, signal);
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

/** A call still out is assumed to have reached the vendor this long after it started. */
export const MAX_SEND_DELAY_MS = 100;

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
