// presence-core's retry options: attempts, backoff and its deadline (the defaults and the delay itself are the runtime's).
import { DEFAULT_DEADLINE_MS, DEFAULT_RETRY_POLICY } from '@rollcall/runtime';

export interface RetryOptions {
  /** Attempts in all, the first included; default 3. 1 disables retries. */
  maxAttempts?: number;
  /** Base of the exponential backoff; default 100 ms. */
  baseDelayMs?: number;
  /** Cap of any one wait (backoff or Retry-After); default 20 000 ms. */
  maxDelayMs?: number;
  /**
   * How long a throttle answer without Retry-After pauses the account's queue. Default: brief and
   * proportionate — two of the quota's pacing intervals (20 ms at 100 QPS), doubling with each
   * further throttle within a second, at most one second.
   */
  throttlePauseMs?: number;
  /**
   * The most one upstream call may take, all its attempts and the waits between them included,
   * from its first attempt; default 20 000 ms. Each attempt gets what is left (or the timeout, if
   * shorter), and no retry starts that could not finish in time: the last error is thrown instead.
   */
  deadlineMs?: number;
}

export type ResolvedRetryOptions = Required<Omit<RetryOptions, 'throttlePauseMs'>> & Pick<RetryOptions, 'throttlePauseMs'>;

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = {
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    throttlePauseMs: options.throttlePauseMs,
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer ≥ 1, got ${resolved.maxAttempts}`);
  }
  return resolved;
}
