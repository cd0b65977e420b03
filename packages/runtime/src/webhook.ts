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
  return checkWebhookValue(vendor, value, schema);
}

/** A verified callback's value (the body, or a part of it, at `where`) checked against `schema`. */
export function checkWebhookValue(vendor: string, value: unknown, schema: Schema, where = ''): Record<string, unknown> {
  const checked = schema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const path = [where, ...issue.path.map(String)].filter(Boolean).join('.');
    throw new WebhookVerificationError(vendor, 'malformed-body', `${path || 'the body'}: ${issue.message}`);
  }
  return checked.data as Record<string, unknown>;
}

/** What a receiver answers: the vendor's required reply, or a refusal. */
export interface WebhookReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Bodies over this are refused before they are read: every vendor's callback is a few KB. */
export const DEFAULT_MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookReceiverOptions<Event> {
  /** The vendor's verifier, with its secret bound (e.g. `(input) => verifyAgoraWebhook(input, { secret })`). */
  verify: (input: WebhookInput) => Promise<Event>;
  /** What the vendor must be answered once the event is taken (each package's `…WebhookReply`). */
  reply: WebhookReply;
  /**
   * Takes each verified event. When it throws (a store that is away), the vendor is answered 503,
   * and a vendor that retries (Agora, Volcengine) sends the event again.
   */
  onEvent: (event: Event) => void | Promise<void>;
  /** Told of each refused callback, with the refusal (no secret in it). */
  onRefused?: (error: WebhookVerificationError) => void;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
}

/** One callback as any server hands it over: its bytes are read only when asked, up to a cap. */
export interface ReceivedCallback {
  method: string;
  url: string;
  headers: WebhookHeaders;
  /** The body, read up to `maxBytes`; `undefined` when it is longer (the rest is never read). */
  readBody(maxBytes: number): Promise<Uint8Array | undefined>;
}

const text = (status: number, body: string): WebhookReply => ({ status, contentType: 'text/plain; charset=utf-8', body });

/** The core every adapter shares: refuse, verify, hand the event over, answer as the vendor requires. */
export async function receiveWebhook<Event>(callback: ReceivedCallback, options: WebhookReceiverOptions<Event>): Promise<WebhookReply> {
  if (callback.method !== 'POST') return text(405, 'callbacks are POSTed');
  const max = options.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BYTES;
  const stated = Number(webhookHeader(callback.headers, 'content-length') ?? Number.NaN);
  const body = stated > max ? undefined : await callback.readBody(max);
  if (body === undefined) return text(413, `callbacks are at most ${max} bytes`);
  let event: Event;
  try {
    event = await options.verify({ body, headers: callback.headers, url: callback.url });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    options.onRefused?.(error);
    return text(error.reason === 'malformed-body' ? 400 : 401, error.reason);
  }
  try {
    await options.onEvent(event);
  } catch {
    // Not taken: the vendor retries what it was not answered 200 for.
    return text(503, 'the event was not taken; send it again');
  }
  return options.reply;
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const body = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.byteLength;
  }
  return body;
}

/** Reads a stream's chunks up to `maxBytes`; `undefined` once over (the caller stops the stream). */
async function readCapped(chunks: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<Uint8Array | undefined> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let read = await chunks.read(); !read.done; read = await chunks.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) return undefined;
    parts.push(read.value);
  }
  return concat(parts, size);
}

/**
 * A fetch-style handler (`Request` → `Response`): Workers, Deno, Bun, Hono, and Node's own
 * `Request`. `handler(request)` answers every callback as the vendor requires.
 */
export function webhookHandler<Event>(options: WebhookReceiverOptions<Event>): (request: Request) => Promise<Response> {
  return async (request) => {
    const reply = await receiveWebhook(
      {
        method: request.method,
        url: request.url,
        headers: request.headers,
        readBody: async (max) => {
          if (!request.body) return new Uint8Array();
          const reader = request.body.getReader();
          const body = await readCapped(reader, max);
          if (body === undefined) await reader.cancel().catch(() => undefined);
          return body;
        },
      },
      options,
    );
    return new Response(reply.body, { status: reply.status, headers: { 'content-type': reply.contentType } });
  };
}

/** node:http's request and response, as far as the adapter needs them (no node import here). */
interface NodeRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface NodeResponse {
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(body: string): unknown;
}

/** A `node:http` (and Express, Fastify's raw) request listener: `createServer(webhookListener({ … }))`. */
export function webhookListener<Event>(options: WebhookReceiverOptions<Event>): (request: NodeRequest, response: NodeResponse) => Promise<void> {
  return async (request, response) => {
    let reply: WebhookReply;
    try {
      reply = await receiveWebhook(
        {
          method: request.method ?? 'GET',
          url: request.url ?? '/',
          headers: request.headers,
          // Past the cap the rest is drained, not kept: the answer can still be written, and the
          // connection stays usable for the vendor's next callback.
          readBody: (max) =>
            new Promise<Uint8Array | undefined>((resolve, reject) => {
              const parts: Uint8Array[] = [];
              let size = 0;
              request.on('data', (chunk) => {
                size += chunk.byteLength;
                if (size > max) resolve(undefined);
                else parts.push(chunk);
              });
              request.on('end', () => resolve(size > max ? undefined : concat(parts, size)));
              request.on('error', reject);
            }),
        },
        options,
      );
    } catch {
      reply = text(500, 'the callback could not be read');
    }
    response.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': utf8(reply.body).byteLength });
    response.end(reply.body);
  };
}
