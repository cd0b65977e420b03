// Coalescing, both ways: a stream of any number of ids looked up a chunk at a time with a bounded
// number in flight, and single `isOnline` questions gathered into one lookup (DataLoader's shape:
// `load` only adds to the pending batch; the batch is dispatched once, on the next microtask or
// after the coalescing window, and each caller is settled from it).
import type { LookupOptions, PresenceOptions, StreamOptions } from './api.js';
import { CancelScope } from './cancel-scope.js';
import type { Clock } from './clock.js';
import type { StatusEntry } from './model.js';
import type { ProviderDriver } from './provider.js';
import type { Upstream } from './upstream.js';

/** Ids per status() call of a stream over a vendor whose room listing answers many ids at once. */
const STREAM_CHUNK_WITH_LISTING = 1000;

/** The most batches a status stream keeps in flight (a few seconds of quota at most vendors' QPS). */
const STREAM_MAX_IN_FLIGHT = 32;

interface CoalesceContext {
  status: (room: string, userIds: readonly string[], options?: LookupOptions<StatusEntry>) => Promise<StatusEntry[]>;
  source: () => NonNullable<ProviderDriver['status']>;
  options: PresenceOptions;
  clock: Clock;
  inFlightFor: Upstream['inFlightFor'];
}

export function createStatusStream({ status, source: require, options, clock, inFlightFor }: CoalesceContext) {
  /**
   * Statuses as a stream: ids read lazily (any iterable, sync or async), looked up a batch at a
   * time with at most a second's worth of calls in flight, entries yielded in input order. Memory
   * stays bounded whatever the number of ids. Duplicates are looked up once per batch they fall in.
   */
  async function* statusStream(
    room: string,
    userIds: Iterable<string> | AsyncIterable<string>,
    streamOptions: StreamOptions = {},
  ): AsyncIterableIterator<StatusEntry> {
    const source = require();
    // Ids go to status() a chunk at a time: a vendor's batch, or where one listing of the room
    // answers many ids (Agora), enough ids for that listing to be the cheaper way.
    const chunk = source.listing ? Math.max(source.operation.batchMax, STREAM_CHUNK_WITH_LISTING) : source.operation.batchMax;
    // Enough calls in flight to keep the quota busy at the answer time seen (as a lookup's batches),
    // never the whole job.
    const qps = options.qps?.[source.operation.operationId] ?? source.operation.qps;
    const mostInFlight = Math.max(1, Math.min(STREAM_MAX_IN_FLIGHT, Math.ceil(qps)));
    const startedAt = clock.now();
    const full = () => inFlight.length >= inFlightFor(source.operation.operationId, qps, mostInFlight, clock.now() - startedAt);
    // The batches in flight, in input order, all aborted by the caller's signal or when the stream closes.
    const parent = streamOptions.signal;
    const scope = new CancelScope(parent);
    const inFlight: Array<{ answered: Promise<StatusEntry[]>; done(): void }> = [];
    const launch = (batch: string[]) => {
      parent?.throwIfAborted();
      const call = scope.open();
      const answered = status(room, batch, { signal: call.signal, failures: streamOptions.failures, leftOut: streamOptions.leftOut });
      // Awaited in turn below; until then a failure must not count as unhandled.
      answered.catch(() => undefined);
      inFlight.push({ answered, done: call.done });
    };
    const next = async () => {
      const first = inFlight.shift()!;
      try {
        return await first.answered;
      } finally {
        first.done();
      }
    };
    try {
      let batch: string[] = [];
      for await (const userId of userIds) {
        batch.push(userId);
        if (batch.length < chunk) continue;
        launch(batch);
        batch = [];
        while (full()) yield* await next();
      }
      if (batch.length) launch(batch);
      while (inFlight.length) yield* await next();
    } finally {
      // Stopped early (break, throw, abort): what is still out is not wanted.
      scope.cancel(new Error('the stream was closed'));
      scope.close();
    }
  }

  return statusStream;
}

export function createIsOnline({
  status,
  source: require,
  clock,
  coalesceWindowMs,
}: Omit<CoalesceContext, 'options' | 'inFlightFor'> & { coalesceWindowMs: number }) {
  // Pending isOnline lookups per room, flushed together.
  const pending = new Map<string, Map<string, Array<{ resolve(v: boolean): void; reject(e: unknown): void }>>>();
  function flush(room: string) {
    const waiters = pending.get(room);
    pending.delete(room);
    if (!waiters) return;
    status(room, [...waiters.keys()], { failures: 'report' }).then(
      (entries) => {
        for (const entry of entries) {
          for (const w of waiters.get(entry.userId) ?? []) entry.ok ? w.resolve(entry.online) : w.reject(entry.error);
        }
      },
      (error: unknown) => {
        for (const list of waiters.values()) for (const w of list) w.reject(error);
      },
    );
  }

  function isOnline(room: string, userId: string, callOptions: { signal?: AbortSignal } = {}): Promise<boolean> {
    const source = require();
    try {
      source.validate(room, [userId]);
    } catch (error) {
      return Promise.reject(error);
    }
    callOptions.signal?.throwIfAborted();
    return new Promise<boolean>((resolve, reject) => {
      let waiters = pending.get(room);
      if (!waiters) {
        waiters = new Map();
        pending.set(room, waiters);
        if (coalesceWindowMs > 0) void clock.sleep(coalesceWindowMs).then(() => flush(room));
        else queueMicrotask(() => flush(room));
      }
      // An abort settles this caller only; the shared batch goes on for the others. The listener
      // goes when the caller is settled, whichever way: a long-lived signal keeps none.
      const signal = callOptions.signal;
      const onAbort = () => reject(signal!.reason);
      const settle =
        <A extends unknown[]>(f: (...args: A) => void) =>
        (...args: A) => {
          signal?.removeEventListener('abort', onAbort);
          f(...args);
        };
      const list = waiters.get(userId) ?? [];
      list.push({ resolve: settle(resolve), reject: settle(reject) });
      waiters.set(userId, list);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return isOnline;
}
