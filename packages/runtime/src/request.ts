// A call's input, checked and put in its wire form, as the operation table says: before anything
// is signed or sent. Built once per call: only the signature changes from one attempt to the next.
import { RequestValidationError } from './errors.js';
import { formEncode } from './encoding.js';
import { Int64Digits, writeJson } from './json.js';
import type { OperationSpec } from './contract.js';
import { issuesOf } from './validate.js';

/**
 * The input as the operation takes it (int64s as their exact digits), or a RequestValidationError
 * naming every field that is wrong: the schema's issues, a batch outside its bound, a string that
 * is not well-formed Unicode.
 */
export function checkInput(operation: OperationSpec, input: unknown): Record<string, unknown> {
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
  malformedStrings(data, [], malformed);
  if (malformed.length) {
    throw new RequestValidationError({
      operation: operation.operationId,
      issues: malformed.map((path) => ({ path, message: 'must be well-formed Unicode' })),
    });
  }
  return data;
}

/** What the signer signs, less the operation and the base URL: path, query pairs, body. */
export interface WireForm {
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
}

/** The checked input in the operation's wire form: a query, a form body or a JSON body. */
export function wireForm(operation: OperationSpec, data: Record<string, unknown>): WireForm {
  const { path, rest } = fillPath(operation, data);
  if (operation.request.in === 'query') return { path, query: pairsOf(rest), body: undefined, contentType: undefined };
  if (operation.request.encoding === 'form') return { path, query: [], body: formEncode(pairsOf(data)), contentType: 'application/x-www-form-urlencoded' };
  // int64 fields as their exact digits (Int64Digits from the validator).
  return { path, query: [], body: writeJson(data), contentType: 'application/json' };
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

// In a `u` regex a surrogate pair is one code point: only a lone surrogate is of category Cs.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Adds to `out` the dotted path of every string in `value` that is not well-formed UTF-16. An
 * int64's digits are checked already: a 200-id Volcengine batch is walked in 5 µs, where
 * JSON.stringify of it, to scan the text for an escaped surrogate, took 19.
 */
function malformedStrings(value: unknown, path: string[], out: string[]): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) out.push(path.join('.'));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Int64Digits)) {
    for (const key in value) {
      path.push(key);
      malformedStrings((value as Record<string, unknown>)[key], path, out);
      path.pop();
    }
  }
}
