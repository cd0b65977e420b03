// The one presence model, whichever vendor a room lives on.

export type VendorId = 'volcengine' | 'aliyun' | 'tencent' | 'agora';

/** What a provider can answer. */
export type Capability = 'status' | 'roster' | 'details' | 'rooms';

/** Whether one user is in a room. */
export interface UserStatus {
  readonly ok: true;
  /** The id as the caller passed it. */
  readonly userId: string;
  readonly online: boolean;
  /** When the user joined, or null when not in the room or not reported. */
  readonly joinedAt: Date | null;
  /** The vendor's own record, untouched. */
  readonly raw: unknown;
  /**
   * The operation that answered: the vendor's status lookup, or its room listing where one listing
   * call is cheaper than a call per user (Agora: `QueryUserList`; no join time then).
   */
  readonly answeredBy: string;
}

/** A lookup that failed for this id (only with `failures: 'report'`). */
export interface FailedLookup {
  readonly ok: false;
  readonly userId: string;
  readonly error: Error;
}

export type StatusEntry = UserStatus | FailedLookup;

/** A member's details (Volcengine conversations). */
export interface MemberDetails {
  readonly ok: true;
  readonly userId: string;
  /** Whether the service returned a record for this user. */
  readonly found: boolean;
  readonly role: 'member' | 'owner' | 'admin' | null;
  readonly nickname: string | null;
  readonly joinedAt: Date | null;
  /** Muted until this time, or null when not muted. */
  readonly mutedUntil: Date | null;
  readonly raw: unknown;
}

export type DetailsEntry = MemberDetails | FailedLookup;

export interface RosterMember {
  readonly userId: string;
  /** Where the vendor tells visible and invisible users apart; otherwise 'unknown'. */
  readonly visibility: 'visible' | 'invisible' | 'unknown';
  /** Where the vendor tells hosts and audience apart (Agora's live-broadcasting channels); otherwise null. */
  readonly role: 'host' | 'audience' | null;
  readonly raw: unknown;
}

export interface RosterPage {
  readonly members: readonly RosterMember[];
  /** The vendor's count of people in the room, when it gives one. */
  readonly total: number | null;
  /**
   * True when the room may hold more members than were listed: Tencent's 1000-member cap,
   * Volcengine's 10000 invisible users, a `maxItems` that stopped the listing, or a listing that
   * ended with fewer members than the vendor's own count.
   */
  readonly truncated: boolean;
  /** Members the vendor listed again (on this page or an earlier one): dropped, not delivered. */
  readonly duplicates: number;
  /** Cursor of the next page, or null on the last one. */
  readonly next: string | null;
}

/** One of a project's live rooms (Agora channels), with its member count. */
export interface RoomSummary {
  readonly room: string;
  readonly members: number;
  readonly raw: unknown;
}

export interface RoomsPage {
  /** Rooms first listed on this page. */
  readonly rooms: readonly RoomSummary[];
  /** The vendor's count of rooms, as this page gave it. */
  readonly total: number;
  /** Rooms the vendor listed again (its pages drift as rooms change): dropped, not delivered. */
  readonly duplicates: number;
  /** True when `maxItems` stopped the listing, or it ended with fewer rooms than the vendor counted. */
  readonly truncated: boolean;
  /** Cursor of the next page, or null on the last one. */
  readonly next: string | null;
}
