import { ConfigurationError } from '../errors.js';
import { ResponseTooLarge, TransportTimeout, type HttpResponse, type Transport } from './types.js';

/**
 * The transport over any WHATWG `fetch` (the caller's, or the runtime's). The deadline is a race
 * against our own timer, not only a signal handed to fetch: a Request's signal can stop following its
 * parent once the Request is garbage-collected (Node/undici), and a `fetch` option may ignore signals.
 */
/** The reason a finished exchange's controller is aborted with (no per-call DOMException). */
const DONE = new Error('exchange finished');

/**
 * `fetchImpl` is given a Request (a `fetch` option's contract), or with `plain` the URL and init:
 * the runtime's own fetch makes its Request itself, and one made here too cost workerd 50–80 µs of
 * CPU per call (bench/compare/workerd.ts).
 */
export function fetchTransport(fetchImpl: (request: Request | string, init?: RequestInit) => Promise<Response>, plain = false): Transport {
  return async (request) => {
    const controller = new AbortController();
    const stop = (reason: unknown) => controller.abort(reason);
    const timer = setTimeout(() => stop(new TransportTimeout()), request.timeoutMs);
    const onAbort = () => stop(request.signal!.reason);
    // Settles when the controller aborts, whether or not fetch (or the body) notices. Made before
    // the caller's signal is looked at: a signal aborted already stops the exchange through it too
    // (a `fetch` option that ignores signals would otherwise answer an aborted call).
    // (The runtime's own fetch rejects with the signal's reason itself, body included: no race.)
    const stopped = plain ? undefined : new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason)));
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort);
    let finished = false;
    const exchange = async (): Promise<HttpResponse> => {
      // Redirects are not followed: the engine refuses them (the request's credentials are for this origin).
      const init: RequestInit = { method: request.method, headers: request.headers, body: request.body ?? null, signal: controller.signal, redirect: 'manual' };
      const response = await (plain ? fetchImpl(request.url, init) : fetchImpl(new Request(request.url, init)));
      const header = (name: string) => response.headers.get(name);
      // An answer that says its length, as sent (no content-encoding, whose length is the compressed
      // one), within the cap: read whole (a tenth of the CPU of a call in workerd, against the reader).
      const length = Number(header('content-length') ?? Number.NaN);
      let text: string;
      if (!header('content-encoding') && length <= request.maxResponseBytes) text = await response.text();
      else {
        // Otherwise chunk by chunk, so that an answer without end stops at the cap. (A reader, not
        // `for await`: Safari's streams are not async-iterable.) The (decoded) bytes are kept as they
        // come and made text once: a string grown chunk by chunk leaves a copy of what it held behind
        // at every step, which a decompression bomb fills up to the cap.
        const reader = response.body?.getReader();
        const parts: Uint8Array[] = [];
        let size = 0;
        for (let read; reader && !(read = await reader.read()).done; ) {
          size += read.value.byteLength;
          if (size > request.maxResponseBytes) throw new ResponseTooLarge(response.status);
          parts.push(read.value);
        }
        // One copy, decoded as UTF-8 (a byte order mark dropped, as fetch's text() drops it).
        text = await new Blob(parts as BlobPart[]).text();
        parts.length = 0;
      }
      finished = true;
      return { status: response.status, header, text };
    };
    try {
      return await (stopped ? Promise.race([exchange(), stopped]) : exchange());
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      // Whatever lost the race (or a body left unread) stops here; an answer read to its end has
      // nothing left to stop (aborting it anyway cost workerd a twelfth of a call's CPU).
      stopped?.catch(() => {});
      if (!finished && !controller.signal.aborted) controller.abort(DONE);
    }
  };
}

/** Everywhere but Node: the runtime's own fetch. */
export const defaultTransport: Transport = fetchTransport((url, init) => globalThis.fetch(url, init), true);

/** The transport for a client's `proxy` option: outside Node, a runtime's fetch picks its own proxy. */
export function transportFor(vendor: string, proxy: string | false | undefined): Transport {
  if (proxy) throw new ConfigurationError(`${vendor}: proxy works on Node only (here fetch chooses)`);
  return defaultTransport;
}

/** Outside Node, fetch's failures carry no system or TLS codes: none is known to be final. */
export const isFinalConnectionCode = (_code: string): boolean => false;
