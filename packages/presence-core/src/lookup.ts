// The batched lookup: a caller's ids (any number, duplicates included) to one entry each, in
// order. Batches are taken to the vendor's limit and sent as slots free up, as many at once as
// keep the quota busy at the answer time seen; each id's entry is made as its batch is answered.
// Where one listing of the room is cheaper (Agora), the room is listed first.
import { RequestValidationError } from '@rollcall/runtime';
import type { LookupOptions, PresenceOptions } from './api.js';
import type { Clock } from './clock.js';
import { IncompleteResponseError } from './errors.js';
import { CancelScope } from './cancel-scope.js';
import { FirstOccurrence } from './first-occurrence.js';
import type { FailedLookup } from './model.js';
import type { BatchLookup, ProviderDriver } from './provider.js';
import type { Upstream } from './upstream.js';

/** What a provider finds for an id: the entry less what presence adds. */
export type Found<E> = Omit<E, 'userId' | 'ok' | 'answeredBy'>;

/** The most batches one lookup has in flight (enough for a second of most vendors' quotas). */
const MAX_BATCHES_IN_FLIGHT = 256;

export function createLookup({ driver, options, clock, upstream }: { driver: ProviderDriver; options: PresenceOptions; clock: Clock; upstream: Upstream }) {
  const { invoke, inFlightFor, answerTime } = upstream;

  return async function lookup<E extends { userId: string }>(
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
    // The batches in flight, all aborted by the caller's signal or, in 'throw' mode, by the first failure.
    const parent = lookupOptions.signal;
    const scope = new CancelScope(parent);
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
      const call = scope.open();
      try {
        const answer = await invoke(source.operation, call.signal, (o) => source.fetch(room, ids, o));
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
          scope.cancel(error);
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
        call.done();
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
        while (!scope.stopped && full()) await roomMayBeMade();
        if (scope.stopped) break;
        const batch = takeBatch();
        if (batch.ids.length === 0) break;
        await runBatch(batch);
      }
      if (scope.stopped && !report) throw scope.stopped.reason;
    };
    await Promise.all(Array.from({ length: Math.min(slots, Math.ceil(userIds.length / batchMax)) }, worker))
      .catch((error: unknown) => {
        // A caller's abort wins over the cancellation it caused.
        if (parent?.aborted) throw parent.reason;
        throw error;
      })
      .finally(() => scope.close());
    // Aborted in 'report' mode: the caller's reason, not a list with holes.
    if (parent?.aborted) throw parent.reason;
    for (let i = 0; i < duplicates.length; i += 2) out[duplicates[i]!] = out[duplicates[i + 1]!];
    return out as Entry[];
  };
}
