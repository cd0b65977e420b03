// Every error a rollcall client throws. Each class carries only what is safe to log: never a secret
// key, a signature, an Authorization header or a UserSig.
//
// `instanceof` works across packages: each published package bundles its own copy of these classes,
// so the check compares a brand (the class names along the instance's chain), not the prototype.

const KINDS = Symbol.for('rollcall.error.kinds');

type Kinds = readonly string[];

export class RollcallError extends Error {
  static readonly kind: string = 'RollcallError';
  declare readonly [KINDS]: Kinds;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    const kinds: string[] = [];
    for (let ctor = new.target as unknown as { kind?: string } | null; ctor && ctor.kind; ctor = Object.getPrototypeOf(ctor)) {
      if (!kinds.includes(ctor.kind)) kinds.push(ctor.kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
    Object.defineProperty(this, 'name', { value: kinds[0], enumerable: false, configurable: true, writable: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as { [KINDS]?: Kinds })[KINDS];
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `ParticipantUserIds.3`. */
  path: string;
  message: string;
}

/** The input was rejected before any network call. */
export class RequestValidationError extends RollcallError {
  static override readonly kind: string = 'RequestValidationError';
  readonly operation: string;
  /** The first offending field (dotted path), or '' for the input as a whole. */
  readonly field: string;
  readonly issues: readonly ValidationIssue[];

  constructor(init: { operation: string; issues: readonly ValidationIssue[] }) {
    const first = init.issues[0] ?? { path: '', message: 'invalid input' };
    super(`${init.operation}: ${first.path ? `${first.path}: ` : ''}${first.message}`);
    this.operation = init.operation;
    this.field = first.path;
    this.issues = init.issues;
  }
}

/** The service answered with a body that breaks the spec. Carries the raw body for diagnosis. */
export class ResponseValidationError extends RollcallError {
  static override readonly kind: string = 'ResponseValidationError';
  readonly vendor: string;
  readonly operation: string;
  readonly httpStatus: number;
  readonly requestId: string | undefined;
  readonly issues: readonly ValidationIssue[];
  readonly body: string;

  constructor(init: {
    vendor: string;
    operation: string;
    httpStatus: number;
    requestId?: string | undefined;
    issues: readonly ValidationIssue[];
    body: string;
  }) {
    const first = init.issues[0];
    super(`${init.vendor} ${init.operation}: response does not match the spec` + (first ? ` (${first.path ? `${first.path}: ` : ''}${first.message})` : ''));
    this.vendor = init.vendor;
    this.operation = init.operation;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.issues = init.issues;
    this.body = init.body;
  }
}

export interface VendorApiErrorInit {
  vendor: string;
  operation: string;
  httpStatus: number;
  code: string;
  message: string;
  requestId: string | undefined;
  retryable: boolean;
  /** From a `Retry-After` header, when the service sent one. */
  retryAfterMs?: number | undefined;
  /** The answer's body as received, with every credential of the request redacted. */
  body?: string | undefined;
}

/** The vendor answered with an error: its code, message and request id are kept as sent. */
export class VendorApiError extends RollcallError {
  static override readonly kind: string = 'VendorApiError';
  readonly vendor: string;
  readonly operation: string;
  readonly httpStatus: number;
  readonly code: string;
  readonly vendorMessage: string;
  readonly requestId: string | undefined;
  /** Whether the operation table marks this code or status as safe to retry. */
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** The answer's body as received (for debugging), with every credential of the request redacted. */
  readonly body: string | undefined;

  constructor(init: VendorApiErrorInit) {
    super(
      `${init.vendor} ${init.operation} failed: ${init.code}: ${init.message}` +
        ` (HTTP ${init.httpStatus}${init.requestId ? `, request id ${init.requestId}` : ''})`,
    );
    this.vendor = init.vendor;
    this.operation = init.operation;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.vendorMessage = init.message;
    this.requestId = init.requestId;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.body = init.body;
  }
}

/** The vendor throttled the call (QPS or frequency limit). */
export class ThrottledError extends VendorApiError {
  static override readonly kind: string = 'ThrottledError';
}

/** Credentials, signature, UserSig or permissions were refused. */
export class AuthError extends VendorApiError {
  static override readonly kind: string = 'AuthError';
}

/** The room, group, conversation or app does not exist. */
export class NotFoundError extends VendorApiError {
  static override readonly kind: string = 'NotFoundError';
}

/** The vendor rejected a parameter. */
export class InvalidParameterError extends VendorApiError {
  static override readonly kind: string = 'InvalidParameterError';
}

/** The request did not get an answer: DNS, connection refused or reset, TLS. */
export class ConnectionError extends RollcallError {
  static override readonly kind: string = 'ConnectionError';
  readonly vendor: string;
  readonly operation: string;

  constructor(init: { vendor: string; operation: string; message?: string; cause?: unknown }) {
    super(`${init.vendor} ${init.operation}: ${init.message ?? 'connection failed'}`, { cause: init.cause });
    this.vendor = init.vendor;
    this.operation = init.operation;
  }
}

/** No answer within the call's `timeoutMs`. */
export class TimeoutError extends ConnectionError {
  static override readonly kind: string = 'TimeoutError';
  readonly timeoutMs: number;

  constructor(init: { vendor: string; operation: string; timeoutMs: number }) {
    super({ ...init, message: `no answer within ${init.timeoutMs} ms` });
    this.timeoutMs = init.timeoutMs;
  }
}

/** The answer's body grew past the client's `maxResponseBytes`: reading stopped there. */
export class ResponseTooLargeError extends RollcallError {
  static override readonly kind: string = 'ResponseTooLargeError';
  readonly vendor: string;
  readonly operation: string;
  readonly httpStatus: number;
  readonly limitBytes: number;

  constructor(init: { vendor: string; operation: string; httpStatus: number; limitBytes: number }) {
    super(`${init.vendor} ${init.operation}: answer over maxResponseBytes (${init.limitBytes})`);
    this.vendor = init.vendor;
    this.operation = init.operation;
    this.httpStatus = init.httpStatus;
    this.limitBytes = init.limitBytes;
  }
}

export type ErrorKind = 'throttled' | 'auth' | 'notFound' | 'invalidParameter';

export const errorClassByKind = {
  throttled: ThrottledError,
  auth: AuthError,
  notFound: NotFoundError,
  invalidParameter: InvalidParameterError,
} as const satisfies Record<ErrorKind, typeof VendorApiError>;

/** The client was set up wrongly (missing credential, unknown region): thrown by the factory. */
export class ConfigurationError extends RollcallError {
  static override readonly kind: string = 'ConfigurationError';
}

/** A required option that must be a non-empty string. */
export function requireOption(vendor: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${vendor}: ${name} is required (a non-empty string)`);
  }
  return value;
}
