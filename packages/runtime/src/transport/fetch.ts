import { TransportTimeout, type HttpResponse, type Transport } from './types.js';

/** The transport over any WHATWG `fetch` (the caller's, or the runtime's). */
export function fetchTransport(fetchImpl: (request: Request) => Promise<Response>): Transport {
  return async (request) => {
    const deadline = new AbortController();
    // fetch rejects with the abort reason (WHATWG), so the deadline surfaces as TransportTimeout.
    const timer = setTimeout(() => deadline.abort(new TransportTimeout()), request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
    try {
      const response = await fetchImpl(new Request(request.url, { method: request.method, headers: request.headers, body: request.body ?? null, signal }));
      const text = await response.text();
      const result: HttpResponse = {
        status: response.status,
        statusText: response.statusText,
        header: (name) => response.headers.get(name),
        text,
      };
      return result;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Everywhere but Node: the runtime's own fetch. */
export const defaultTransport: Transport = fetchTransport((request) => globalThis.fetch(request));
