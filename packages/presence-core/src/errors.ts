import { RollcallError } from '@rollcall/runtime';
import type { Capability, VendorId } from './model.js';

/** The provider cannot answer this kind of question (also a compile error in TypeScript). */
export class CapabilityError extends RollcallError {
  static override readonly kind: string = 'CapabilityError';
  readonly vendor: VendorId;
  readonly capability: Capability;

  constructor(vendor: VendorId, capability: Capability, hint: string) {
    super(`the ${vendor} provider has no "${capability}" capability: ${hint}`);
    this.vendor = vendor;
    this.capability = capability;
  }
}

/** The service handed back a cursor it had already given: following it would loop forever. */
export class PaginationLoopError extends RollcallError {
  static override readonly kind: string = 'PaginationLoopError';
  readonly vendor: VendorId;
  readonly operation: string;
  readonly cursor: string;

  constructor(vendor: VendorId, operation: string, cursor: string) {
    super(`${vendor} ${operation} repeated the cursor ${JSON.stringify(cursor)}; stopping instead of looping`);
    this.vendor = vendor;
    this.operation = operation;
    this.cursor = cursor;
  }
}

/**
 * Paging went on without getting anywhere: pages that add no new member, or more members than the
 * vendor can list. Stopping is the only safe answer (following it could run forever).
 */
export class PaginationStalledError extends PaginationLoopError {
  static override readonly kind: string = 'PaginationStalledError';
  /** Pages fetched before stopping. */
  readonly pages: number;
  readonly reason: string;

  constructor(vendor: VendorId, operation: string, cursor: string, pages: number, reason: string) {
    super(vendor, operation, cursor);
    this.message = `${vendor} ${operation} stopped after ${pages} pages: ${reason}`;
    this.pages = pages;
    this.reason = reason;
  }
}

/** The service listed a requested id more than once, with different answers: neither can be trusted. */
export class ContradictoryResponseError extends RollcallError {
  static override readonly kind: string = 'ContradictoryResponseError';
  readonly vendor: VendorId;
  readonly operation: string;
  readonly userId: string;

  constructor(vendor: VendorId, operation: string, userId: string) {
    super(`${vendor} ${operation} listed user ${JSON.stringify(userId)} more than once, with different answers`);
    this.vendor = vendor;
    this.operation = operation;
    this.userId = userId;
  }
}

/** The service answered without an entry for a requested id. */
export class IncompleteResponseError extends RollcallError {
  static override readonly kind: string = 'IncompleteResponseError';
  readonly vendor: VendorId;
  readonly operation: string;
  readonly userId: string;

  constructor(vendor: VendorId, operation: string, userId: string) {
    super(`${vendor} ${operation} returned no entry for user ${JSON.stringify(userId)}`);
    this.vendor = vendor;
    this.operation = operation;
    this.userId = userId;
  }
}
