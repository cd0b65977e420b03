// The request engine every vendor client runs on: validate the input with the generated schema,
// serialise it as the operation table says (JSON or form body, or query), rewrite it to the
// vendor's real URL and sign it (afresh on every call), send it with the caller's `fetch`, then
// turn the answer into a validated result or a typed error. Everything vendor-specific comes from
// the generated operation table and the signer.
//
// The request is built here rather than by openapi-fetch: every operation is one of three fixed
// shapes, the signer must see the exact bytes before a Request exists, and openapi-fetch cost 2.5 KB
// of the 12 KB gzip budget plus a second Request per call.
import {
  ConnectionError,
  errorClassByKind,
  RequestValidationError,
  ResponseTooLargeError,
  ResponseValidationError,
  RollcallError,
  TimeoutError,
  VendorApiError,
  type ErrorKind,
  type ValidationIssue,
} from './errors.js';
import type { CryptoProvider } from './crypto/types.js';
import { formEncode } from './encoding.js';
import { DuplicateKeyError, readJson, writeJson } from './json.js';
import { redactSecrets } from './redact.js';
import { defaultTransport } from '#transport';
import { fetchTransport } from './transport/fetch.js';
import { ResponseTooLarge, TransportTimeout, type HttpResponse } from './transport/types.js';
import { isFailureBody, matchesCode, pointerGet, type FailureRule } from './pointer.js';

/** A zod issue, as much of it as the messages need (locale-free: zod/mini ships no messages). */
export interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly origin?: string;
  readonly expected?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly format?: string;
  readonly pattern?: string;
  readonly keys?: readonly string[];
  readonly values?: readonly unknown[];
}

/** The part of a generated zod schema the engine uses. */
export interface Schema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly SchemaIssue[] } };
}

/** A plain-English message for a zod issue. */
export function describeIssue(issue: SchemaIssue): string {
  const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
  switch (issue.code) {
    case 'too_big':
      return `must be at most ${issue.maximum}${unit}`;
    case 'too_small':
      return `must be at least ${issue.minimum}${unit}`;
    case 'invalid_type':
      // int64 issues carry their own words (which of bigint, string or number went wrong).
      return issue.expected === 'int64' ? issue.message : `must be ${issue.expected === 'int' ? 'a safe integer' : issue.expected}`;
    case 'invalid_format':
      return `must match ${issue.pattern ?? issue.format}`;
    case 'unrecognized_keys':
      return `unknown field ${issue.keys?.join(', ')}`;
    default:
      return issue.message;
  }
}

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

export interface RequestSigner {
  sign(request: OutgoingRequest): Promise<SignedRequest>;
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

/** How a client retries failures worth retrying (`retryable` vendor errors, no answer at all). */
export interface RetryPolicy {
  /** Attempts in all, the first included; default 3. */
  maxAttempts?: number | undefined;
  /** Base of the exponential backoff with full jitter; default 100 ms. */
  baseDelayMs?: number | undefined;
  /** The longest wait; a Retry-After beyond it fails the call at once. Default 20 000 ms. */
  maxDelayMs?: number | undefined;
}

/**
 * The retry loop's hooks, for a caller that paces attempts itself (presence-core plugs its
 * per-account rate limiter in here). The engine runs the loop; the strategy runs each attempt and
 * says whether to go on.
 */
export interface RetryStrategy {
  /** Runs attempt `n` (from 1): `send` makes it, within `timeoutMs` if given. */
  attempt<T>(n: number, send: (timeoutMs?: number) => Promise<T>): Promise<T>;
  /** After attempt `n` failed with `error`: waits and resolves to the wait in ms, or to undefined to give up. */
  next(error: unknown, n: number): Promise<number | undefined>;
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
  /** A custom fetch (proxies, instrumentation, tests). */
  fetch?: FetchLike | typeof globalThis.fetch | undefined;
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
  /** The clock used for signatures (tests). */
  now?: (() => Date) | undefined;
  /** Replaces the runtime's crypto implementation (tests compare both paths). */
  crypto?: CryptoProvider | undefined;
}

export interface EngineOptions {
  vendor: VendorSpec;
  operations: Readonly<Record<string, OperationSpec>>;
  baseUrl: string;
  signer: RequestSigner;
  /** The client's options: `fetch` and `timeoutMs` are the engine's. */
  options: Pick<CommonClientOptions, 'fetch' | 'timeoutMs' | 'maxResponseBytes' | 'deadlineMs' | 'retry'>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_DEADLINE_MS = 20_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function issuesOf(error: { issues: readonly SchemaIssue[] }): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: describeIssue(issue) }));
}

function stringAt(body: unknown, pointer: string | undefined): string | undefined {
  if (pointer === undefined) return undefined;
  const value = pointerGet(body, pointer);
  return value === undefined || value === null ? undefined : String(value);
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** How much of a body that is not the vendor's error envelope (a gateway page) a message quotes. */
const QUOTED_BODY_CHARS = 300;

/**
 * The vendor's failure as a typed error. Everything the service wrote (code, message, body) is
 * redacted of the credentials the request carried: gateways echo URLs and headers.
 */
export function vendorError(
  vendor: VendorSpec,
  operation: OperationSpec,
  response: Pick<HttpResponse, 'status' | 'header'>,
  body: unknown,
  text: string,
  secrets: SignedRequest['secrets'] = [],
): VendorApiError {
  const redact = (value: string) => redactSecrets(value, secrets);
  const redactedText = redact(text);
  const code = redact(stringAt(body, vendor.errorLocation.code) ?? `HTTP_${response.status}`);
  const message = redact(stringAt(body, vendor.errorLocation.message) ?? '') || redactedText.slice(0, QUOTED_BODY_CHARS) || 'no body';
  let kind = (Object.keys(errorClassByKind) as ErrorKind[]).find((k) => matchesCode(code, vendor.errorKinds[k]));
  // A status that means the same whatever the vendor, for codes the spec does not list.
  if (!kind && response.status === 429) kind = 'throttled';
  if (!kind && (response.status === 401 || response.status === 403)) kind = 'auth';
  const ErrorClass = kind ? errorClassByKind[kind] : VendorApiError;
  return new ErrorClass({
    vendor: vendor.id,
    operation: operation.operationId,
    httpStatus: response.status,
    code,
    message,
    requestId: requestIdOf(vendor, response, body),
    retryable: matchesCode(code, operation.retryableCodes) || vendor.retryableHttpStatuses.includes(response.status),
    retryAfterMs: parseRetryAfter(response.header('retry-after')),
    body: redactedText,
  });
}

/** The request id, from the body or a header (as the vendor's table says); redacted of nothing: ids are not secrets. */
function requestIdOf(vendor: VendorSpec, response: Pick<HttpResponse, 'header'>, body: unknown): string | undefined {
  const { requestIdHeader, requestId } = vendor.errorLocation;
  return stringAt(body, requestId) ?? (requestIdHeader ? (response.header(requestIdHeader) ?? undefined) : undefined);
}

/**
 * The operation's path with each `{name}` replaced by the input's value, percent-encoded (a
 * channel name may hold a space, `#`, `%` or `?`), and the input without those fields.
 */
export function fillPath(
  operation: Pick<OperationSpec, 'path' | 'pathParams'>,
  data: Record<string, unknown>,
): { path: string; rest: Record<string, unknown> } {
  if (!operation.pathParams) return { path: operation.path, rest: data };
  const rest = { ...data };
  let path = operation.path;
  for (const name of operation.pathParams) {
    path = path.replace(`{${name}}`, encodeURIComponent(String(rest[name])));
    delete rest[name];
  }
  return { path, rest };
}

/** Query or form pairs; arrays as one comma-separated value (the only array encoding the generator admits). */
function pairsOf(data: Record<string, unknown>): Array<[string, string]> {
  // String() of an array is its items joined by commas.
  return Object.entries(data).flatMap(([key, value]) => (value == null ? [] : [[key, String(value)] as [string, string]]));
}

export function createEngine(engine: EngineOptions) {
  const { vendor, operations, signer, options } = engine;
  const baseUrl = engine.baseUrl.replace(/\/+$/, '');
  // The caller's fetch when given; otherwise the runtime's best (node:http on Node, fetch elsewhere).
  const transport = options.fetch ? fetchTransport(options.fetch as FetchLike) : defaultTransport;
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  return async function call<Output>(name: string, input: unknown, callOptions: CallOptions = {}): Promise<WithMetadata<Output>> {
    // Names come from the table itself (createClientMethods), so the lookup cannot miss.
    const operation = operations[name]!;
    // Who failed, as every error of this call names it.
    const where = { vendor: vendor.id, operation: operation.operationId };
    const validated = operation.requestSchema.safeParse(input);
    if (!validated.success) {
      throw new RequestValidationError({ operation: operation.operationId, issues: issuesOf(validated.error) });
    }
    const data = validated.data as Record<string, unknown>;
    if (operation.batch) {
      const { fields, max } = operation.batch;
      const total = fields.reduce((n, field) => n + ((data[field] as unknown[] | undefined)?.length ?? 0), 0);
      if (total < 1 || total > max) {
        const single = fields.length === 1 ? fields[0]! : '';
        const message = `${single ? 'must' : `${fields.join(' and ')} together must`} hold 1 to ${max} ids (got ${total})`;
        throw new RequestValidationError({ operation: operation.operationId, issues: [{ path: single, message }] });
      }
    }
    // Lone UTF-16 surrogates cannot be percent-encoded or sent as UTF-8 as they are: refuse them
    // here, naming the field, rather than fail (or silently change the id) on the way out.
    const malformed: string[] = [];
    // JSON.stringify writes a lone surrogate as a \uXXXX escape: one scan of the text finds out
    // whether any field needs naming, and the walk runs only then.
    if (ESCAPED_SURROGATE.test(JSON.stringify(data))) malformedStrings(data, [], malformed);
    if (malformed.length) {
      throw new RequestValidationError({
        operation: operation.operationId,
        issues: malformed.map((path) => ({ path, message: 'must be well-formed Unicode' })),
      });
    }

    const deadline = Date.now() + (callOptions.deadlineMs ?? options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    const retry = callOptions.retry ?? options.retry;
    const strategy = retry && 'next' in retry ? retry : policyStrategy(retry, deadline, callOptions.signal);

    /** One attempt: signed afresh (a new date, nonce or random), sent, and read. */
    const send = async (timeoutMs = Math.max(1, Math.min(callOptions.timeoutMs ?? defaultTimeoutMs, deadline - Date.now()))) => {
      let response: HttpResponse;
      let signed: SignedRequest | undefined;
      try {
        let query: Array<[string, string]> = [];
        let body: string | undefined;
        let contentType: string | undefined;
        const { path, rest } = fillPath(operation, data);
        if (operation.request.in === 'query') {
          query = pairsOf(rest);
        } else if (operation.request.encoding === 'form') {
          body = formEncode(pairsOf(data));
          contentType = 'application/x-www-form-urlencoded';
        } else {
          // int64 fields as their exact digits (Int64Digits from the validator).
          body = writeJson(data);
          contentType = 'application/json';
        }
        // Signed on every call, so every attempt carries a fresh date, nonce or random.
        signed = await signer.sign({ operation, baseUrl, method: operation.method, path, query, body, contentType });
        response = await transport({
          url: signed.url,
          method: operation.method,
          headers: signed.headers,
          body: signed.body,
          signal: callOptions.signal,
          timeoutMs,
          maxResponseBytes,
        });
      } catch (error) {
        if (error instanceof RollcallError) throw error;
        if (callOptions.signal?.aborted) throw callOptions.signal.reason;
        if (error instanceof TransportTimeout) {
          throw new TimeoutError({ ...where, timeoutMs });
        }
        if (error instanceof ResponseTooLarge) {
          throw new ResponseTooLargeError({ ...where, httpStatus: error.status, limitBytes: maxResponseBytes });
        }
        // The origin only (never the path or query, which may carry a signature): where it failed.
        throw new ConnectionError({
          ...where,
          message: `${describeNetworkError(error)} at ${new URL(baseUrl).origin}`,
          cause: error,
        });
      }

      return read(response, signed.secrets);
    };

    /**
     * An answer read: the vendor's payload, or its failure as a typed error. Apart from `send` and
     * synchronous, so that the text it reads is held by nothing that outlives the reading.
     */
    const read = (response: HttpResponse, secrets: SignedRequest['secrets']) => {
      // Taken out of the response (see HttpResponse.text).
      const text = response.text;
      response.text = '';
      const ok = response.status >= 200 && response.status < 300;
      let body: unknown;
      let parsedJson = true;
      let repeatedKey: string | undefined;
      try {
        body = text === '' ? undefined : readJson(text);
      } catch (error) {
        parsedJson = false;
        if (error instanceof DuplicateKeyError) repeatedKey = error.path;
      }
      const requestId = requestIdOf(vendor, response, body);
      const fail = (issues: ValidationIssue[]) =>
        new ResponseValidationError({
          ...where,
          httpStatus: response.status,
          requestId,
          issues,
          body: redactSecrets(text, secrets),
        });
      if (!ok || (parsedJson && isFailureBody(vendor.errorLocation.failureWhen, body))) {
        throw vendorError(vendor, operation, response, parsedJson ? body : undefined, text, secrets);
      }
      if (repeatedKey !== undefined) throw fail([{ path: repeatedKey, message: 'given twice with different values' }]);
      if (!parsedJson) throw fail([{ path: '', message: 'not JSON' }]);
      const checked = operation.responseSchema.safeParse(body);
      if (!checked.success) throw fail(issuesOf(checked.error));
      const resultPointer = operation.resultPointer ?? vendor.resultPointer;
      const payload = pointerGet(checked.data, resultPointer);
      if (payload === null || typeof payload !== 'object') {
        throw fail([{ path: resultPointer, message: 'missing' }]);
      }
      // The parsed answer is ours (JSON.parse built it), so it takes $metadata without a copy.
      return [payload as Output & object, requestId, response.status] as const;
    };

    let retryDelayMs = 0;
    for (let attempts = 1; ; attempts++) {
      try {
        const [payload, requestId, httpStatus] = await strategy.attempt(attempts, send);
        return Object.assign(payload, { $metadata: { requestId, httpStatus, attempts, retryDelayMs } });
      } catch (error) {
        const waited = callOptions.signal?.aborted ? undefined : await strategy.next(error, attempts);
        if (waited === undefined) throw error;
        retryDelayMs += waited;
      }
    }
  };
}

/** Worth another attempt: a failure the operation table marks retryable, or no answer at all. */
export function isRetryable(error: unknown): boolean {
  return error instanceof VendorApiError ? error.retryable : error instanceof ConnectionError;
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined to give up: not retryable, attempts
 * used up, or a Retry-After longer than `maxDelayMs` (never retry before the vendor said). Otherwise
 * the Retry-After, or exponential backoff with full jitter. Shared by every retry strategy.
 */
export function retryDelayMs(error: unknown, attempt: number, policy: Required<RetryPolicy>, random: () => number = Math.random): number | undefined {
  const after = (error as VendorApiError).retryAfterMs;
  if (attempt >= policy.maxAttempts || !isRetryable(error) || after! > policy.maxDelayMs) return undefined;
  return after ?? Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

/**
 * Waits `ms`, or rejects with the signal's reason when it aborts first. Either way the listener
 * goes with the wait: a long-lived signal (a server's shutdown signal) would otherwise keep one per
 * wait, and each wait's closure with it.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The engine's own strategy: exponential backoff with full jitter, Retry-After, the deadline. */
function policyStrategy(policy: RetryPolicy | false | undefined, deadline: number, signal: AbortSignal | undefined): RetryStrategy {
  const { maxAttempts = policy === false ? 1 : 3, baseDelayMs = 100, maxDelayMs = 20_000 } = policy || {};
  return {
    attempt: (_n, send) => send(),
    async next(error, n) {
      const delay = retryDelayMs(error, n, { maxAttempts, baseDelayMs, maxDelayMs });
      if (delay === undefined) return;
      // A retry that could not start before the deadline is not made.
      if (Date.now() + delay >= deadline) return;
      await sleep(delay, signal);
      return delay;
    },
  };
}

// In a `u` regex a surrogate pair is one code point: only a lone surrogate is of category Cs.
const LONE_SURROGATE = /\p{Cs}/u;
const ESCAPED_SURROGATE = /\\ud[89a-f]/i;

/** Adds to `out` the dotted path of every string in `value` that is not well-formed UTF-16. */
function malformedStrings(value: unknown, path: string[], out: string[]): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) out.push(path.join('.'));
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) {
      path.push(key);
      malformedStrings((value as Record<string, unknown>)[key], path, out);
      path.pop();
    }
  }
}

function describeNetworkError(error: unknown): string {
  // fetch wraps the system error in `cause`; node:http rejects with it directly.
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return `connection failed${code ? ` (${code})` : ''}`;
}

/** The client object: one method per operation of the table, each a call through the engine. */
export function createClientMethods<Methods>(options: EngineOptions): Methods {
  const call = createEngine(options);
  const methods: Record<string, (input: unknown, callOptions?: CallOptions) => Promise<unknown>> = {};
  for (const name of Object.keys(options.operations)) {
    methods[name] = (input, callOptions) => call(name, input, callOptions);
  }
  return Object.freeze(methods) as Methods;
}
