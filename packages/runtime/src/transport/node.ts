// Node's default transport: node:http(s) with keep-alive. Global fetch costs about 200 µs more CPU
// per call on Node 20 (undici's Request, Headers, AbortSignal and stream plumbing); the vendors'
// own SDKs use node:http too. A caller's `fetch` option still replaces it.
//
// Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read by proxy-from-env (axios's reader, curl's
// rules), and the tunnel is https-proxy-agent's CONNECT (the proxy-agents family npm and
// Playwright rely on), rather than a CONNECT client of our own.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, type Gunzip } from 'node:zlib';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { ConfigurationError } from '../errors.js';
import { ResponseTooLarge, TransportTimeout, type HttpResponse, type Transport } from './types.js';

let agents: { http: HttpAgent; https: HttpsAgent } | undefined;
/** One keep-alive tunnel agent per proxy URL, shared by every client of the process. */
const proxyAgents = new Map<string, HttpsProxyAgent<string>>();

/**
 * The transport for a client's `proxy` option: a URL, `false` (never a proxy), or the environment's
 * choice for each request's URL (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case).
 */
export function transportFor(vendor: string, proxy: string | false | undefined): Transport {
  if (proxy === undefined) {
    // The environment's choice, read once per origin by each client: every process.env read
    // crosses into C++, and a call's CPU is what the comparison with the vendors' SDKs counts.
    const byOrigin = new Map<string, string>();
    return (request) => send(request, undefined, byOrigin);
  }
  if (proxy === false) return (request) => send(request, false);
  let url: URL | undefined;
  try {
    url = new URL(proxy);
  } catch {}
  // The value itself is not quoted: it may hold the proxy's password.
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new ConfigurationError(`${vendor}: proxy must be an http:// or https:// URL`);
  return (request) => send(request, proxy);
}

/**
 * Failures another attempt cannot mend, so none is made: a certificate that fails verification
 * (self-signed, expired or not yet valid, for another name, from an unknown issuer, revoked) stays
 * so for the call's lifetime, `ENOTFOUND` is the resolver's definite answer that the name does not
 * exist, and a proxy that refused the tunnel with a 4xx (407: its credentials) will again.
 * `EAI_AGAIN` (the resolver did not answer in time) is transient and retried, as are refusals,
 * resets and a proxy's 5xx.
 */
const FINAL_CONNECTION_CODES = new Set([
  'ENOTFOUND',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export const isFinalConnectionCode = (code: string): boolean => FINAL_CONNECTION_CODES.has(code) || /^PROXY_4\d\d$/.test(code);

/** A failure on the way through a proxy: its code (`PROXY_407`, or the system's) and the proxy's host, never its credentials. */
class ProxyFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly via: string,
  ) {
    super(message);
  }
}

function send(request: Parameters<Transport>[0], proxy: string | false | undefined, environmentProxies?: Map<string, string>): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    agents ??= { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    let proxyUrl = proxy === false ? '' : proxy;
    if (proxyUrl === undefined) {
      proxyUrl = environmentProxies?.get(url.origin);
      if (proxyUrl === undefined) environmentProxies?.set(url.origin, (proxyUrl = getProxyForUrl(url)));
    }
    let agent: HttpAgent | HttpsProxyAgent<string> = secure ? agents.https : agents.http;
    let via: string | undefined;
    if (proxyUrl) {
      let tunnel = proxyAgents.get(proxyUrl);
      if (!tunnel) proxyAgents.set(proxyUrl, (tunnel = new HttpsProxyAgent(proxyUrl, { keepAlive: true })));
      agent = tunnel;
      via = tunnel.proxy.host;
    }
    // Compressed answers are asked for, as fetch asks, and decoded as they stream in.
    const headers: Record<string, string | number> = { 'accept-encoding': 'gzip, deflate, br', ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    // Plain options rather than the URL object: node:http converts a URL on every call.
    const outgoing = (secure ? httpsRequest : httpRequest)(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: request.method,
        headers,
        agent,
      },
      (incoming) => {
        // Decoded bytes, counted as they come: an answer without end, or a few compressed KB that
        // inflate to a GiB, stops at the cap instead of growing a string to V8's limit (which
        // throws from inside this listener and kills the process).
        const decoder = decoderFor(incoming.headers['content-encoding']);
        const body: Readable = decoder ? incoming.pipe(decoder) : incoming;
        if (decoder) stopBody = () => decoder.destroy();
        const chunks: Buffer[] = [];
        let size = 0;
        body.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxResponseBytes) stop(new ResponseTooLarge(incoming.statusCode ?? 0));
          else chunks.push(chunk);
        });
        incoming.on('error', reject);
        decoder?.on('error', reject);
        incoming.on('aborted', () => reject(new Error('the answer was cut off')));
        body.on('end', () => {
          const raw = incoming.headers;
          const decoded = Buffer.concat(chunks, Math.min(size, request.maxResponseBytes)).toString('utf8');
          // A UTF-8 byte order mark goes, as fetch's decoder drops it: the same answer either way.
          const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
          // The chunks go as soon as they are read (see HttpResponse.text): these listeners can
          // outlive the exchange in V8's old generation, and the socket's buffers with them.
          chunks.length = 0;
          resolve({
            status: incoming.statusCode ?? 0,
            header: (name) => {
              const value = raw[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
            },
            text,
          });
        });
      },
    );
    // A plain timer and the caller's signal, if any: cheaper than an AbortController per call. The
    // timer covers the whole exchange, body included; destroying the request rejects with the reason.
    let stopBody: (() => void) | undefined;
    const stop = (reason: Error) => {
      reject(reason);
      // Destroyed without the reason: the promise has it, and a socket given an error emits it on
      // the next tick, when it may already be back in the agent's pool with no 'error' listener
      // (an over-cap answer that arrived whole), which crashes the process.
      outgoing.destroy();
      // A decoder holds what it inflated from input already read: it stops too.
      stopBody?.();
    };
    const timer = setTimeout(() => stop(new TransportTimeout()), request.timeoutMs);
    const onAbort = () => stop(request.signal!.reason instanceof Error ? request.signal!.reason : new Error('aborted'));
    if (via !== undefined) {
      // The proxy's answer to CONNECT: anything but 200 is its refusal (the agent would replay it as
      // if the vendor had answered), and a failure to reach it names it.
      (outgoing as ClientRequest).once('proxyConnect', ({ statusCode, statusText }: { statusCode: number; statusText: string }) => {
        if (statusCode !== 200) stop(new ProxyFailure(`the proxy refused the tunnel: ${statusCode} ${statusText}`, `PROXY_${statusCode}`, via!));
      });
      outgoing.on('error', (error: Error & { code?: string }) =>
        reject(error instanceof ProxyFailure || error instanceof TransportTimeout ? error : Object.assign(error, { via })),
      );
    } else outgoing.on('error', reject);
    outgoing.once('close', () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    });
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.end(request.body);
  });
}

/** The decoder of a `Content-Encoding` fetch decodes too (gzip, deflate, br); none for identity or one it does not know. */
function decoderFor(encoding: string | undefined): Gunzip | ReturnType<typeof createInflate> | ReturnType<typeof createBrotliDecompress> | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}
