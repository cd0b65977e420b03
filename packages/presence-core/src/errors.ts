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
