// The upstream call, as one unit in the shape of smithy's adaptive retry strategy: the engine's
// retry loop runs the attempts; this strategy paces each through the account's limiter, pauses the
// account on a throttle (and remembers the episode), and tracks answer times, from which a lookup
// learns how many calls keep the quota busy.
import { DEFAULT_TIMEOUT_MS, retryDelayMs, ThrottledError, type CallOptions, type RetryStrategy } from '@rollcall/runtime';
import type { PresenceOptions } from './api.js';
import type { Clock } from './clock.js';
import type { LimiterRegistry, RateLimiter } from './limiter.js';
import type { OperationInfo, ProviderDriver } from './provider.js';
import type { ResolvedRetryOptions } from './retry.js';

/** In flight beyond what the answer time calls for (and before any answer), and the factor of room on it (jitter, bursts). */
const MIN_IN_FLIGHT = 8;
const IN_FLIGHT_HEADROOM = 2;

/** How long an answer time counts towards the least recent one (BBR keeps its least round trip as long). */
const LEAST_LATENCY_WINDOW_MS = 10_000;

/** Throttles this close together count as one episode (and the longest proportionate pause). */
const THROTTLE_MEMORY_MS = 1000;

export interface UpstreamContext {
  driver: ProviderDriver;
  options: PresenceOptions;
  retry: ResolvedRetryOptions;
  clock: Clock;
  random: () => number;
  limiters: LimiterRegistry;
  hooks: NonNullable<PresenceOptions['hooks']>;
}

export interface Upstream {
  /** One upstream call through the account's limiter, retried within the deadline. */
  invoke<T>(operation: OperationInfo, signal: AbortSignal | undefined, call: (o: CallOptions) => Promise<T>): Promise<T>;
  /** How many calls to keep in flight for `operationId` at `qps`, at most `slots`, `outForMs` into a job. */
  inFlightFor(operationId: string, qps: number, slots: number, outForMs: number): number;
  /** The least answer time seen lately, or undefined before any answer. */
  answerTime(operationId: string): number | undefined;
}

export function createUpstream({ driver, options, retry, clock, random, limiters, hooks }: UpstreamContext): Upstream {
  /** Recent throttles per limiter: each one within a second of the last doubles the pause. */
  const throttles = new WeakMap<RateLimiter, { count: number; at: number }>();
  function proportionatePause(limiter: RateLimiter, qps: number): number {
    const now = clock.now();
    const last = throttles.get(limiter);
    const count = last && now - last.at < THROTTLE_MEMORY_MS ? last.count + 1 : 1;
    throttles.set(limiter, { count, at: now });
    return Math.min(THROTTLE_MEMORY_MS, 2 * (1000 / qps) * 2 ** (count - 1));
  }

  /** Each operation's least answer time of the last ten seconds or so, from send to answer. */
  const latencies = new Map<string, RecentLeast>();
  function noteLatency(operationId: string, ms: number) {
    let least = latencies.get(operationId);
    if (!least) latencies.set(operationId, (least = new RecentLeast(LEAST_LATENCY_WINDOW_MS)));
    least.note(ms, clock.now());
  }

  /**
   * How many batches a lookup keeps in flight: what keeps the quota busy at the answer time seen
   * (Little's law, with room to spare), never more than `slots`. Answers that sit in memory waiting
   * for their turn are most of a large lookup's peak memory, so no more are sent than the quota can
   * use. The answer time is the least one seen lately, not an average: when answers queue (a busy
   * event loop, a vendor slowing down) an average grows with what is in flight, and a cap built on
   * it would feed itself up to `slots` without answering any faster.
   */
  function inFlightFor(operationId: string, qps: number, slots: number, outForMs: number): number {
    const latencyMs = answerTime(operationId);
    // Nothing answered yet: the answer time is at least as long as the first calls have been out
    // (no room to spare on a bound). Not a second of quota at once: a first wave sent together
    // answers late (its own sending and parsing queue up) and would hold the cap high.
    if (latencyMs === undefined) return Math.min(slots, Math.ceil((qps * outForMs) / 1000) + MIN_IN_FLIGHT);
    return Math.min(slots, Math.ceil((qps * latencyMs * IN_FLIGHT_HEADROOM) / 1000) + MIN_IN_FLIGHT);
  }

  function answerTime(operationId: string): number | undefined {
    return latencies.get(operationId)?.value(clock.now());
  }

  /**
   * One upstream call through the account's limiter. The client's engine runs the retry loop; this
   * strategy paces each attempt through the limiter, pauses the account on a throttle, and decides
   * (on presence's clock) whether and when to try again within the deadline.
   */
  async function invoke<T>(operation: OperationInfo, signal: AbortSignal | undefined, call: (o: CallOptions) => Promise<T>): Promise<T> {
    const quota = operation.quotaKey ?? operation.operationId;
    const qps = options.qps?.[quota] ?? operation.qps;
    const limiter = limiters.get({ vendor: driver.vendor, account: driver.account, operation: quota, qps });
    const attemptTimeoutMs = options.timeoutMs ?? driver.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const event = (attempt: number) => ({ vendor: driver.vendor, operation: operation.operationId, attempt });
    let deadline = Infinity;
    const strategy: RetryStrategy = {
      async attempt(n, send) {
        const answered = await limiter.acquire(signal);
        hooks.onRequest?.(event(n));
        if (n === 1) deadline = clock.now() + retry.deadlineMs;
        const sentAt = clock.now();
        try {
          // This attempt gets what is left of the deadline, or the timeout if that is shorter.
          return await send(Math.max(1, Math.min(attemptTimeoutMs, deadline - clock.now())));
        } finally {
          answered();
          noteLatency(operation.operationId, clock.now() - sentAt);
        }
      },
      async next(error, n) {
        if (error instanceof ThrottledError) {
          const pauseMs = Math.min(error.retryAfterMs ?? retry.throttlePauseMs ?? proportionatePause(limiter, qps), retry.maxDelayMs);
          limiter.pause(pauseMs);
          hooks.onThrottle?.({ ...event(n), pauseMs, error });
        }
        const delayMs = signal?.aborted ? undefined : retryDelayMs(error, n, retry, random);
        if (delayMs === undefined) return undefined;
        // A retry that could not finish before the deadline is not started.
        if (clock.now() + delayMs >= deadline) return undefined;
        hooks.onRetry?.({ ...event(n), delayMs, error: error as Error });
        await clock.sleep(delayMs, signal);
        return delayMs;
      },
    };
    return call({ signal, retry: strategy });
  }

  return { invoke, inFlightFor, answerTime };
}

/**
 * The least of the values noted within about `windowMs`: two buckets, each covering half the window,
 * so an old least value is forgotten between one and two half-windows after it was noted.
 */
class RecentLeast {
  readonly #halfMs: number;
  #current = Infinity;
  #previous = Infinity;
  #bucketStart = -Infinity;

  constructor(windowMs: number) {
    this.#halfMs = windowMs / 2;
  }

  note(value: number, now: number): void {
    this.#roll(now);
    this.#current = Math.min(this.#current, value);
  }

  /** `undefined` before anything is noted (or after a window of nothing). */
  value(now: number): number | undefined {
    this.#roll(now);
    const least = Math.min(this.#current, this.#previous);
    return least === Infinity ? undefined : least;
  }

  #roll(now: number) {
    if (now - this.#bucketStart < this.#halfMs) return;
    this.#previous = now - this.#bucketStart < 2 * this.#halfMs ? this.#current : Infinity;
    this.#current = Infinity;
    this.#bucketStart = now;
  }
}
