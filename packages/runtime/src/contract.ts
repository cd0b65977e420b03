// The engine's contract: what the generated operation tables, the vendors' signers and the
// clients' options give it, and what a call returns. Types and defaults only.
import type { CredentialsSource } from './credentials.js';
import type { CryptoProvider } from './crypto/types.js';
import type { ErrorKind } from './errors.js';
import type { FailureRule } from './pointer.js';
import type { RetryPolicy, RetryStrategy } from './retry.js';
import type { Schema } from './validate.js';

export interface OperationSpec {
  readonly operationId: string;
  readonly method: string;
  /** The path, with `{name}` for each of `pathParams`. */
  readonly path: string;
  /** Input fields that go into the path (percent-encoded), not the query. */
  readonly pathParams?: readonly string[];
  readonly action?: string;
  readonly version?: string;
  readonly qps: number;
  /** Lower quotas a parameter's value selects, each counted apart (see `quotaOf`). */
  readonly qpsWhen?: ReadonlyArray<{ readonly parameter: string; readonly equals: string; readonly qps: number }>;
  readonly request: {
    readonly in: 'body' | 'query';
    readonly encoding: 'json' | 'form' | null;
  };
  /** The lists a call's ids travel in, and the bound on all of them together (at least one id). */
  readonly batch?: { readonly fields: readonly string[]; readonly max: number };
  /** The region signed on each server, by the server's region, where the vendor signs one per service. */
  readonly signingRegions?: Readonly<Record<string, string>>;
  /** Where this operation's payload sits, when not at the vendor's `resultPointer` (`''`: the whole body). */
  readonly resultPointer?: string;
  readonly retryableCodes: readonly string[];
  readonly requestSchema: Schema;
  readonly responseSchema: Schema;
}

export interface VendorSpec {
  readonly id: string;
  readonly resultPointer: string;
  readonly errorLocation: {
    /** Where the body carries the vendor's code; without it, the code is `HTTP_<status>`. */
    readonly code?: string;
    readonly message: string;
    /** Where the request id is: a pointer into the body, or a response header. */
    readonly requestId?: string;
    readonly requestIdHeader?: string;
    readonly failureWhen?: readonly FailureRule[];
  };
  readonly errorKinds: { readonly [K in ErrorKind]: readonly string[] };
  /** HTTP statuses worth a retry whatever the code (gateway overload, 5xx). */
  readonly retryableHttpStatuses: readonly number[];
  /** Codes refusing the request's signed time: the engine corrects its clock by the answer's `Date` (none when absent). */
  readonly clockSkewCodes?: readonly string[];
}

/** A request as the operation defines it, before the vendor's URL rewrite and signature. */
export interface OutgoingRequest {
  readonly operation: OperationSpec;
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly method: string;
  /** The operation's path with its parameters filled in, percent-encoded. */
  readonly path: string;
  /** The operation's own query parameters, in order (Action/Version are the signer's business). */
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
}

/** What goes on the wire: the exact URL, headers and body that were signed. */
export interface SignedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  /**
   * Every credential-bearing value the request carries (signature, security token, UserSig,
   * Authorization): redacted from anything the service writes back before it reaches an error.
   */
  readonly secrets: readonly (string | undefined)[];
}

export interface RequestSigner<C = unknown> {
  /**
   * Signs at `date` (the client's clock, corrected by the vendor's when a vendor refused its time)
   * with `credentials`, the ones current at this attempt.
   */
  sign(request: OutgoingRequest, date: Date, credentials: C): Promise<SignedRequest>;
}

export type FetchLike = (request: Request) => Promise<Response>;

export interface CallOptions {
  /** Aborts the call; the signal's reason is thrown. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` (per attempt) for this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's `deadlineMs` (all attempts) for this call. */
  deadlineMs?: number | undefined;
  /** Overrides the client's retries for this call: a policy, `false`, or a strategy of your own. */
  retry?: RetryPolicy | RetryStrategy | false | undefined;
}

export interface CallMetadata {
  readonly requestId: string | undefined;
  readonly httpStatus: number;
  /** Attempts made, the successful one included. */
  readonly attempts: number;
  /** Time spent waiting between attempts, in ms. */
  readonly retryDelayMs: number;
}

export type WithMetadata<T> = T & { readonly $metadata: CallMetadata };

/** Options every vendor client takes besides its credentials. */
export interface CommonClientOptions {
  /** A region the vendor's spec lists (each package names them); default: the vendor's first. */
  region?: string | undefined;
  /** Any base URL, such as a local mock; where a vendor signs with a region, `region` still sets it. */
  endpoint?: string | undefined;
  /** A custom fetch (instrumentation, tests; it then chooses its own proxy). */
  fetch?: FetchLike | typeof globalThis.fetch | undefined;
  /**
   * The HTTP(S) proxy of Node's transport, as a URL (`http://user:password@proxy.corp:3128`; the
   * password never appears in an error). Default: `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (either
   * case), as curl and npm read them; `false`: never a proxy. Requests go through the proxy's
   * CONNECT tunnel, end to end encrypted to the vendor. Outside Node the runtime's fetch chooses.
   */
  proxy?: string | false | undefined;
  /** Timeout of each attempt in milliseconds, body included; default 10 000. */
  timeoutMs?: number | undefined;
  /** The most a call may take, all attempts and waits included; default 20 000 ms. */
  deadlineMs?: number | undefined;
  /** Retries of retryable failures (default: 3 attempts in all); `false` turns them off. */
  retry?: RetryPolicy | false | undefined;
  /**
   * The most bytes of an answer read before giving up with a ResponseTooLargeError; default 16 MiB,
   * over ten times the largest answer the vendors document (a Volcengine room's 10,000 invisible
   * users of up to 128 characters, about 1.4 MB).
   */
  maxResponseBytes?: number | undefined;
  /**
   * This machine's clock, as signatures read it (tests). When a vendor refuses a request's time, the
   * client measures the difference by the answer's `Date`, keeps it, and signs on the corrected clock.
   */
  now?: (() => Date) | undefined;
  /** Replaces the runtime's crypto implementation (tests compare both paths). */
  crypto?: CryptoProvider | undefined;
  /**
   * Spans and metrics of every call and attempt: `openTelemetry()` from `@rollcall/runtime/otel`
   * (with `@opentelemetry/api` installed), or your own. Without it nothing is loaded or measured.
   */
  telemetry?: Telemetry | undefined;
}

/** A call as telemetry sees it: what it is and where it goes, never its input. */
export interface TracedCall {
  readonly vendor: string;
  readonly operation: string;
  /** The HTTP method. */
  readonly method: string;
  /** The endpoint's host name and port. */
  readonly serverAddress: string;
  readonly serverPort: number;
}

/**
 * What the engine reports to (`CommonClientOptions.telemetry`): each call runs inside `call`, and
 * its attempts through the strategy `call` hands back from `attempts` — so telemetry sees each
 * attempt, the time it waited for its turn (a limiter's quota) and how it ended.
 */
export interface Telemetry {
  call<T>(call: TracedCall, run: (attempts: (strategy: RetryStrategy) => RetryStrategy) => Promise<T>): Promise<T>;
}

export interface EngineOptions<C = unknown> {
  vendor: VendorSpec;
  operations: Readonly<Record<string, OperationSpec>>;
  baseUrl: string;
  /** Where each attempt's credentials come from (credentialsSource); none: the signer holds its own. */
  credentials?: CredentialsSource<C> | undefined;
  signer: RequestSigner<C>;
  /** The client's options: `fetch` and `timeoutMs` are the engine's. */
  options: Pick<CommonClientOptions, 'fetch' | 'proxy' | 'timeoutMs' | 'maxResponseBytes' | 'deadlineMs' | 'retry' | 'now' | 'telemetry'>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_DEADLINE_MS = 20_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
