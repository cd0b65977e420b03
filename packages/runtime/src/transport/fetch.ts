import { ConfigurationError } from '../errors.js';
import { ResponseTooLarge, TransportTimeout, type HttpResponse, type Transport } from './types.js';

/**
 * The transport over any WHATWG `fetch` (the caller's, or the runtime's). The deadline is a race
 * against our own timer, not only a signal handed to fetch: a Request's signal can stop following its
 * parent once the Request is garbage-collected (Node/undici), and a `fetch` option may ignore signals.
 */
/** The reason a finished exchange's controller is aborted with (no per-call DOMException). */
const DONE = new Error('exchange finished');

export function fetchTransport(fetchImpl: (request: Request) => Promise<Response>): Transport {
  return async (request) => {
    const controller = new AbortController();
    const stop = (reason: unknown) => controller.abort(reason);
    const timer = setTimeout(() => stop(new TransportTimeout()), request.timeoutMs);
    const onAbort = () => stop(request.signal!.reason);
    // Settles when the controller aborts, whether or not fetch (or the body) notices. Made before
    // the caller's signal is looked at: a signal aborted already stops the exchange through it too
    // (a `fetch` option that ignores signals would otherwise answer an aborted call).
    const stopped = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason)));
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort);
    const exchange = async (): Promise<HttpResponse> => {
      const response = await fetchImpl(
        // Redirects are not followed: the engine refuses them (the request's credentials are for this origin).
        new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          signal: controller.signal,
          redirect: 'manual',
        }),
      );
      // Read chunk by chunk, so that an answer without end stops at the cap. (A reader, not
      // `for await`: Safari's streams are not async-iterable.)
      const reader = response.body?.getReader();
      // The (decoded) bytes kept as they come and made text once: a string grown chunk by chunk leaves
      // a copy of what it held behind at every step, which a decompression bomb fills up to the cap.
      const parts: Uint8Array[] = [];
      let size = 0;
      for (let read; reader && !(read = await reader.read()).done; ) {
        size += read.value.byteLength;
        if (size > request.maxResponseBytes) throw new ResponseTooLarge(response.status);
        parts.push(read.value);
      }
      let bytes = parts[0] ?? new Uint8Array(0);
      if (parts.length > 1) {
        bytes = new Uint8Array(size);
        let at = 0;
        for (const part of parts) {
          bytes.set(part, at);
          at += part.byteLength;
        }
      }
      parts.length = 0;
      return { status: response.status, header: (name) => response.headers.get(name), text: new TextDecoder().decode(bytes) };
    };
    try {
      return await Promise.race([exchange(), stopped]);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      // Whatever lost the race (or a body left unread) stops here.
      stopped.catch(() => {});
      if (!controller.signal.aborted) controller.abort(DONE);
    }
  };
}

/** Everywhere but Node: the runtime's own fetch. */
export const defaultTransport: Transport = fetchTransport((request) => globalThis.fetch(request));

/** The transport for a client's `proxy` option: outside Node, a runtime's fetch picks its own proxy. */
export function transportFor(vendor: string, proxy: string | false | undefined): Transport {
  if (proxy) throw new ConfigurationError(`${vendor}: proxy is for Node's transport; here fetch chooses`);
  return defaultTransport;
}

/** Outside Node, fetch's failures carry no system or TLS codes: none is known to be final. */
export const isFinalConnectionCode = (_code: string): boolean => false;
