// Every error a rollcall client throws. Each class carries only what is safe to log: never a secret
// key, a signature, an Authorization header or a UserSig.
//
// One copy of these classes serves every rollcall package (the shared runtime, a dependency of
// each). Should an app end up with two runtime versions, `instanceof` still holds: the check walks
// the value's prototype chain for a class of the same `kind`, not for this very class.

export class RollcallError extends Error {
  static readonly kind: string = 'RollcallError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // The class's own name, whatever the minifier does to class names.
    this.name = (new.target as unknown as typeof RollcallError).kind;
  }

  /**
   * Its JSON form for logs: the name, the message (an Error's own `message` is not enumerable, so
   * `JSON.stringify` would leave it out) and the error's fields — all of them redacted already.
   */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...(this as object) };
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    for (let proto = value; (proto = proto == null ? null : Object.getPrototypeOf(proto)); ) {
      if ((proto as { constructor?: { kind?: unknown } }).constructor?.kind === this.kind) return true;
    }
    return false;
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
  declare readonly operation: string;
  /** The first offending field (dotted path), or '' for the input as a whole. */
  declare readonly field: string;
  declare readonly issues: readonly ValidationIssue[];

  constructor(init: { operation: string; issues: readonly ValidationIssue[] }) {
    const first = init.issues[0] ?? { path: '', message: 'invalid input' };
    super(`${init.operation}: ${first.path ? `${first.path}: ` : ''}${first.message}`);
    Object.assign(this, init, { field: first.path });
  }
}

/** The service answered with a body that breaks the spec. Carries the raw body for diagnosis. */
export class ResponseValidationError extends RollcallError {
  static override readonly kind: string = 'ResponseValidationError';
  declare readonly vendor: string;
  declare readonly operation: string;
  declare readonly httpStatus: number;
  declare readonly requestId: string | undefined;
  declare readonly issues: readonly ValidationIssue[];
  declare readonly body: string;

  constructor(init: {
    vendor: string;
    operation: string;
    httpStatus: number;
    requestId?: string | undefined;
    issues: readonly ValidationIssue[];
    body: string;
  }) {
    const first = init.issues[0];
    super(`${init.vendor} ${init.operation}: the answer breaks the spec` + (first ? ` (${first.path ? `${first.path}: ` : ''}${first.message})` : ''));
    Object.assign(this, init);
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
  declare readonly vendor: string;
  declare readonly operation: string;
  declare readonly httpStatus: number;
  declare readonly code: string;
  declare readonly vendorMessage: string;
  declare readonly requestId: string | undefined;
  /** Whether the operation table marks this code or status as safe to retry. */
  declare readonly retryable: boolean;
  declare readonly retryAfterMs: number | undefined;
  /** The answer's body as received (for debugging), with every credential of the request redacted. */
  declare readonly body: string | undefined;

  constructor({ message, ...fields }: VendorApiErrorInit) {
    super(
      `${fields.vendor} ${fields.operation} failed: ${fields.code}: ${message}` +
        ` (HTTP ${fields.httpStatus}${fields.requestId ? `, request id ${fields.requestId}` : ''})`,
    );
    Object.assign(this, { retryAfterMs: undefined, body: undefined, ...fields, vendorMessage: message });
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

/**
 * The vendor refused the request's signed time, and correcting this client's clock by the answer's
 * `Date` did not help (or the answer had none). `clockOffsetMs` is what the vendor's clock measured
 * ahead of this machine's (negative: this machine is ahead), when a `Date` came.
 */
export class ClockSkewError extends AuthError {
  static override readonly kind: string = 'ClockSkewError';
  declare readonly clockOffsetMs: number | undefined;

  /** The vendor's refusal, kept as it came (code, message, request id), with what was measured. */
  static from(refusal: VendorApiError, clockOffsetMs: number | undefined, explanation: string): ClockSkewError {
    const error = new ClockSkewError({
      vendor: refusal.vendor,
      operation: refusal.operation,
      httpStatus: refusal.httpStatus,
      code: refusal.code,
      message: refusal.vendorMessage,
      requestId: refusal.requestId,
      retryable: false,
      retryAfterMs: refusal.retryAfterMs,
      body: refusal.body,
    });
    error.message += `: ${explanation}`;
    return Object.assign(error, { clockOffsetMs });
  }
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
  declare readonly vendor: string;
  declare readonly operation: string;
  /** The system's or TLS's code (`ECONNRESET`, `ENOTFOUND`, `CERT_HAS_EXPIRED`…), when it gave one. */
  declare readonly code: string | undefined;
  /** Whether another attempt may get an answer: false for a certificate that fails verification or a name that does not exist. */
  declare readonly retryable: boolean;

  constructor({
    vendor,
    operation,
    message,
    cause,
    code,
    retryable = true,
  }: {
    vendor: string;
    operation: string;
    message?: string;
    cause?: unknown;
    code?: string | undefined;
    retryable?: boolean;
  }) {
    super(`${vendor} ${operation}: ${message ?? 'connection failed'}`, { cause });
    Object.assign(this, { vendor, operation, code, retryable });
  }
}

/** No answer within the call's `timeoutMs`. */
export class TimeoutError extends ConnectionError {
  static override readonly kind: string = 'TimeoutError';
  declare readonly timeoutMs: number;

  constructor(init: { vendor: string; operation: string; timeoutMs: number }) {
    super({ ...init, message: `no answer within ${init.timeoutMs} ms` });
    Object.assign(this, { timeoutMs: init.timeoutMs });
  }
}

/** The answer's body grew past the client's `maxResponseBytes`: reading stopped there. */
export class ResponseTooLargeError extends RollcallError {
  static override readonly kind: string = 'ResponseTooLargeError';
  declare readonly vendor: string;
  declare readonly operation: string;
  declare readonly httpStatus: number;
  declare readonly limitBytes: number;

  constructor(init: { vendor: string; operation: string; httpStatus: number; limitBytes: number }) {
    super(`${init.vendor} ${init.operation}: answer over maxResponseBytes (${init.limitBytes})`);
    Object.assign(this, init);
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

/**
 * A credentials provider failed, or returned credentials that cannot sign (a field missing, already
 * expired). Its message names what went wrong, never a secret; `cause` is the provider's own error.
 */
export class CredentialsError extends RollcallError {
  static override readonly kind: string = 'CredentialsError';
}

/** Why a callback was refused: each is a reason the vendor's own docs give for refusing one. */
export type WebhookRefusal = 'missing-signature' | 'bad-signature' | 'stale' | 'malformed-body' | 'wrong-app' | 'too-large';

/**
 * A callback that is not the vendor's, or not one this receiver can read: refused before its
 * content is trusted. `reason` says which check failed; the message names the header or field,
 * never the secret, the signature sent or the one expected.
 */
export class WebhookVerificationError extends RollcallError {
  // A getter, not a field like the others': a static field keeps a class in every bundle, and no
  // client call needs this one (the others are all reached from a call's error paths).
  static override get kind(): string {
    return 'WebhookVerificationError';
  }

  constructor(
    readonly vendor: string,
    readonly reason: WebhookRefusal,
    message: string,
  ) {
    super(`${vendor} callback refused (${reason}): ${message}`);
  }
}

/** A required option that must be a non-empty string. */
export function requireOption(vendor: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${vendor}: ${name} is required (a non-empty string)`);
  }
  return value;
}
