// Client-side rate limiting: never more calls than the quota allows in any one-second window, one
// limiter per vendor account and quota, shared by every presence instance in the process.
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
 * A sliding-window log: a call may start when fewer than `qps` calls started in the last
 * `windowMs`. Unlike a token bucket of capacity `qps` (which lets up to 2×qps through one window),
 * no one-second window ever holds more than `qps` calls. Waiters are served first come, first served.
 */
export class SlidingWindowLimiter implements RateLimiter {
  readonly #qps: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #starts: number[] = [];
  #oldest = 0;
  #pausedUntil = 0;
  #tail: Promise<void> = Promise.resolve();

  constructor(options: { qps: number; clock?: Clock; windowMs?: number }) {
    if (!(options.qps > 0) || !Number.isFinite(options.qps)) throw new RangeError(`qps must be a positive number, got ${options.qps}`);
    this.#qps = Math.max(1, Math.floor(options.qps));
    this.#windowMs = options.windowMs ?? 1000;
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
      const slotAt = full ? this.#starts[this.#oldest]! + this.#windowMs : now;
      const wait = Math.max(this.#pausedUntil, slotAt) - now;
      if (wait <= 0) {
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

/** Limiters by key. Created lazily: nothing runs at import time. */
export class LimiterRegistry {
  readonly #limiters = new Map<string, RateLimiter>();
  readonly #factory: LimiterFactory;

  constructor(factory?: LimiterFactory, clock: Clock = realClock) {
    // A margin over one second absorbs network jitter between our send and the vendor's count.
    this.#factory = factory ?? ((key) => new SlidingWindowLimiter({ qps: key.qps, clock, windowMs: 1000 + WINDOW_MARGIN_MS }));
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
