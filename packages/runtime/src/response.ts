// An exchange's outcome as the caller gets it: the vendor's payload, or a typed error — the
// vendor's failure (its code, message and request id, redacted of the request's credentials), an
// answer that is not what the spec says, or no answer at all.
import {
  ConnectionError,
  errorClassByKind,
  ResponseTooLargeError,
  ResponseValidationError,
  RollcallError,
  TimeoutError,
  VendorApiError,
  type ErrorKind,
  type ValidationIssue,
} from './errors.js';
import type { OperationSpec, SignedRequest, VendorSpec } from './contract.js';
import { DuplicateKeyError, readJson } from './json.js';
import { isFailureBody, matchesCode, pointerGet } from './pointer.js';
import { redactSecrets } from './redact.js';
import { ResponseTooLarge, TransportTimeout, type HttpResponse } from './transport/types.js';
import { issuesOf } from './validate.js';

/**
 * The payload at the vendor's (or the operation's) result pointer, its request id and status; or
 * the vendor's failure, or a ResponseValidationError. Synchronous, and the response's text is
 * taken out of it: nothing that outlives the reading holds the text (see HttpResponse.text).
 */
export function readAnswer<Output>(
  vendor: VendorSpec,
  operation: OperationSpec,
  response: HttpResponse,
  secrets: SignedRequest['secrets'],
): readonly [Output & object, string | undefined, number] {
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
      vendor: vendor.id,
      operation: operation.operationId,
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

/**
 * An exchange that gave no answer, as a typed error: the caller's abort (its reason), a timeout,
 * an answer over the size cap, or a connection failure naming the origin only (never the path or
 * query, which may carry a signature). Typed errors pass as they are.
 */
export function transportFailure(
  error: unknown,
  context: { vendor: string; operation: string; baseUrl: string; timeoutMs: number; maxResponseBytes: number; signal: AbortSignal | undefined },
): unknown {
  if (error instanceof RollcallError) return error;
  if (context.signal?.aborted) return context.signal.reason;
  const where = { vendor: context.vendor, operation: context.operation };
  if (error instanceof TransportTimeout) return new TimeoutError({ ...where, timeoutMs: context.timeoutMs });
  if (error instanceof ResponseTooLarge) {
    return new ResponseTooLargeError({ ...where, httpStatus: error.status, limitBytes: context.maxResponseBytes });
  }
  return new ConnectionError({ ...where, message: `${describeNetworkError(error)} at ${new URL(context.baseUrl).origin}`, cause: error });
}

function describeNetworkError(error: unknown): string {
  // fetch wraps the system error in `cause`; node:http rejects with it directly.
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return `connection failed${code ? ` (${code})` : ''}`;
}
