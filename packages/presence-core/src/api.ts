// presence-core's public types: what createPresence takes and returns, and watch's events. In a
// module of their own, so that presence.ts and watch.ts both depend on them and not on each other.
import type { CallOptions } from '@rollcall/runtime';
import type { LimiterRegistry } from './limiter.js';
import type { Capability, DetailsEntry, MemberDetails, RoomSummary, RoomsPage, RosterMember, RosterPage, StatusEntry, VendorId } from './model.js';
import type { RetryOptions } from './retry.js';
import type { Clock } from './clock.js';

/** What hooks receive: no credentials, signatures or UserSigs, ever. */
export interface RequestEvent {
  readonly vendor: VendorId;
  readonly operation: string;
  /** 1 for the first try. */
  readonly attempt: number;
}
export interface RetryEvent extends RequestEvent {
  readonly delayMs: number;
  readonly error: Error;
}
export interface ThrottleEvent extends RequestEvent {
  /** How long the account's whole queue is paused. */
  readonly pauseMs: number;
  readonly error: Error;
}

export interface PresenceHooks {
  onRequest?(event: RequestEvent): void;
  onRetry?(event: RetryEvent): void;
  onThrottle?(event: ThrottleEvent): void;
}

export interface PresenceOptions {
  retry?: RetryOptions;
  /** QPS per operation id, replacing the operation table's figure (e.g. a raised quota). */
  qps?: Partial<Record<string, number>>;
  /** Where limiters come from; default: one registry shared by the whole process. */
  limiters?: LimiterRegistry;
  /** How long `isOnline` waits to gather lookups into one batch; default 0 (the current tick). */
  coalesceWindowMs?: number;
  /** Timeout of each upstream call; default the client's (10 s). */
  timeoutMs?: number;
  hooks?: PresenceHooks;
  /** Time source (tests). */
  clock?: Clock;
  /** Jitter source in [0, 1) (tests). */
  random?: () => number;
}

export interface LookupOptions<E = StatusEntry | DetailsEntry> {
  signal?: AbortSignal;
  /**
   * `'throw'` (default): any failed batch rejects the call. `'report'`: the call resolves with a
   * `{ ok: false, error }` entry for each id of a failed batch (DataLoader's contract).
   */
  failures?: 'throw' | 'report';
  /**
   * An id the vendor's answer leaves out (Alibaba's own page asks about two users and answers one),
   * or lists twice with different answers: `'entry'` (default) gives that id alone a `{ ok: false }`
   * entry (IncompleteResponseError, ContradictoryResponseError) and answers the others; `'throw'`
   * fails the whole call with that error.
   */
  leftOut?: 'entry' | 'throw';
  /**
   * Called as each batch is answered, with its entries (one per distinct id of the batch; a failed
   * batch's only with `failures: 'report'`): results can be used as they arrive, before the call
   * resolves or when it is aborted.
   */
  onBatch?(entries: readonly E[]): void;
}

export interface RosterOptions {
  signal?: AbortSignal;
  /** Stop after this many members; the last page then says `truncated: true`. */
  maxItems?: number;
}

/** `await` it for the first page, `for await` it for every member, `.pages()` for whole pages. */
export interface RosterQuery extends PromiseLike<RosterPage>, AsyncIterable<RosterMember> {
  pages(): AsyncIterableIterator<RosterPage>;
  /** Every member of every page, in one array. */
  all(): Promise<RosterMember[]>;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** As for `status`: `'throw'` (default) ends the stream at a failed batch; `'report'` yields its entries as failures. */
  failures?: 'throw' | 'report';
  /** As for `status`: an id the vendor left out is a failed entry (`'entry'`, default) or ends the stream (`'throw'`). */
  leftOut?: 'entry' | 'throw';
}

export interface StatusMethods {
  /** One entry per requested id, in input order (duplicates looked up once). */
  status(room: string, userIds: readonly string[], options?: LookupOptions<StatusEntry>): Promise<StatusEntry[]>;
  /** Entries in input order as they are answered, for any number of ids, in bounded memory. */
  statusStream(room: string, userIds: Iterable<string> | AsyncIterable<string>, options?: StreamOptions): AsyncIterableIterator<StatusEntry>;
  /** Concurrent calls are coalesced into batch calls of at most the vendor's limit. */
  isOnline(room: string, userId: string, options?: { signal?: AbortSignal }): Promise<boolean>;
}
export interface RosterMethods {
  roster(room: string, options?: RosterOptions): RosterQuery;
}
export interface RoomsOptions {
  signal?: AbortSignal;
  /** Stop after this many rooms; the last page then says `truncated: true`. */
  maxItems?: number;
}

/** `await` it for the first page, `for await` it for every room, `.pages()` for whole pages. */
export interface RoomsQuery extends PromiseLike<RoomsPage>, AsyncIterable<RoomSummary> {
  pages(): AsyncIterableIterator<RoomsPage>;
  /** Every room of every page, in one array. */
  all(): Promise<RoomSummary[]>;
}

export interface RoomsMethods {
  /** The project's live rooms with their member counts, every page, each room once. */
  rooms(options?: RoomsOptions): RoomsQuery;
}
export interface DetailsMethods {
  details(room: string, userIds: readonly string[], options?: LookupOptions<DetailsEntry>): Promise<DetailsEntry[]>;
}

interface PresenceBase<C extends Capability> {
  readonly vendor: VendorId;
  readonly capabilities: readonly C[];
}

/** The methods a provider's capabilities allow; asking for another is a compile error. */
export type Presence<C extends Capability> = PresenceBase<C> &
  ('status' extends C ? StatusMethods : unknown) &
  ('roster' extends C ? RosterMethods : unknown) &
  ('details' extends C ? DetailsMethods : unknown) &
  ('rooms' extends C ? RoomsMethods : unknown) &
  // With a roster, a room is watched whole (userIds optional); with statuses only, it needs the ids.
  ([C] extends [never] ? unknown : 'roster' extends C ? WatchMethods : 'status' extends C ? StatusWatchMethods : unknown);

export interface WatchOptions {
  signal?: AbortSignal;
  /**
   * Time between polls. Never shorter than the vendor's refresh granularity (Tencent refreshes its
   * member list every 40 s: polling faster only spends quota); default: the longer of that and
   * 5 s.
   */
  intervalMs?: number;
  /** The ids to watch, for a provider that answers statuses only (or to watch only them). */
  userIds?: readonly string[];
}

export type WatchEvent =
  /** The first answer: who is in the room. `truncated`: the vendor listed only part of it. */
  | { type: 'snapshot'; at: Date; members: string[]; truncated: boolean }
  | { type: 'joined'; at: Date; userId: string }
  /** `reason: 'room-gone'` when the room itself stopped existing. */
  | { type: 'left'; at: Date; userId: string; reason?: 'room-gone' }
  /**
   * Changes a truncated listing cannot tell apart from the vendor's cap, so neither a join nor a
   * leave is invented: `vanished` are no longer listed but may be beyond the cap (a later complete
   * listing settles it); `appeared` are listed now but may have been there, unlisted, before.
   */
  | { type: 'unknown'; at: Date; appeared: string[]; vanished: string[]; reason: 'truncated' }
  /** A failed poll; watching goes on after `retryInMs`. */
  | { type: 'error'; at: Date; error: Error; retryInMs: number };

export interface WatchMethods {
  /** Events as members join and leave, until `signal` aborts. */
  watch(room: string, options?: WatchOptions): AsyncIterableIterator<WatchEvent>;
}

/** `watch` for a provider that answers statuses only: the ids to watch are required. */
export interface StatusWatchMethods {
  /** Events as the given users join and leave, until `signal` aborts. */
  watch(room: string, options: WatchOptions & { userIds: readonly string[] }): AsyncIterableIterator<WatchEvent>;
}
