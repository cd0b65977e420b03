// The engine on its own: a fake signer and a stub fetch, no vendor. What every client relies on —
// checks before any network call, the wire form built from the table, a signature per attempt,
// answers read into results or typed errors, retries within the deadline — pinned here before the
// engine's code is moved (issue 24), so that the move can be shown to change nothing.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConnectionError,
  createClientMethods,
  InvalidParameterError,
  parseRetryAfter,
  RequestValidationError,
  ResponseTooLargeError,
  ResponseValidationError,
  schemaOf,
  ThrottledError,
  TimeoutError,
  VendorApiError,
  type CallOptions,
  type EngineOptions,
  type OperationSpec,
  type OutgoingRequest,
} from '../../src/index.js';
import { acmeVendor } from './fixtures/acme.js';

const vendor = acmeVendor({ throttled: ['Throttling*'], auth: ['InvalidSignature'], notFound: ['RoomNotFound'], invalidParameter: ['InvalidParam'] });

const answer = schemaOf(
  {
    t: 'o',
    p: { RequestId: { t: 's' }, Result: { t: 'o', p: { Online: { t: 'a', i: { t: 'l' } }, Total: { t: 'i' } }, r: ['Online'] } },
    r: ['RequestId'],
  },
  'answer',
);
const operations: Record<string, OperationSpec> = {
  lookup: {
    operationId: 'Lookup',
    method: 'POST',
    path: '/lookup',
    qps: 10,
    request: { in: 'body', encoding: 'json' },
    batch: { fields: ['UserIds'], max: 3 },
    retryableCodes: ['Throttling*', 'InternalError'],
    requestSchema: schemaOf({
      t: 'o',
      p: { RoomId: { t: 's', min: 1 }, UserIds: { t: 'a', i: { t: 'l' } }, Note: { t: 's' } },
      r: ['RoomId', 'UserIds'],
      x: false,
    }),
    responseSchema: answer,
  },
  list: {
    operationId: 'List',
    method: 'GET',
    path: '/rooms/{Room}/list',
    pathParams: ['Room'],
    qps: 10,
    request: { in: 'query', encoding: null },
    retryableCodes: [],
    requestSchema: schemaOf({ t: 'o', p: { Room: { t: 's' }, Tags: { t: 'a', i: { t: 's' } } }, r: ['Room'], x: false }),
    responseSchema: answer,
  },
  form: {
    operationId: 'Form',
    method: 'POST',
    path: '/form',
    qps: 10,
    request: { in: 'body', encoding: 'form' },
    retryableCodes: [],
    requestSchema: schemaOf({ t: 'o', p: { Room: { t: 's' }, Ids: { t: 'a', i: { t: 's' } } }, r: ['Room'], x: false }),
    responseSchema: answer,
  },
};

type Method = (input: unknown, options?: CallOptions) => Promise<Record<string, unknown> & { $metadata: Record<string, unknown> }>;
type Methods = { lookup: Method; list: Method; form: Method };

const OK = { RequestId: 'req-1', Result: { Online: [7226277271248584971n], Total: 1 } };
/** JSON as a vendor writes it: bigints as bare digits. */
const wire = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `#${v}#` : v)).replace(/"#(-?\d+)#"/g, '$1');

/** A client over a stub fetch answering from `answers` in turn (the last one repeats), recording what it was sent and signed. */
function harness(answers: Array<Response | Error | (() => Response | Promise<Response>)>, engineOptions: Partial<EngineOptions['options']> = {}) {
  const signed: OutgoingRequest[] = [];
  const sent: Array<{ url: string; method: string; headers: Headers; body: string }> = [];
  let signatures = 0;
  const fetch = async (request: Request) => {
    sent.push({ url: request.url, method: request.method, headers: request.headers, body: await request.text() });
    const next = answers[Math.min(sent.length - 1, answers.length - 1)]!;
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next.clone();
  };
  const client = createClientMethods<Methods>({
    vendor,
    operations,
    baseUrl: 'https://api.acme.example/',
    signer: {
      async sign(request) {
        signed.push(request);
        const signature = `sig-${++signatures}`;
        const query = request.query.length ? `?${new URLSearchParams(request.query as Array<[string, string]>)}` : '';
        return {
          url: `${request.baseUrl}${request.path}${query}`,
          headers: { authorization: signature, ...(request.contentType && { 'content-type': request.contentType }) },
          body: request.body,
          secrets: [signature],
        };
      },
    },
    options: { fetch, retry: { baseDelayMs: 1, maxDelayMs: 50 }, ...engineOptions },
  });
  return { client, signed, sent };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : wire(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const vendorFailure = (status: number, code: string, message = 'it failed', headers: Record<string, string> = {}) =>
  json(status, { RequestId: 'req-err', Error: { Code: code, Message: message } }, headers);

describe('engine: before any network call', () => {
  it('refuses bad input with a RequestValidationError naming each field, and sends nothing', async () => {
    const { client, sent } = harness([json(200, OK)]);
    const error = await client.lookup({ RoomId: '', UserIds: ['007', 2n ** 64n], Extra: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues.map((i) => i.path)).toEqual(['RoomId', 'UserIds.0', 'UserIds.1', '']);
    expect(sent).toHaveLength(0);
  });

  it("refuses a batch beyond the table's bound, and an empty one", async () => {
    const { client, sent } = harness([json(200, OK)]);
    for (const UserIds of [[1, 2, 3, 4], []]) {
      const error = await client.lookup({ RoomId: 'r', UserIds }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).issues).toEqual([{ path: 'UserIds', message: `must hold 1 to 3 ids (got ${UserIds.length})` }]);
    }
    expect(sent).toHaveLength(0);
  });

  it('refuses a lone surrogate, naming the field, rather than send a changed id', async () => {
    const { client, sent } = harness([json(200, OK)]);
    const error = await client.lookup({ RoomId: 'r', UserIds: [1], Note: 'a\ud800b' }).catch((e: unknown) => e);
    expect((error as RequestValidationError).issues).toEqual([{ path: 'Note', message: 'must be well-formed Unicode' }]);
    expect(sent).toHaveLength(0);
  });

  it('names every string that is not well-formed beside int64 ids, and sends surrogate pairs as they are', async () => {
    const { client, sent } = harness([json(200, OK)]);
    const ids = [7226277271248584971n, '9223372036854775807'];
    const error = await client.lookup({ RoomId: '\udc00room', UserIds: ids, Note: 'x\ud800' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues).toEqual([
      { path: 'RoomId', message: 'must be well-formed Unicode' },
      { path: 'Note', message: 'must be well-formed Unicode' },
    ]);
    expect(sent).toHaveLength(0);
    await client.lookup({ RoomId: 'room 🎙', UserIds: ids, Note: '👋' });
    expect(sent.map((request) => request.body)).toEqual(['{"RoomId":"room 🎙","UserIds":[7226277271248584971,9223372036854775807],"Note":"👋"}']);
  });
});

describe('engine: the wire form', () => {
  it('JSON: the input as it was given, int64s as their exact digits', async () => {
    const { client, sent, signed } = harness([json(200, OK)]);
    await client.lookup({ RoomId: 'r', UserIds: ['7226277271248584971', 6812345671, -9223372036854775808n] });
    expect(sent[0]!.url).toBe('https://api.acme.example/lookup');
    expect(sent[0]!.body).toBe('{"RoomId":"r","UserIds":[7226277271248584971,6812345671,-9223372036854775808]}');
    expect(sent[0]!.headers.get('content-type')).toBe('application/json');
    // The signer saw the exact bytes that went out.
    expect(signed[0]).toMatchObject({ method: 'POST', baseUrl: 'https://api.acme.example', body: sent[0]!.body, contentType: 'application/json' });
  });

  it('query: path parameters percent-encoded into the path, the rest as pairs in input order (a list as one comma-separated value); form: pairs as the body', async () => {
    const { client, sent, signed } = harness([json(200, OK)]);
    await client.list({ Room: 'a b#%?', Tags: ['x', 'y'] });
    expect(signed[0]!.path).toBe('/rooms/a%20b%23%25%3F/list');
    expect(signed[0]!.query).toEqual([['Tags', 'x,y']]);
    expect(sent[0]!.url).toBe('https://api.acme.example/rooms/a%20b%23%25%3F/list?Tags=x%2Cy');
    expect(sent[0]!.body).toBe('');
    await client.form({ Room: 'r 1', Ids: ['a', 'b'] });
    expect(signed[1]).toMatchObject({ query: [], contentType: 'application/x-www-form-urlencoded' });
    expect(new URLSearchParams(sent[1]!.body).getAll('Ids')).toEqual(['a,b']);
  });
});

describe('engine: answers', () => {
  it("gives the result at the vendor's pointer, int64s as decimal strings, with $metadata", async () => {
    const { client } = harness([json(200, OK)]);
    const result = await client.lookup({ RoomId: 'r', UserIds: [1] });
    expect(result.Online).toEqual(['7226277271248584971']);
    expect(result.$metadata).toEqual({ requestId: 'req-1', httpStatus: 200, attempts: 1, retryDelayMs: 0 });
  });

  it("turns a vendor's failure into the error class of its kind, with its code, message and request id, redacted of the signature", async () => {
    const cases: Array<[Response, new (...args: never[]) => VendorApiError, string]> = [
      [vendorFailure(400, 'InvalidParam', 'bad sig-1 echoed'), InvalidParameterError, 'InvalidParam'],
      [vendorFailure(401, 'InvalidSignature'), AuthError, 'InvalidSignature'],
      // A code the table does not list: by status.
      [vendorFailure(429, 'SlowDown'), ThrottledError, 'SlowDown'],
      [vendorFailure(403, 'Forbidden'), AuthError, 'Forbidden'],
      // A failure in a 200 (the table's failureWhen).
      [vendorFailure(200, 'Whatever'), VendorApiError, 'Whatever'],
      // No envelope at all (a gateway's page).
      [new Response('<html>bad gateway</html>', { status: 502 }), VendorApiError, 'HTTP_502'],
    ];
    for (const [response, ErrorClass, code] of cases) {
      const { client } = harness([response], { retry: false });
      const error = (await client.lookup({ RoomId: 'r', UserIds: [1] }).catch((e: unknown) => e)) as VendorApiError;
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({ code, vendor: 'acme', operation: 'Lookup', httpStatus: response.status });
      expect(String(error.message)).not.toContain('sig-1');
      expect(error.body).not.toContain('sig-1');
    }
  });

  it('refuses an answer that is not JSON, repeats a key with another value, or lacks its result', async () => {
    const bodies = ['not json', '{"RequestId":"a","Result":{"Online":[1],"Online":[2]}}', '{"RequestId":"a"}'];
    const paths = ['', 'Result.Online', '/Result'];
    for (const [i, body] of bodies.entries()) {
      const { client } = harness([json(200, body)]);
      const error = (await client.lookup({ RoomId: 'r', UserIds: [1] }).catch((e: unknown) => e)) as ResponseValidationError;
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect(error.issues[0]!.path).toBe(paths[i]);
    }
  });
});

describe('engine: attempts', () => {
  it('retries a retryable failure, each attempt signed afresh, and reports the attempts', async () => {
    const { client, signed, sent } = harness([vendorFailure(500, 'InternalError'), vendorFailure(429, 'Throttling.User'), json(200, OK)]);
    const result = await client.lookup({ RoomId: 'r', UserIds: [1] });
    expect(result.$metadata).toMatchObject({ attempts: 3, requestId: 'req-1' });
    expect(signed).toHaveLength(3);
    expect(sent.map((s) => s.headers.get('authorization'))).toEqual(['sig-1', 'sig-2', 'sig-3']);
  });

  it('does not retry what cannot pass, and stops after maxAttempts', async () => {
    const once = harness([vendorFailure(400, 'InvalidParam'), json(200, OK)]);
    await expect(once.client.lookup({ RoomId: 'r', UserIds: [1] })).rejects.toBeInstanceOf(InvalidParameterError);
    expect(once.sent).toHaveLength(1);
    const always = harness([vendorFailure(503, 'Busy')], { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    await expect(always.client.lookup({ RoomId: 'r', UserIds: [1] })).rejects.toMatchObject({ code: 'Busy', retryable: true });
    expect(always.sent).toHaveLength(2);
  });

  it("waits the vendor's Retry-After, and gives up at once when it is beyond maxDelayMs", async () => {
    const soon = harness([vendorFailure(429, 'Throttling', 'x', { 'retry-after': '0' }), json(200, OK)]);
    expect((await soon.client.lookup({ RoomId: 'r', UserIds: [1] })).$metadata).toMatchObject({ attempts: 2, retryDelayMs: 0 });
    const late = harness([vendorFailure(429, 'Throttling', 'x', { 'retry-after': '120' }), json(200, OK)]);
    await expect(late.client.lookup({ RoomId: 'r', UserIds: [1] })).rejects.toMatchObject({ retryAfterMs: 120_000 });
    expect(late.sent).toHaveLength(1);
  });

  it('maps transport failures: no answer → ConnectionError naming the origin only (retried), a slow answer → TimeoutError, a long one → ResponseTooLargeError', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const down = harness([refused], { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = (await down.client.lookup({ RoomId: 'r', UserIds: [1] }).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain('connection failed (ECONNREFUSED) at https://api.acme.example');
    expect(down.sent).toHaveLength(2);

    // A name that does not exist is the resolver's final answer: not retried. One it could not resolve in time is.
    const nxdomain = harness([Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } })]);
    await expect(nxdomain.client.lookup({ RoomId: 'r', UserIds: [1] })).rejects.toMatchObject({ code: 'ENOTFOUND', retryable: false });
    expect(nxdomain.sent).toHaveLength(1);
    const slowResolver = harness([Object.assign(new TypeError('fetch failed'), { cause: { code: 'EAI_AGAIN' } })], {
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    await expect(slowResolver.client.lookup({ RoomId: 'r', UserIds: [1] })).rejects.toMatchObject({ code: 'EAI_AGAIN', retryable: true });
    expect(slowResolver.sent).toHaveLength(2);

    const slow = harness([() => new Promise<Response>(() => {})], { retry: false });
    await expect(slow.client.lookup({ RoomId: 'r', UserIds: [1] }, { timeoutMs: 20 })).rejects.toBeInstanceOf(TimeoutError);

    const big = harness([json(200, { ...OK, Padding: 'x'.repeat(2000) })], { retry: false, maxResponseBytes: 1000 });
    await expect(big.client.lookup({ RoomId: 'r', UserIds: [1] })).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it("stops on the caller's signal with its reason, during an attempt or between two", async () => {
    const reason = new Error('shutting down');
    // Aborted before the call, with a fetch that ignores signals: nothing is answered.
    const before = harness([json(200, OK)]);
    await expect(before.client.lookup({ RoomId: 'r', UserIds: [1] }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const during = new AbortController();
    const hanging = harness([() => new Promise<Response>(() => {})]);
    setTimeout(() => during.abort(reason), 5);
    await expect(hanging.client.lookup({ RoomId: 'r', UserIds: [1] }, { signal: during.signal })).rejects.toBe(reason);
    const between = new AbortController();
    const failing = harness([() => (setTimeout(() => between.abort(reason), 0), vendorFailure(500, 'InternalError'))], {
      retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    await expect(failing.client.lookup({ RoomId: 'r', UserIds: [1] }, { signal: between.signal })).rejects.toBe(reason);
    expect(failing.sent).toHaveLength(1);
  });

  it("leaves no listener on the caller's signal once a call is over, whatever it waited through", async () => {
    // A long-lived signal (a server's shutdown signal) must not collect a listener per wait between attempts.
    const shutdown = new AbortController();
    const { client } = harness([vendorFailure(500, 'InternalError'), vendorFailure(500, 'InternalError'), json(200, OK)]);
    expect((await client.lookup({ RoomId: 'r', UserIds: [1] }, { signal: shutdown.signal })).$metadata).toMatchObject({ attempts: 3 });
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-12-05T10:00:00Z');
  it('is delta-seconds (digits only) or an HTTP-date in any of its three forms', () => {
    expect(parseRetryAfter('16', now)).toBe(16_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sat, 05 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Saturday, 05-Dec-26 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat Dec  5 10:00:30 2026', now)).toBe(30_000);
    // A date past is no wait at all.
    expect(parseRetryAfter('Sat, 05 Dec 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores what is neither: 0x10 is not 16 s, and no garbage is read as a date', () => {
    for (const odd of ['0x10', '1e3', '16.5', '-1', '+5', '2026-12-05', 'soon', '', null]) expect(parseRetryAfter(odd, now), String(odd)).toBeUndefined();
  });
  it('an odd one gets the normal backoff: the call is retried at once, not after 16 s', async () => {
    const { client, sent } = harness([vendorFailure(429, 'Throttling', 'x', { 'retry-after': '0x10' }), json(200, OK)], {
      retry: { baseDelayMs: 1, maxDelayMs: 50 },
    });
    const result = await client.lookup({ RoomId: 'r', UserIds: [1] });
    expect(result.$metadata).toMatchObject({ attempts: 2 });
    expect(result.$metadata.retryDelayMs as number).toBeLessThan(50);
    expect(sent).toHaveLength(2);
  });
});

it('an error in JSON, as a logger writes it, keeps its name, its message and its fields', () => {
  const error = new ThrottledError({
    vendor: 'acme',
    operation: 'Lookup',
    httpStatus: 429,
    code: 'Throttling.User',
    message: 'too many requests',
    requestId: 'req-9',
    retryable: true,
  });
  expect(JSON.parse(JSON.stringify(error))).toEqual({
    name: 'ThrottledError',
    message: 'acme Lookup failed: Throttling.User: too many requests (HTTP 429, request id req-9)',
    vendor: 'acme',
    operation: 'Lookup',
    httpStatus: 429,
    code: 'Throttling.User',
    vendorMessage: 'too many requests',
    requestId: 'req-9',
    retryable: true,
  });
});
