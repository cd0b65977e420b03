// What a provider gives presence-core: per capability, the operation (from the vendor's generated
// table) and the calls that map the vendor's records to the one model.
import type { CallOptions } from '@rollcall/runtime';
import { ContradictoryResponseError } from './errors.js';
import type { Capability, MemberDetails, RosterMember, RoomsPage, UserStatus, VendorId } from './model.js';

export interface OperationInfo {
  readonly operationId: string;
  /** The quota the provider's calls count against (runtime `quotaOf`), when not the operation's own. */
  readonly quotaKey?: string;
  readonly qps: number;
  /** How often the vendor refreshes the answer (from the operation table), when it says. */
  readonly refreshSeconds?: number;
}

export interface BatchOperationInfo extends OperationInfo {
  /** Ids per call, from the operation table. */
  readonly batchMax: number;
}

/**
 * A room listing that answers many users' status in one call, where that is cheaper than a call
 * per user (the provider works out from its operation table from how many users it is).
 */
export interface StatusListing<Entry> {
  readonly operation: OperationInfo;
  /** The fewest distinct ids for which one listing call beats a lookup per id. */
  readonly cheaperFrom: number;
  /**
   * One listing of the room, as a function answering each id: its entry when the listing settles it
   * (listed, or left out of a complete listing), undefined when it cannot (left out of a capped
   * audience): such ids are looked up one by one.
   */
  fetch(room: string, options: CallOptions): Promise<(userId: string) => Entry | undefined>;
}

export interface BatchLookup<Entry> {
  readonly operation: BatchOperationInfo;
  /** Status only: a listing that can answer many ids at once. */
  readonly listing?: StatusListing<Entry>;
  /** Throws RequestValidationError before any network call. */
  validate(room: string, userIds: readonly string[]): void;
  /**
   * One upstream call for at most `batchMax` distinct ids, as a function answering each requested
   * id: its entry; an Error when the answer for it cannot be used (see `recordsById`); undefined
   * when the vendor left it out. Entries are made as they are asked for, not all up front: a
   * million-id lookup then keeps no batch's worth of them alive at once.
   */
  fetch(room: string, userIds: readonly string[], options: CallOptions): Promise<(userId: string) => Entry | Error | undefined>;
}

/**
 * A vendor's records by user id. A record listed twice the same way counts once; listed twice with
 * different contents, that id's answer is a ContradictoryResponseError (never the last one silently).
 */
export function recordsById<R, K extends string | number = string>(
  vendor: VendorId,
  operation: string,
  records: readonly R[],
  idOf: (record: R) => K,
): Map<K, R | Error> {
  const out = new Map<K, R | Error>();
  for (const record of records) {
    const id = idOf(record);
    const earlier = out.get(id);
    if (earlier === undefined) out.set(id, record);
    else if (!(earlier instanceof Error) && JSON.stringify(earlier) !== JSON.stringify(record))
      out.set(id, new ContradictoryResponseError(vendor, operation, String(id)));
  }
  return out;
}

/**
 * Answers each requested id from `records`: the record mapped to an entry when asked for, its
 * Error, or undefined when left out. `keyOf` turns the requested id into the records' key (a
 * number where the vendor answers with numbers: no string is made per record, and V8 keeps the
 * strings it makes from numbers in its old generation).
 */
export function answersFrom<R, E, K extends string | number = string>(
  records: Map<K, R | Error>,
  /** The entry of a record, given the id it answers (the caller's own string). */
  map: (record: R, userId: string) => E,
  keyOf: (userId: string) => K = (userId) => userId as K,
): (userId: string) => E | Error | undefined {
  return (userId) => {
    const record = records.get(keyOf(userId));
    if (record === undefined) return undefined;
    return record instanceof Error ? record : map(record as R, userId);
  };
}

export interface VendorRosterPage {
  readonly members: readonly RosterMember[];
  readonly total: number | null;
  /** The vendor's own bound was hit (Tencent's cap, Volcengine's invisible-user bound). */
  readonly truncated: boolean;
  readonly next: string | null;
}

export interface RosterSource {
  readonly operation: OperationInfo;
  /** The most members the vendor can list for one room (its cap), when it has one. */
  readonly listCap: number | null;
  validate(room: string): void;
  fetchPage(room: string, cursor: string | null, options: CallOptions): Promise<VendorRosterPage>;
}

export interface RoomsSource {
  readonly operation: OperationInfo;
  /**
   * Every page of the project's rooms, de-duplicated; `call` makes each upstream call (presence
   * paces it through the account's limiter and retries it).
   */
  pages(call: <T>(fetch: (options: CallOptions) => Promise<T>) => Promise<T>): AsyncIterable<Omit<RoomsPage, 'truncated'>>;
}

export interface ProviderDriver {
  readonly vendor: VendorId;
  /** What the vendor counts quotas against; limiters are shared per account. */
  readonly account: string;
  /** The client's own per-attempt timeout, when presence-core made the client. */
  readonly timeoutMs?: number | undefined;
  readonly status?: BatchLookup<Omit<UserStatus, 'userId' | 'ok' | 'answeredBy'>>;
  readonly details?: BatchLookup<Omit<MemberDetails, 'userId' | 'ok'>>;
  readonly roster?: RosterSource;
  readonly rooms?: RoomsSource;
  /** Why a capability is missing, for the runtime error. */
  readonly hints: Partial<Record<Capability, string>>;
}

declare const capabilities: unique symbol;

/** A vendor behind the presence API; `C` lists what it can answer, checked at compile time. */
export interface Provider<C extends Capability = Capability> {
  readonly vendor: VendorId;
  readonly capabilities: readonly C[];
  /** @internal */
  readonly driver: ProviderDriver;
  /** Type-level only. */
  readonly [capabilities]?: C;
}

export function makeProvider<C extends Capability>(driver: ProviderDriver): Provider<C> {
  const caps = (['status', 'roster', 'details', 'rooms'] as const).filter((c) => driver[c] !== undefined) as C[];
  return Object.freeze({ vendor: driver.vendor, capabilities: Object.freeze(caps), driver });
}
