// Retries, as smithy-typescript splits them: the policy (when and how long to wait) here, the loop
// in the engine, and a strategy interface for a caller that paces attempts itself (presence-core
// plugs its per-account rate limiter in). One `sleep` for everything that waits.
import { ConnectionError, VendorApiError } from './errors.js';

/** How a client retries failures worth retrying (`retryable` vendor errors, no answer at all). */
export interface RetryPolicy {
  /** Attempts in all, the first included; default 3. */
  maxAttempts?: number | undefined;
  /** Base of the exponential backoff with full jitter; default 100 ms. */
  baseDelayMs?: number | undefined;
  /** The longest wait; a Retry-After beyond it fails the call at once. Default 20 000 ms. */
  maxDelayMs?: number | undefined;
}

/**
 * The retry loop's hooks, for a caller that paces attempts itself (presence-core plugs its
 * per-account rate limiter in here). The engine runs the loop; the strategy runs each attempt and
 * says whether to go on.
 */
export interface RetryStrategy {
  /** Runs attempt `n` (from 1): `send` makes it, within `timeoutMs` if given. */
  attempt<T>(n: number, send: (timeoutMs?: number) => Promise<T>): Promise<T>;
  /** After attempt `n` failed with `error`: waits and resolves to the wait in ms, or to undefined to give up. */
  next(error: unknown, n: number): Promise<number | undefined>;
}

/** The policy when none is given: every client's, and presence-core's. */
export const DEFAULT_RETRY_POLICY = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 20_000 } as const;

/** Worth another attempt: a failure the operation table marks retryable, or no answer at all. */
export function isRetryable(error: unknown): boolean {
  return error instanceof VendorApiError || error instanceof ConnectionError ? error.retryable : false;
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined to give up: not retryable, attempts
 * used up, or a Retry-After longer than `maxDelayMs` (never retry before the vendor said). Otherwise
 * the Retry-After, or exponential backoff with full jitter. Shared by every retry strategy.
 */
export function retryDelayMs(error: unknown, attempt: number, policy: Required<RetryPolicy>, random: () => number = Math.random): number | undefined {
  const after = (error as VendorApiError).retryAfterMs;
  if (attempt >= policy.maxAttempts || !isRetryable(error) || after! > policy.maxDelayMs) return undefined;
  return after ?? Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

/**
 * Waits `ms`, or rejects with the signal's reason when it aborts first. Either way the listener
 * goes with the wait: a long-lived signal (a server's shutdown signal) would otherwise keep one per
 * wait, and each wait's closure with it.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The engine's own strategy: exponential backoff with full jitter, Retry-After, the deadline. */
export function policyStrategy(policy: RetryPolicy | false | undefined, deadline: number, signal: AbortSignal | undefined): RetryStrategy {
  const {
    maxAttempts = policy === false ? 1 : DEFAULT_RETRY_POLICY.maxAttempts,
    baseDelayMs = DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs = DEFAULT_RETRY_POLICY.maxDelayMs,
  } = policy || {};
  return {
    attempt: (_n, send) => send(),
    async next(error, n) {
      const delay = retryDelayMs(error, n, { maxAttempts, baseDelayMs, maxDelayMs });
      if (delay === undefined) return;
      // A retry that could not start before the deadline is not made.
      if (Date.now() + delay >= deadline) return;
      await sleep(delay, signal);
      return delay;
    },
  };
}
