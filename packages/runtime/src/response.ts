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
import { isFinalConnectionCode } from '#transport';

/**
 * The payload at the vendor's (or the operation's) result pointer, its request id and status; or
 * the vendor's failure, or a ResponseValidationError. Synchronous, and the response's text is
 * taken out of it: nothing that outlives the reading holds the text (see HttpResponse.text).
 */
export function readAnswer<Output>(
  vendor: VendorSpec,
  operation: OperationSpec,
  response: HttpResponse,
  signed: Pick<SignedRequest, 'url' | 'secrets'>,
): readonly [Output & object, string | undefined, number] {
  const { secrets } = signed;
  const text = response.text;
  response.text = '';
  // Never followed (neither transport does): the request carries credentials signed for its own
  // origin, and a gateway's redirect would hand them to another (fetch drops only Authorization).
  // Status 0: a browser's fetch hides a redirect it did not follow ('opaqueredirect').
  if ((response.status >= 300 && response.status < 400) || response.status === 0) {
    throw redirectError(vendor, operation, response, signed, redactSecrets(text, secrets));
  }
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

/** A redirect refused, naming its status and where it pointed (the origin only: a Location can carry the signed query). */
function redirectError(
  vendor: VendorSpec,
  operation: OperationSpec,
  response: Pick<HttpResponse, 'status' | 'header'>,
  signed: Pick<SignedRequest, 'url' | 'secrets'>,
  body: string,
): VendorApiError {
  const from = new URL(signed.url).origin;
  const location = response.header('location');
  let target = 'an unknown target';
  if (response.status === 0) target = 'a target this runtime hides';
  else if (location) {
    try {
      target = new URL(location, signed.url).origin;
    } catch {
      target = 'an invalid Location';
    }
  }
  return new VendorApiError({
    vendor: vendor.id,
    operation: operation.operationId,
    httpStatus: response.status,
    code: response.status === 0 ? 'REDIRECT' : `HTTP_${response.status}`,
    message: `redirected to ${target}, not followed: the request carries credentials signed for ${from}`,
    requestId: requestIdOf(vendor, response, undefined),
    retryable: false,
    body,
  });
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

/**
 * RFC 9110's HTTP-date, in its three forms: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the
 * obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
 */
const HTTP_DATE = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * `Retry-After` in milliseconds: delta-seconds (digits only — `0x10`, `1e3`, `16.5` and `-1` are not
 * seconds, though `Number()` reads them so) or an HTTP-date. Anything else is ignored: undefined, and
 * the normal backoff applies.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const form = HTTP_DATE.findIndex((pattern) => pattern.test(text));
  if (form < 0) return undefined;
  // asctime names no zone, and Date.parse would read it as local time: it is GMT.
  const date = Date.parse(form === 2 ? `${text} GMT` : text);
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
  // fetch wraps the system error in `cause`; node:http rejects with it directly.
  const e = error as { code?: unknown; cause?: { code?: unknown }; via?: string } | undefined;
  const raw = e?.cause?.code ?? e?.code;
  const code = typeof raw === 'string' ? raw : undefined;
  return new ConnectionError({
    ...where,
    message: `connection failed${code ? ` (${code})` : ''} at ${new URL(context.baseUrl).origin}${e?.via ? ` through the proxy ${e.via}` : ''}`,
    cause: error,
    code,
    retryable: code === undefined || !isFinalConnectionCode(code),
  });
}
