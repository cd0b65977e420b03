// The receiver around a verifier (issue 23): the same callbacks through the fetch-style handler and
// through a real node:http server — answered as the vendor requires, refused with a status that says
// why, a body over the limit refused before it is read whole, an event not taken answered so that the
// vendor sends it again.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgoraChannelEvent, type AgoraUnknownEvent, agoraWebhookReply, verifyAgoraWebhook, webhookHandler, webhookListener } from '../../src/index.js';

const SECRET = 'ncs-secret-7f3a9c';
const MAX = 4096;
const join = JSON.stringify({
  noticeId: '2000001428:4330:105',
  productId: 1,
  eventType: 105,
  notifyMs: 1_764_900_000_123,
  payload: { channelName: 'live-1', uid: 4_294_967_295, platform: 7, clientSeq: 1_625_051_030_746, ts: 1_764_899_999 },
});
const signature = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

type Event = AgoraChannelEvent | AgoraUnknownEvent;
const taken: Event[] = [];
let failing = false;
const options = {
  verify: (input: Parameters<typeof verifyAgoraWebhook>[0]) => verifyAgoraWebhook(input, { secret: SECRET }),
  reply: agoraWebhookReply,
  onEvent: (event: Event) => {
    if (failing) throw new Error('the store is away');
    taken.push(event);
  },
  maxBodyBytes: MAX,
};

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer(webhookListener(options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/agora/ncs`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const handler = webhookHandler(options);
const viaFetchHandler = async (init: RequestInit) => handler(new Request('https://receiver.example/agora/ncs', init));
const viaNodeServer = (init: RequestInit) => fetch(url, init);

describe.each([
  ['fetch handler', viaFetchHandler],
  ['node:http listener', viaNodeServer],
])('the %s', (_name, send) => {
  it('a verified callback: the event taken, and the answer Agora requires', async () => {
    taken.length = 0;
    const response = await send({ method: 'POST', body: join, headers: { 'agora-signature-v2': signature(join), 'content-type': 'application/json' } });
    expect({ status: response.status, type: response.headers.get('content-type'), body: await response.text() }).toEqual({
      status: 200,
      type: 'application/json',
      body: '{}',
    });
    expect(taken.map((event) => [event.type, 'uid' in event ? event.uid : undefined])).toEqual([['audience-joined', 4_294_967_295]]);
  });

  it('a forged callback: 401, nothing taken; a malformed one, 400', async () => {
    taken.length = 0;
    const forged = await send({ method: 'POST', body: join.replace('live-1', 'live-2'), headers: { 'agora-signature-v2': signature(join) } });
    expect([forged.status, await forged.text()]).toEqual([401, 'bad-signature']);
    const malformed = await send({ method: 'POST', body: '[]', headers: { 'agora-signature-v2': signature('[]') } });
    expect([malformed.status, await malformed.text()]).toEqual([400, 'malformed-body']);
    expect(taken).toEqual([]);
  });

  it('a body over the limit: 413, stated or streamed; then the next callback is answered', async () => {
    const big = `{"pad":"${'x'.repeat(MAX)}"}`;
    const stated = await send({ method: 'POST', body: big, headers: { 'agora-signature-v2': signature(big) } });
    expect(stated.status).toBe(413);
    await stated.text();
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const streamed = await send({ method: 'POST', body: chunks, duplex: 'half', headers: { 'agora-signature-v2': signature('x') } } as RequestInit);
    expect(streamed.status).toBe(413);
    await streamed.text();
    const next = await send({ method: 'POST', body: join, headers: { 'agora-signature-v2': signature(join) } });
    expect(next.status).toBe(200);
  });

  it('an event the receiver could not take: 503, so that Agora sends it again', async () => {
    failing = true;
    try {
      const response = await send({ method: 'POST', body: join, headers: { 'agora-signature-v2': signature(join) } });
      expect(response.status).toBe(503);
    } finally {
      failing = false;
    }
  });

  it('anything but a POST: 405', async () => {
    expect((await send({ method: 'GET' })).status).toBe(405);
  });
});
