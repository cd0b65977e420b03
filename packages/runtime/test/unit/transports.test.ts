// Both transports (node:http, and fetch as the `fetch` option uses it) against a server that
// misbehaves the way networks do: bytes out, answers back, deadlines that hold (also through a GC),
// answers without end, trickles, resets mid-body, huge headers, no answer, caller aborts, refusal.
import { createServer, type Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendEndlessBody } from '@rollcall/test-support';
import { fetchTransport } from '../../src/transport/fetch.js';
import { transportFor } from '../../src/transport/node.js';

const nodeTransport = transportFor('test', undefined);
import { ResponseTooLarge, TransportTimeout, type HttpRequest, type Transport } from '../../src/transport/types.js';

// A real collection during a call: the case where a Request's signal stops following its parent.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let server: Server;
let url: string;
const seen: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];

const MiB = 1024 * 1024;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      switch (req.url) {
        case '/silent':
          return; // never answers
        case '/endless':
          return sendEndlessBody(res);
        case '/trickle': {
          res.writeHead(200);
          const timer = setInterval(() => res.write(' '), 20);
          return res.on('close', () => clearInterval(timer));
        }
        case '/reset':
          res.writeHead(200, { 'content-length': '1000' });
          res.write('{"partial":');
          return setTimeout(() => res.socket?.destroy(), 20);
        case '/huge-headers':
          res.writeHead(200, { 'x-big': 'b'.repeat(64 * 1024) });
          return res.end('{}');
        case '/stated-over-cap':
          res.writeHead(200, { 'content-length': '2048' });
          return res.end('x'.repeat(2048));
        case '/exactly-at-cap':
          res.writeHead(200);
          return res.end('x'.repeat(1024));
        default:
          res.writeHead(201, 'Made', { 'x-request-id': 'abc', 'content-type': 'application/json' });
          return res.end('{"é":1}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

const transports: Array<[string, Transport]> = [
  ['node:http', nodeTransport],
  ['fetch', fetchTransport((request) => fetch(request))],
  // The default build's: the runtime's own fetch given the URL and init, no race of our own.
  ["the runtime's fetch", fetchTransport((input, init) => fetch(input, init), true)],
];

const get = (path: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  url: `${url}${path}`,
  method: 'GET',
  headers: {},
  body: undefined,
  signal: undefined,
  timeoutMs: 2000,
  maxResponseBytes: MiB,
  ...extra,
});

// The fetch transports read an answer that states its length whole when it is within the cap;
// node:http counts it as it comes and stops the exchange while its socket may already be going
// back to the keep-alive pool (which once crashed the process: vitest fails on any unhandled error).
describe.each(transports)('%s transport, an answer of stated length', (_name, transport) => {
  it('over the cap: ResponseTooLarge, never read whole, call after call on kept-alive sockets', async () => {
    for (let call = 0; call < 20; call++) {
      await expect(transport(get('/stated-over-cap', { maxResponseBytes: 1024 }))).rejects.toBeInstanceOf(ResponseTooLarge);
    }
    // Any error emitted late by a destroyed socket lands within a few ticks.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});

describe.each(transports)('%s transport', (_name, transport) => {
  it('sends the exact method, path, query, headers and UTF-8 body, and reads the answer', async () => {
    const response = await transport({
      ...get('/a/b?x=1&y=%20'),
      method: 'POST',
      headers: { 'x-acs-action': 'Z', 'content-type': 'text/plain' },
      body: 'héllo',
    });
    expect(response).toMatchObject({ status: 201, text: '{"é":1}' });
    expect(response.header('X-Request-Id')).toBe('abc');
    expect(response.header('missing')).toBeNull();
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/a/b?x=1&y=%20', body: 'héllo' });
    expect(seen.at(-1)!.headers).toMatchObject({ 'x-acs-action': 'Z', 'content-length': String(Buffer.byteLength('héllo')) });
  });

  it('a server that never answers: TransportTimeout at the deadline', async () => {
    await expect(transport(get('/silent', { timeoutMs: 100 }))).rejects.toBeInstanceOf(TransportTimeout);
  });

  it('the deadline holds through a garbage collection during the call', async () => {
    const pending = transport(get('/silent', { timeoutMs: 300 }));
    await new Promise((r) => setTimeout(r, 50));
    gc();
    await expect(pending).rejects.toBeInstanceOf(TransportTimeout);
  });

  it('an answer without end: ResponseTooLarge at the cap, memory bounded', async () => {
    const error = await transport(get('/endless', { maxResponseBytes: 2 * MiB, timeoutMs: 60_000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLarge);
    expect(error).toMatchObject({ status: 200 });
  });

  it('an answer of exactly the cap is read whole', async () => {
    const response = await transport(get('/exactly-at-cap', { maxResponseBytes: 1024 }));
    expect(response.text).toHaveLength(1024);
  });

  it('a body that trickles past the deadline: TransportTimeout (the deadline covers the body)', async () => {
    await expect(transport(get('/trickle', { timeoutMs: 200 }))).rejects.toBeInstanceOf(TransportTimeout);
  });

  it('a connection reset mid-body rejects (never a partial answer)', async () => {
    const error = await transport(get('/reset')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TransportTimeout);
  });

  it('huge headers reject with an error, not a crash', async () => {
    await expect(transport(get('/huge-headers'))).rejects.toBeInstanceOf(Error);
  });

  it("rejects with the caller's reason on abort", async () => {
    const controller = new AbortController();
    const reason = new Error('caller');
    const pending = transport(get('/silent', { signal: controller.signal, timeoutMs: 5000 }));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects with the system error when nothing listens', async () => {
    // A port that was free a moment ago (fetch refuses well-known "bad" ports such as 1 outright).
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((r) => probe.close(() => r()));
    const error = (await transport(get('/', { url: `http://127.0.0.1:${port}/` })).catch((e: unknown) => e)) as { code?: string; cause?: { code?: string } };
    expect(error.code ?? error.cause?.code).toBe('ECONNREFUSED');
  });
});
