// Time, behind an interface so that tests drive it. No timer is created at import time.
import { sleep } from '@rollcall/runtime';

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: the runtime's one `sleep` (its listener removed whichever way it ends). */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep,
};
