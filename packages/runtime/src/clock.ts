// The client's clock, set by the vendor's when they disagree: AWS SDK v3's `systemClockOffset`. A
// vendor that refuses a request's signed time (one of the spec's `clockSkewCodes`) dates its answer;
// the difference between that `Date` and this machine's clock is kept per client, every later
// signature is made on the corrected clock, and the refused request is signed again once.
import { ClockSkewError, type VendorApiError } from './errors.js';

/** `Date` has whole seconds, and the answer took time to come: a smaller difference proves nothing. */
const AGREEMENT_MS = 2_000;
/** Where within its second a `Date` was most likely written. */
const HALF_SECOND_MS = 500;

export class VendorClock {
  /** What to add to this machine's clock to get the vendor's (0 until a vendor says otherwise). */
  offsetMs = 0;

  constructor(private readonly localNow: () => Date) {}

  /** The time to sign with, and the offset it was made with (for `correct`). */
  now(): { date: Date; offsetMs: number } {
    const local = this.localNow();
    const offsetMs = this.offsetMs;
    return { date: offsetMs === 0 ? local : new Date(local.getTime() + offsetMs), offsetMs };
  }

  /**
   * The vendor refused the request's time: `true` when the clock was corrected by the answer's
   * `Date` (sign again), otherwise the error to throw. `signedWithOffsetMs`: the offset the refused
   * request was signed with (calls in flight together may have signed before another corrected it);
   * `resent`: the refused request was already signed again once.
   */
  correct(refusal: VendorApiError, dateHeader: string | null, signedWithOffsetMs: number, resent: boolean): true | VendorApiError {
    const vendorMs = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    if (Number.isNaN(vendorMs)) {
      return ClockSkewError.from(
        refusal,
        undefined,
        `${refusal.vendor} refused the request's signed time and its answer has no Date header to measure this machine's clock by: check the clock (NTP)`,
      );
    }
    const measuredMs = vendorMs + HALF_SECOND_MS - this.localNow().getTime();
    if (resent) {
      return ClockSkewError.from(
        refusal,
        measuredMs,
        `refused again after setting this client's clock to ${refusal.vendor}'s Date header; this machine's clock is ${describeOffset(measuredMs)} ${refusal.vendor}'s`,
      );
    }
    // The request's clock agreed with the vendor's: the refusal is not the clock's (a UserSig the caller gave that expired).
    if (Math.abs(measuredMs - signedWithOffsetMs) <= AGREEMENT_MS) return refusal;
    this.offsetMs = measuredMs;
    return true;
  }
}

/** "20 min 3 s ahead of" / "1 h 0 min behind": how this machine's clock stands against an offset's source. */
export function describeOffset(offsetMs: number): string {
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const span = h ? `${h} h ${min} min` : min ? `${min} min ${s} s` : `${s} s`;
  // The vendor's clock minus ours: positive when ours is behind.
  return `${span} ${offsetMs > 0 ? 'behind' : 'ahead of'}`;
}
