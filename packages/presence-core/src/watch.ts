// `watch`: who joined and who left a room, by polling what the vendor answers now (the roster, or
// the status of given ids) through the same limiter, no faster than the vendor refreshes it.
import { isRetryable, NotFoundError, RequestValidationError } from '@rollcall/runtime';
import type { Clock } from './clock.js';
import { CapabilityError } from './errors.js';
import type { StatusEntry, VendorId } from './model.js';
import type { OperationInfo } from './provider.js';
import type { LookupOptions, RosterOptions, RosterQuery, WatchEvent, WatchMethods, WatchOptions } from './api.js';

/** How often a room is polled when neither the caller nor the vendor says (a product default, not a vendor fact). */
export const DEFAULT_WATCH_INTERVAL_MS = 5_000;
/** The longest wait between attempts after transient errors. */
export const MAX_WATCH_BACKOFF_MS = 60_000;

interface WatchSources {
  vendor: VendorId;
  clock: Clock;
  roster?: { operation: OperationInfo; query(room: string, options: RosterOptions): RosterQuery };
  status?: { operation: OperationInfo; lookup(room: string, userIds: readonly string[], options: LookupOptions<StatusEntry>): Promise<StatusEntry[]> };
}

interface Poll {
  present: Set<string>;
  truncated: boolean;
}

export function createWatch(sources: WatchSources): WatchMethods['watch'] {
  const { clock } = sources;
  return function watch(room, options = {}) {
    const { signal } = options;
    const byStatus = options.userIds !== undefined || !sources.roster;
    if (byStatus && !sources.status) throw new CapabilityError(sources.vendor, 'status', 'watching given ids needs status; watch the roster without userIds');
    if (byStatus && !options.userIds?.length) {
      throw new RequestValidationError({
        operation: sources.status!.operation.operationId,
        issues: [{ path: 'userIds', message: 'a provider without a roster watches the ids it is given: pass userIds' }],
      });
    }
    const operation = byStatus ? sources.status!.operation : sources.roster!.operation;
    const intervalMs = Math.max(options.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS, (operation.refreshSeconds ?? 0) * 1000);

    async function poll(): Promise<Poll> {
      if (byStatus) {
        const entries = await sources.status!.lookup(room, options.userIds!, { signal });
        return { present: new Set(entries.filter((e) => e.ok && e.online).map((e) => e.userId)), truncated: false };
      }
      const present = new Set<string>();
      let truncated = false;
      for await (const page of sources.roster!.query(room, { signal }).pages()) {
        for (const member of page.members) present.add(member.userId);
        truncated ||= page.truncated;
      }
      return { present, truncated };
    }

    async function* events(): AsyncGenerator<WatchEvent> {
      let known: Set<string> | null = null;
      // Members a truncated listing left out: neither present nor gone until a complete listing.
      let uncertain = new Set<string>();
      let previousTruncated = false;
      let failures = 0;
      while (!signal?.aborted) {
        let waitMs = intervalMs;
        try {
          const { present, truncated } = await poll();
          const at = new Date(clock.now());
          failures = 0;
          if (known === null) {
            yield { type: 'snapshot', at, members: [...present], truncated };
          } else {
            const before = known;
            const fresh = [...present].filter((userId) => !before.has(userId) && !uncertain.has(userId));
            const missing = [...known, ...uncertain].filter((userId) => !present.has(userId));
            // A member listed for the first time joined — unless the last listing was cut short.
            const appeared = previousTruncated ? fresh : [];
            if (!previousTruncated) for (const userId of fresh) yield { type: 'joined', at, userId };
            let vanished: string[] = [];
            if (truncated) {
              vanished = missing.filter((userId) => !uncertain.has(userId));
              uncertain = new Set(missing);
            } else {
              for (const userId of missing) yield { type: 'left', at, userId };
              uncertain = new Set();
            }
            if (appeared.length || vanished.length) yield { type: 'unknown', at, appeared, vanished, reason: 'truncated' };
          }
          known = present;
          previousTruncated = truncated;
        } catch (error) {
          if (signal?.aborted) return;
          const at = new Date(clock.now());
          if (error instanceof NotFoundError && known !== null) {
            // The room is gone: everyone in it left, and that is known.
            for (const userId of [...known, ...uncertain]) yield { type: 'left', at, userId, reason: 'room-gone' };
            known = new Set();
            uncertain = new Set();
            previousTruncated = false;
          } else if (!(error instanceof NotFoundError) && !isRetryable(error)) {
            throw error;
          }
          failures++;
          waitMs = Math.min(intervalMs * 2 ** (failures - 1), Math.max(intervalMs, MAX_WATCH_BACKOFF_MS));
          yield { type: 'error', at, error: error as Error, retryInMs: waitMs };
        }
        try {
          await clock.sleep(waitMs, signal);
        } catch {
          return;
        }
      }
    }
    return events();
  };
}
