// The emulator accepts what the vendors' own SDKs signed (the signing vectors, sent byte for byte as
// those SDKs sent them) and rejects each of them with one byte changed.
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import volc from '../../volcengine-rtc/test/fixtures/volcengine-vectors.json' with { type: 'json' };
import ali from '../../aliyun-live/test/fixtures/alibaba-vectors.json' with { type: 'json' };
import tencent from '../../tencent-live/test/fixtures/tencent-vectors.json' with { type: 'json' };
import { DEMO_CREDENTIALS, startEmulator, type EmulatorCredentials } from '../src/index.js';

const FROZEN = Date.parse(volc.fixedDate);

interface Wire {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

/** Sends exactly these bytes (node:http keeps the Host header the SDK signed). */
async function send(base: string, wire: Wire): Promise<{ status: number; body: any }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: wire.method,
        path: wire.path,
        headers: { ...wire.headers, ...(wire.body ? { 'content-length': Buffer.byteLength(wire.body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      },
    );
    req.on('error', reject);
    req.end(wire.body ?? undefined);
  });
}

/** One byte changed where the signature covers it: the body if there is one, else a query value. */
function mutate(wire: Wire): Wire {
  if (wire.body) {
    const i = Math.floor(wire.body.length / 2);
    const c = wire.body[i] === 'a' ? 'b' : 'a';
    return { ...wire, body: wire.body.slice(0, i) + c + wire.body.slice(i + 1) };
  }
  // The last query value (a signed parameter, or V1's Signature itself).
  const i = wire.path.lastIndexOf('=') + 1;
  const c = wire.path[i] === 'a' ? 'b' : 'a';
  return { ...wire, path: wire.path.slice(0, i) + c + wire.path.slice(i + 1) };
}

async function withEmulator<T>(credentials: Partial<EmulatorCredentials>, fn: (url: string) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ credentials: { ...DEMO_CREDENTIALS, ...credentials }, now: () => FROZEN, qps: 'off' });
  try {
    return await fn(emulator.url);
  } finally {
    await emulator.close();
  }
}

const VOLC_AUTH = ['SignatureDoesNotMatch', 'InvalidAccessKey', 'InvalidTimestamp', 'MissingRequestInfo'];
const ALI_AUTH = ['SignatureDoesNotMatch', 'InvalidAccessKeyId.NotFound', 'InvalidTimeStamp.Expired', 'IncompleteSignature', 'SignatureNonceUsed'];

function volcWire(c: (typeof volc.cases)[number]): Wire {
  if ('wire' in c && c.wire) {
    const url = new URL(c.wire.url);
    return { method: c.wire.method, path: url.pathname + url.search, headers: c.wire.headers as Record<string, string>, body: c.wire.body ?? null };
  }
  const request = (c.input as any).request;
  const query = new URLSearchParams(request.params).toString().replace(/\+/g, '%20');
  return {
    method: request.method,
    path: `${request.pathname}?${query}`,
    headers: c.expected.headersAfterSigning as unknown as Record<string, string>,
    body: request.body ?? null,
  };
}

describe('Volcengine vectors', () => {
  it.each(volc.cases.map((c) => [c.name, c] as const))('%s: accepted as signed, rejected with one byte changed', async (_n, c) => {
    const input = c.input as any;
    const creds = { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey };
    await withEmulator({ volcengine: creds }, async (url) => {
      const wire = volcWire(c);
      const original = await send(url, wire);
      expect(VOLC_AUTH).not.toContain(original.body.ResponseMetadata?.Error?.Code);
      const changed = await send(url, mutate(wire));
      expect(changed).toMatchObject({ status: 401, body: { ResponseMetadata: { Error: { Code: 'SignatureDoesNotMatch' } } } });
    });
  });
});

function aliWire(c: any, direct: boolean): Wire {
  if (!direct) {
    const url = new URL(c.wire.url);
    return { method: c.wire.method, path: url.pathname + url.search, headers: c.wire.headers, body: c.wire.body ?? null };
  }
  if (c.input.headers) {
    const query = new URLSearchParams(c.input.query).toString().replace(/\+/g, '%20');
    return {
      method: c.input.method,
      path: `${c.input.pathname}${query ? `?${query}` : ''}`,
      headers: { ...c.input.headers, authorization: c.expected.authorization },
      body: c.input.body || null,
    };
  }
  const query = new URLSearchParams({ ...c.expected.flattenedParams, Signature: c.expected.signature }).toString().replace(/\+/g, '%20');
  return { method: c.input.method, path: `/?${query}`, headers: {}, body: null };
}

describe('Alibaba vectors', () => {
  const cases = [
    ...ali.v3.map((c) => [c.name, c, false] as const),
    ...ali.v1.map((c) => [c.name, c, false] as const),
    ...ali.v3Direct.map((c) => [c.name, c, true] as const),
    ...ali.v1Direct.map((c) => [c.name, c, true] as const),
  ];
  it.each(cases)('%s: accepted as signed, rejected with one byte changed', async (_n, c: any, direct) => {
    const accessKeyId = c.input.accessKeyId ?? c.input.params?.AccessKeyId;
    await withEmulator({ aliyun: { accessKeyId, accessKeySecret: c.input.accessKeySecret } }, async (url) => {
      const wire = aliWire(c, direct);
      const original = await send(url, wire);
      expect(ALI_AUTH).not.toContain(original.body.Code);
      const changed = await send(url, mutate(wire));
      expect(changed.body.Code).toBe('SignatureDoesNotMatch');
    });
  });
});

describe('Tencent vectors', () => {
  it.each(tencent.cases.map((c) => [c.name, c] as const))('%s: accepted as signed, rejected with one byte changed', async (_n, c) => {
    const identifier = String(c.input.args[0]);
    await withEmulator({ tencent: { sdkAppId: tencent.sdkappid, identifier, secretKey: tencent.key } }, async (url) => {
      const wireFor = (usersig: string): Wire => ({
        method: 'POST',
        path: `/v4/live_engine_http_srv/get_member_list?${new URLSearchParams({ sdkappid: String(tencent.sdkappid), identifier, usersig, random: '2849167392', contenttype: 'json' })}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ RoomId: 'no-such-room', Next: '' }),
      });
      const original = await send(url, wireFor(c.expected.userSig));
      // Authenticated: the answer is about the room, not the signature.
      expect(original.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 100004 });
      const sig = c.expected.userSig;
      const i = Math.floor(sig.length / 2);
      const changed = await send(url, wireFor(sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1)));
      expect([70003, 70009, 70013]).toContain(changed.body.ErrorCode);
    });
  });

  it('refuses a UserSig made for another identifier, and one that expired', async () => {
    await withEmulator({ tencent: { sdkAppId: tencent.sdkappid, identifier: 'administrator', secretKey: tencent.key } }, async (url) => {
      const negative = await send(url, {
        method: 'POST',
        path: `/v4/live_engine_http_srv/get_member_list?sdkappid=${tencent.sdkappid}&identifier=administrator&usersig=${tencent.negativeCase.userSig}&random=1&contenttype=json`,
        headers: {},
        body: '{"RoomId":"r","Next":""}',
      });
      expect([70009, 70013]).toContain(negative.body.ErrorCode);
    });
    const short = tencent.cases.find((c) => c.name === 'numeric_identifier_short_expiry')!;
    const emulator = await startEmulator({
      credentials: { ...DEMO_CREDENTIALS, tencent: { sdkAppId: tencent.sdkappid, identifier: '12345', secretKey: tencent.key } },
      now: () => FROZEN + 6000,
    });
    try {
      const expired = await send(emulator.url, {
        method: 'POST',
        path: `/v4/live_engine_http_srv/get_member_list?sdkappid=${tencent.sdkappid}&identifier=12345&usersig=${short.expected.userSig}&random=1&contenttype=json`,
        headers: {},
        body: '{"RoomId":"r","Next":""}',
      });
      expect(expired.body.ErrorCode).toBe(70001);
    } finally {
      await emulator.close();
    }
  });
});
