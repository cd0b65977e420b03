// One presence API over every provider: batching to the vendor's limit, coalescing of single
// lookups, pagination, the account's rate limit and retries.
import { DEFAULT_TIMEOUT_MS, retryDelayMs, RequestValidationError, ThrottledError, type CallOptions, type RetryStrategy } from '@rollcall/runtime';
import { realClock, type Clock } from './clock.js';
import { CapabilityError, IncompleteResponseError, PaginationLoopError, PaginationStalledError } from './errors.js';
import { FirstOccurrence } from './first-occurrence.js';
import { LimiterRegistry, processLimiters, type RateLimiter } from './limiter.js';
import type {
  Capability,
  DetailsEntry,
  FailedLookup,
  MemberDetails,
  RoomSummary,
  RoomsPage,
  RosterMember,
  RosterPage,
  StatusEntry,
  UserStatus,
  VendorId,
} from './model.js';
import type { BatchLookup, OperationInfo, Provider, ProviderDriver, RosterSource } from './provider.js';
import { resolveRetryOptions, type RetryOptions } from './retry.js';
import type {
  DetailsMethods,
  LookupOptions,
  Presence,
  PresenceOptions,
  RoomsMethods,
  RoomsOptions,
  RoomsQuery,
  RosterMethods,
  RosterOptions,
  RosterQuery,
  StatusMethods,
  StreamOptions,
} from './api.js';
import { createWatch } from './watch.js';

/** What a provider finds for an id: the entry less what presence adds. */
type Found<E> = Omit<E, 'userId' | 'ok' | 'answeredBy'>;

/** The most batches one lookup has in flight (enough for a second of most vendors' quotas). */
const MAX_BATCHES_IN_FLIGHT = 256;

/** In flight beyond what the answer time calls for (and before any answer), and the factor of room on it (jitter, bursts). */
const MIN_IN_FLIGHT = 8;
const IN_FLIGHT_HEADROOM = 2;

/** How long an answer time counts towards the least recent one (BBR keeps its least round trip as long). */
const LEAST_LATENCY_WINDOW_MS = 10_000;

/** Throttles this close together count as one episode (and the longest proportionate pause). */
const THROTTLE_MEMORY_MS = 1000;

/** Ids per status() call of a stream over a vendor whose room listing answers many ids at once. */
const STREAM_CHUNK_WITH_LISTING = 1000;

/** The most batches a status stream keeps in flight (a few seconds of quota at most vendors' QPS). */
const STREAM_MAX_IN_FLIGHT = 32;

/** Pages in a row without a new member after which paging stops (an empty page can happen once). */
const MAX_IDLE_PAGES = 2;

/** A listing as callers use it: `await` for the first page, `for await` for every item, `.pages()`, `.all()`. */
function pagedQuery<Page, Item>(pages: () => AsyncIterableIterator<Page>, itemsOf: (page: Page) => readonly Item[]) {
  const firstPage = async () => {
    for await (const page of pages()) return page;
    throw new Error('unreachable: a listing has at least one page');
  };
  return {
    then: <A = Page, B = never>(onFulfilled?: ((page: Page) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null) =>
      firstPage().then(onFulfilled, onRejected),
    pages,
    async *[Symbol.asyncIterator](): AsyncIterableIterator<Item> {
      for await (const page of pages()) yield* itemsOf(page);
    },
    async all(): Promise<Item[]> {
      const out: Item[] = [];
      for await (const page of pages()) out.push(...itemsOf(page));
      return out;
    },
  };
}

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

  async function lookup<E extends { userId: string }>(
    source: BatchLookup<Found<E>>,
    room: string,
    userIds: readonly string[],
    lookupOptions: LookupOptions<unknown>,
    /** The entry as the caller gets it: one object literal of a fixed shape (the smallest V8 makes). */
    entryOf: (userId: string, found: Found<E>, answeredBy: string) => E & { ok: true },
  ): Promise<Array<(E & { ok: true }) | FailedLookup>> {
    if (!Array.isArray(userIds)) {
      throw new RequestValidationError({ operation: source.operation.operationId, issues: [{ path: 'userIds', message: 'expected an array of ids' }] });
    }
    source.validate(room, userIds);
    const report = lookupOptions.failures === 'report';
    // Batches are made and sent as slots free up (at most enough to keep the quota busy), so a
    // million ids cost a million results, not a million results and every batch's call up front.
    const { batchMax } = source.operation;
    const qps = options.qps?.[source.operation.operationId] ?? source.operation.qps;
    const slots = Math.max(1, Math.min(MAX_BATCHES_IN_FLIGHT, Math.ceil(qps)));
    // Workers wait here while the lookup has as many batches in flight as the quota can use.
    let active = 0;
    let finished: { promise: Promise<void>; resolve(): void } | undefined;
    const batchFinished = () => {
      finished?.resolve();
      finished = undefined;
    };
    const nextFinish = () => {
      if (!finished) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        finished = { promise, resolve };
      }
      return finished.promise;
    };
    // One controller per batch in flight, all aborted by the caller's signal or, in 'throw' mode, by
    // the first failure. (One shared signal would carry a listener per request in flight.)
    const inFlight = new Set<AbortController>();
    let stopped: { reason: unknown } | undefined;
    const cancelAll = (reason: unknown) => {
      stopped ??= { reason };
      for (const controller of inFlight) controller.abort(reason);
    };
    const parent = lookupOptions.signal;
    const onParentAbort = () => cancelAll(parent!.reason);
    if (parent?.aborted) cancelAll(parent.reason);
    parent?.addEventListener('abort', onParentAbort, { once: true });
    type Entry = (E & { ok: true }) | FailedLookup;
    // Where one listing of the room is cheaper than a call per id (Agora), the room is listed first;
    // the ids it answers are done, the rest (left out of a capped listing) are looked up one by one.
    let prefill: ((userId: string) => Entry | undefined) | undefined;
    const listing = source.listing;
    if (listing && !parent?.aborted && new Set(userIds).size >= listing.cheaperFrom) {
      const listedBy = listing.operation.operationId;
      try {
        const answer = await invoke(listing.operation, parent, (o) => listing.fetch(room, o));
        prefill = (userId) => {
          const found = answer(userId);
          return found === undefined ? undefined : entryOf(userId, found, listedBy);
        };
      } catch (error) {
        if (!report || parent?.aborted) throw error;
        prefill = (userId) => ({ ok: false, userId, error: error as Error });
      }
    }
    // Each entry goes to the position of the id's first occurrence; later occurrences (duplicates,
    // looked up once) are filled in at the end, from pairs of (position, first position).
    const out: Array<Entry | undefined> = new Array(userIds.length);
    const firstOccurrence = new FirstOccurrence(userIds);
    const duplicates: number[] = [];
    const operationId = source.operation.operationId;
    let cursor = 0;
    const takeBatch = (): { ids: string[]; positions: number[] } => {
      const ids: string[] = [];
      const positions: number[] = [];
      const prefilled: Entry[] = [];
      while (ids.length < batchMax && cursor < userIds.length) {
        const position = cursor++;
        const userId = userIds[position]!;
        const first = firstOccurrence.claim(position);
        if (first !== position) {
          duplicates.push(position, first);
          continue;
        }
        const answered = prefill?.(userId);
        if (answered !== undefined) {
          out[position] = answered;
          prefilled.push(answered);
          continue;
        }
        ids.push(userId);
        positions.push(position);
      }
      if (prefilled.length) lookupOptions.onBatch?.(prefilled);
      return { ids, positions };
    };
    const runBatch = async ({ ids, positions }: { ids: string[]; positions: number[] }) => {
      active++;
      const controller = new AbortController();
      inFlight.add(controller);
      try {
        const answer = await invoke(source.operation, controller.signal, (o) => source.fetch(room, ids, o));
        const answered: Entry[] = [];
        for (let i = 0; i < ids.length; i++) {
          const userId = ids[i]!;
          const record = answer(userId);
          let entry: Entry;
          if (record !== undefined && !(record instanceof Error)) {
            entry = entryOf(userId, record, operationId);
          } else {
            // Left out, or listed twice with different answers: never a silent hole or guess. That
            // id fails alone unless the caller asked for the whole call to fail.
            const error = record ?? new IncompleteResponseError(driver.vendor, operationId, userId);
            if (!report && lookupOptions.leftOut === 'throw') throw error;
            entry = { ok: false, userId, error };
          }
          out[positions[i]!] = entry;
          answered.push(entry);
        }
        lookupOptions.onBatch?.(answered);
      } catch (error) {
        if (!report) {
          cancelAll(error);
          throw error;
        }
        // Aborted by the caller: these ids were not answered, not failed.
        if (parent?.aborted) return;
        const failed: FailedLookup[] = [];
        for (let i = 0; i < ids.length; i++) {
          if (out[positions[i]!] !== undefined) continue;
          const entry: FailedLookup = { ok: false, userId: ids[i]!, error: error as Error };
          out[positions[i]!] = entry;
          failed.push(entry);
        }
        lookupOptions.onBatch?.(failed);
      } finally {
        inFlight.delete(controller);
        active--;
        batchFinished();
      }
    };
    const startedAt = clock.now();
    const full = () => active >= inFlightFor(operationId, qps, slots, clock.now() - startedAt);
    const roomMayBeMade = async () => {
      if (answerTime(operationId) !== undefined) return nextFinish();
      // Until something is answered the cap grows with time: look again a pacing interval on.
      const tick = new AbortController();
      await Promise.race([nextFinish(), clock.sleep(1000 / qps, tick.signal).catch(() => undefined)]);
      tick.abort();
    };
    const worker = async () => {
      for (;;) {
        // (Checked without awaiting when there is room: the batch is counted before another looks.)
        while (!stopped && full()) await roomMayBeMade();
        if (stopped) break;
        const batch = takeBatch();
        if (batch.ids.length === 0) break;
        await runBatch(batch);
      }
      if (stopped && !report) throw stopped.reason;
    };
    await Promise.all(Array.from({ length: Math.min(slots, Math.ceil(userIds.length / batchMax)) }, worker))
      .catch((error: unknown) => {
        // A caller's abort wins over the cancellation it caused.
        if (parent?.aborted) throw parent.reason;
        throw error;
      })
      .finally(() => parent?.removeEventListener('abort', onParentAbort));
    // Aborted in 'report' mode: the caller's reason, not a list with holes.
    if (parent?.aborted) throw parent.reason;
    for (let i = 0; i < duplicates.length; i += 2) out[duplicates[i]!] = out[duplicates[i + 1]!];
    return out as Entry[];
  }

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

  function roster(room: string, rosterOptions: RosterOptions = {}): RosterQuery {
    const source: RosterSource = require('roster');
    source.validate(room);
    const { signal, maxItems = Infinity } = rosterOptions;
    async function* pages(): AsyncIterableIterator<RosterPage> {
      const seenCursors = new Set<string>();
      // Every member delivered so far: a vendor that lists someone again (on a page or across pages)
      // gets the repeat dropped and counted, never delivered twice.
      const seenMembers = new Set<string>();
      let cursor: string | null = null;
      let delivered = 0;
      let fetched = 0;
      let idlePages = 0;
      const operationId = source.operation.operationId;
      for (;;) {
        signal?.throwIfAborted();
        const page = await invoke(source.operation, signal, (o) => source.fetchPage(room, cursor, o));
        fetched++;
        const fresh = page.members.filter((m) => !seenMembers.has(m.userId) && seenMembers.add(m.userId));
        const duplicates = page.members.length - fresh.length;
        const roomLeft = maxItems - delivered;
        const members = fresh.length > roomLeft ? fresh.slice(0, roomLeft) : fresh;
        delivered += members.length;
        const cut = members.length < fresh.length || (delivered >= maxItems && page.next !== null);
        const last = cut || page.next === null;
        // A complete listing has as many members as the vendor's count says (or as its cap allows).
        const short = last && page.total !== null && seenMembers.size < Math.min(page.total, source.listCap ?? Infinity);
        yield { members, total: page.total, truncated: page.truncated || cut || short, duplicates, next: cut ? null : page.next };
        if (last) return;
        const next: string = page.next!;
        if (seenCursors.has(next)) throw new PaginationLoopError(driver.vendor, operationId, next);
        seenCursors.add(next);
        // Pages that bring no one new while naming yet another cursor are not progress.
        idlePages = fresh.length === 0 ? idlePages + 1 : 0;
        if (idlePages >= MAX_IDLE_PAGES) {
          throw new PaginationStalledError(driver.vendor, operationId, next, fetched, `${idlePages} pages in a row brought no new member`);
        }
        if (source.listCap !== null && seenMembers.size > source.listCap) {
          throw new PaginationStalledError(
            driver.vendor,
            operationId,
            next,
            fetched,
            `it listed ${seenMembers.size} members, more than it can list (${source.listCap})`,
          );
        }
        cursor = next;
      }
    }
    return pagedQuery(pages, (page) => page.members);
  }

  function rooms(roomsOptions: RoomsOptions = {}): RoomsQuery {
    const source = require('rooms');
    const { signal, maxItems = Infinity } = roomsOptions;
    async function* pages(): AsyncIterableIterator<RoomsPage> {
      let delivered = 0;
      let seen = 0;
      signal?.throwIfAborted();
      for await (const page of source.pages((fetch) => invoke(source.operation, signal, fetch))) {
        seen += page.rooms.length;
        const roomLeft = maxItems - delivered;
        const listed = page.rooms.length > roomLeft ? page.rooms.slice(0, roomLeft) : page.rooms;
        delivered += listed.length;
        const cut = listed.length < page.rooms.length || (delivered >= maxItems && page.next !== null);
        const last = cut || page.next === null;
        // Pages drift as rooms change: a listing that ends short of the vendor's count may have missed some.
        const short = last && seen < page.total;
        yield { ...page, rooms: listed, truncated: cut || short, next: cut ? null : page.next };
        if (last) return;
        signal?.throwIfAborted();
      }
    }
    return pagedQuery(pages, (page) => page.rooms);
  }

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
