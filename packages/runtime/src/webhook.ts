// What every vendor's callback verifier shares: the raw body as bytes (a signature covers bytes,
// not a re-serialised object), headers from a fetch `Headers` or a node:http record, a comparison
// that takes the same time wherever two digests differ, and the answer read into the event the
// vendor's table describes. Each vendor package adds only what its vendor signs and how.
import { WebhookVerificationError } from './errors.js';
import { readJson } from './json.js';
import { fromUtf8, utf8 } from './encoding.js';
import type { Schema } from './validate.js';

/** The callback's headers: a fetch `Headers`, or node:http's `IncomingHttpHeaders` (lower-case names). */
export type WebhookHeaders = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/** What a verifier is given: the body exactly as received, its headers, and the URL's query. */
export interface WebhookInput {
  /** The raw body, as received: bytes, or the string they decode to as UTF-8. */
  body: string | Uint8Array;
  headers?: WebhookHeaders | undefined;
  /** The request URL (or its query string), for vendors that put metadata there. */
  url?: string | URL | undefined;
}

/** A header's value, whatever form the headers came in; `undefined` when absent. */
export function webhookHeader(headers: WebhookHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const value = record[name.toLowerCase()] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(value) ? value.join(', ') : (value as string | undefined);
}

export function webhookBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? utf8(body) : body;
}

/**
 * Whether two digests are the same, in time that depends on their length only: where they first
 * differ is not told by how long the answer took. Hex is compared without regard to case.
 */
export function digestsEqual(expected: string, given: string): boolean {
  const a = expected.toLowerCase();
  const b = given.trim().toLowerCase();
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ (b.charCodeAt(i) || 0);
  return difference === 0;
}

/** The body, verified already, read as JSON (exact int64s) and checked against `schema`. */
export function readWebhookBody(vendor: string, body: string | Uint8Array, schema: Schema): Record<string, unknown> {
  let value: unknown;
  try {
    value = readJson(typeof body === 'string' ? body : fromUtf8(body));
  } catch {
    throw new WebhookVerificationError(vendor, 'malformed-body', 'the body is not JSON');
  }
  const checked = schema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new WebhookVerificationError(vendor, 'malformed-body', `${issue.path.join('.') || 'the body'}: ${issue.message}`);
  }
  return checked.data as Record<string, unknown>;
}
