// The Node transport on its own: bytes out, status/headers/text back, deadline, caller abort, refusal.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTransport } from '../../src/transport/node.js';
import { TransportTimeout } from '../../src/transport/types.js';

let server: Server;
let url: string;
const seen: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 500);
      res.writeHead(201, 'Made', { 'x-request-id': 'abc', 'content-type': 'application/json' });
      res.end('{"é":1}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('node transport', () => {
  it('sends the exact method, path, query, headers and UTF-8 body, and reads the answer', async () => {
    const response = await defaultTransport({
      url: `${url}/a/b?x=1&y=%20`,
      method: 'POST',
      headers: { 'x-acs-action': 'Z', 'content-type': 'text/plain' },
      body: 'héllo',
      signal: undefined,
      timeoutMs: 2000,
    });
    expect(response).toMatchObject({ status: 201, statusText: 'Made', text: '{"é":1}' });
    expect(response.header('X-Request-Id')).toBe('abc');
    expect(response.header('missing')).toBeNull();
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/a/b?x=1&y=%20', body: 'héllo' });
    expect(seen.at(-1)!.headers).toMatchObject({ 'x-acs-action': 'Z', 'content-length': String(Buffer.byteLength('héllo')) });
  });

  it('rejects with TransportTimeout past the deadline', async () => {
    await expect(
      defaultTransport({ url: `${url}/slow`, method: 'GET', headers: {}, body: undefined, signal: undefined, timeoutMs: 50 }),
    ).rejects.toBeInstanceOf(TransportTimeout);
  });

  it("rejects with the caller's reason on abort", async () => {
    const controller = new AbortController();
    const reason = new Error('caller');
    const pending = defaultTransport({ url: `${url}/slow`, method: 'GET', headers: {}, body: undefined, signal: controller.signal, timeoutMs: 5000 });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects with the system error when nothing listens', async () => {
    await expect(
      defaultTransport({ url: 'http://127.0.0.1:1/', method: 'GET', headers: {}, body: undefined, signal: undefined, timeoutMs: 2000 }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
