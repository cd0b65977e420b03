/** One HTTP exchange, as the engine needs it: the exact bytes out, the status, headers and text back. */
export interface HttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** The caller's signal, if any: aborting it rejects with its reason. */
  readonly signal: AbortSignal | undefined;
  /** Deadline for the whole exchange, body included; past it the transport rejects with `TransportTimeout`. */
  readonly timeoutMs: number;
  /** The most body bytes read; past it the transport stops reading and rejects with `ResponseTooLarge`. */
  readonly maxResponseBytes: number;
}

export interface HttpResponse {
  readonly status: number;
  header(name: string): string | null;
  /**
   * The body. The engine takes it out (leaving '') as it reads it, and transports drop what they
   * read it from: a response object that lived through a young-generation collection sits in
   * V8's old generation until the next major one, and everything it still points to with it. At a
   * thousand answers a second those texts and buffers were up to ~130 MB of a million-id
   * lookup's peak.
   */
  text: string;
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** What a transport rejects with when `timeoutMs` ran out (the engine turns it into TimeoutError). */
export class TransportTimeout extends Error {}

/** What a transport rejects with when the body outgrew `maxResponseBytes` (the answer's status). */
export class ResponseTooLarge extends Error {
  constructor(readonly status: number) {
    super();
  }
}
