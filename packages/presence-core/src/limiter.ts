// Client-side rate limiting: never more calls than the quota allows in any one-second window, one
// limiter per vendor account and quota, shared by every presence instance in the process.
// (Not a token bucket of capacity QPS: that lets up to 2×QPS calls through one second.)
import { realClock, type Clock } from './clock.js';

export interface RateLimiter {
  /** Waits for a slot; each resolved acquire is one upstream call. Rejects when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void>;
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
 * Paces calls evenly — one start every `windowMs / qps` — and, as a hard bound, never lets more
 * than `qps` starts into any `windowMs` (a log of the last `qps` starts). Even spacing rather than
 * a burst of `qps` at the top of each second keeps the vendor's own count right when requests
 * reach it later than they left: event-loop and network jitter compress a burst, not a stream. A
 * waiter woken a little late does not push every later call back (the schedule absorbs up to
 * `CATCH_UP_INTERVALS` of lateness), so timer drift does not add up over thousands of calls.
 * Waiters are served first come, first served.
 */
export class QpsLimiter implements RateLimiter {
  readonly #qps: number;
  readonly #windowMs: number;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #starts: number[] = [];
  #oldest = 0;
  #nextStart = -Infinity;
  #pausedUntil = -Infinity;
  #tail: Promise<void> = Promise.resolve();

  constructor(options: { qps: number; clock?: Clock; windowMs?: number }) {
    if (!(options.qps >= 1) || !Number.isFinite(options.qps)) throw new RangeError(`qps must be a number ≥ 1, got ${options.qps}`);
    this.#qps = Math.floor(options.qps);
    this.#windowMs = options.windowMs ?? 1000;
    this.#intervalMs = this.#windowMs / this.#qps;
    this.#clock = options.clock ?? realClock;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#waitForSlot(signal));
    // The next waiter goes on whether this one got its slot or gave up.
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + ms);
  }

  async #waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      const full = this.#starts.length >= this.#qps;
      const windowFreeAt = full ? this.#starts[this.#oldest]! + this.#windowMs : -Infinity;
      const wait = Math.max(this.#pausedUntil, this.#nextStart, windowFreeAt) - now;
      if (wait <= 0) {
        // The first call sets the schedule; after that, lateness of up to CATCH_UP_INTERVALS is absorbed.
        const scheduled = this.#nextStart === -Infinity ? now : Math.max(this.#nextStart, now - CATCH_UP_INTERVALS * this.#intervalMs);
        this.#nextStart = scheduled + this.#intervalMs;
        if (full) {
          this.#starts[this.#oldest] = now;
          this.#oldest = (this.#oldest + 1) % this.#qps;
        } else {
          this.#starts.push(now);
        }
        return;
      }
      await this.#clock.sleep(wait, signal);
    }
  }
}

/** How many intervals of lateness the pacing schedule absorbs. */
export const CATCH_UP_INTERVALS = 4;

/** Limiters by key. Created lazily: nothing runs at import time. */
export class LimiterRegistry {
  readonly #limiters = new Map<string, RateLimiter>();
  readonly #factory: LimiterFactory;

  constructor(factory?: LimiterFactory, clock: Clock = realClock) {
    // A margin over one second absorbs network jitter between our send and the vendor's count.
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

export const WINDOW_MARGIN_MS = 20;

let processRegistry: LimiterRegistry | undefined;

/** The registry every presence instance shares unless given its own. */
export function processLimiters(): LimiterRegistry {
  processRegistry ??= new LimiterRegistry();
  return processRegistry;
}
