// One presence API over every provider: batching to the vendor's limit, coalescing of single
// lookups, pagination, the account's rate limit and retries.
import { realClock } from './clock.js';
import { CapabilityError } from './errors.js';
import { processLimiters } from './limiter.js';
import type { Capability, DetailsEntry, MemberDetails, StatusEntry, UserStatus } from './model.js';
import type { Provider, ProviderDriver } from './provider.js';
import { resolveRetryOptions } from './retry.js';
import type { LookupOptions, Presence, PresenceOptions, StreamOptions } from './api.js';
import { createListings } from './listing.js';
import { createLookup } from './lookup.js';
import { createUpstream } from './upstream.js';
import { createWatch } from './watch.js';

/** Ids per status() call of a stream over a vendor whose room listing answers many ids at once. */
const STREAM_CHUNK_WITH_LISTING = 1000;

/** The most batches a status stream keeps in flight (a few seconds of quota at most vendors' QPS). */
const STREAM_MAX_IN_FLIGHT = 32;

export function createPresence<C extends Capability>(provider: Provider<C>, options: PresenceOptions = {}): Presence<C> {
  const driver: ProviderDriver = provider.driver;
  const retry = resolveRetryOptions(options.retry);
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const limiters = options.limiters ?? processLimiters();
  const hooks = options.hooks ?? {};
  const coalesceWindowMs = options.coalesceWindowMs ?? 0;

  function require<K extends Capability>(capability: K): NonNullable<ProviderDriver[K]> {
    const source = driver[capability];
    if (!source) throw new CapabilityError(driver.vendor, capability, driver.hints[capability] ?? 'not supported');
    return source as NonNullable<ProviderDriver[K]>;
  }

  const upstream = createUpstream({ driver, options, retry, clock, random, limiters, hooks });
  const { invoke, inFlightFor } = upstream;

  const lookup = createLookup({ driver, options, clock, upstream });

  function status(room: string, userIds: readonly string[], lookupOptions: LookupOptions<StatusEntry> = {}) {
    // A literal, not a spread: V8 makes a spread copy a dictionary object (~310 bytes against ~75),
    // which is most of the memory of a million-id lookup.
    return lookup<UserStatus>(require('status'), room, userIds, lookupOptions, (userId, e, answeredBy) => ({
      ok: true,
      userId,
      online: e.online,
      joinedAt: e.joinedAt,
      raw: e.raw,
      answeredBy,
    })) as Promise<StatusEntry[]>;
  }

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
    const source = require('status');
    // Ids go to status() a chunk at a time: a vendor's batch, or where one listing of the room
    // answers many ids (Agora), enough ids for that listing to be the cheaper way.
    const chunk = source.listing ? Math.max(source.operation.batchMax, STREAM_CHUNK_WITH_LISTING) : source.operation.batchMax;
    // Enough calls in flight to keep the quota busy at the answer time seen (as a lookup's batches),
    // never the whole job.
    const qps = options.qps?.[source.operation.operationId] ?? source.operation.qps;
    const mostInFlight = Math.max(1, Math.min(STREAM_MAX_IN_FLIGHT, Math.ceil(qps)));
    const startedAt = clock.now();
    const full = () => inFlight.length >= inFlightFor(source.operation.operationId, qps, mostInFlight, clock.now() - startedAt);
    // One controller per batch in flight (one shared signal would carry a listener per batch).
    const inFlight: Array<{ answered: Promise<StatusEntry[]>; controller: AbortController }> = [];
    const stopAll = (reason: unknown) => {
      for (const { controller } of inFlight) controller.abort(reason);
    };
    const parent = streamOptions.signal;
    const onAbort = () => stopAll(parent!.reason);
    parent?.addEventListener('abort', onAbort, { once: true });
    const launch = (batch: string[]) => {
      parent?.throwIfAborted();
      const controller = new AbortController();
      const answered = status(room, batch, { signal: controller.signal, failures: streamOptions.failures, leftOut: streamOptions.leftOut });
      // Awaited in turn below; until then a failure must not count as unhandled.
      answered.catch(() => undefined);
      inFlight.push({ answered, controller });
    };
    try {
      let batch: string[] = [];
      for await (const userId of userIds) {
        batch.push(userId);
        if (batch.length < chunk) continue;
        launch(batch);
        batch = [];
        while (full()) yield* await inFlight.shift()!.answered;
      }
      if (batch.length) launch(batch);
      while (inFlight.length) yield* await inFlight.shift()!.answered;
    } finally {
      // Stopped early (break, throw, abort): what is still out is not wanted.
      stopAll(new Error('the stream was closed'));
      parent?.removeEventListener('abort', onAbort);
    }
  }

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
    const source = require('status');
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
      const list = waiters.get(userId) ?? [];
      list.push({ resolve, reject });
      waiters.set(userId, list);
      // An abort settles this caller only; the shared batch goes on for the others.
      callOptions.signal?.addEventListener('abort', () => reject(callOptions.signal!.reason), { once: true });
    });
  }

  const { roster, rooms } = createListings({ driver, invoke, require });

  function details(room: string, userIds: readonly string[], lookupOptions: LookupOptions<DetailsEntry> = {}) {
    return lookup<MemberDetails>(require('details'), room, userIds, lookupOptions, (userId, e) => ({
      ok: true,
      userId,
      found: e.found,
      role: e.role,
      nickname: e.nickname,
      joinedAt: e.joinedAt,
      mutedUntil: e.mutedUntil,
      raw: e.raw,
    })) as Promise<DetailsEntry[]>;
  }

  const watch = createWatch({
    vendor: driver.vendor,
    clock,
    roster: driver.roster && { operation: driver.roster.operation, query: roster },
    status: driver.status && { operation: driver.status.operation, lookup: status },
  });

  return Object.freeze({
    vendor: driver.vendor,
    capabilities: provider.capabilities,
    status,
    statusStream,
    isOnline,
    roster,
    details,
    rooms,
    watch,
  }) as unknown as Presence<C>;
}
