// A wrong clock, corrected by the vendor's (issue 22): a stub vendor that keeps its own clock refuses
// a signed time more than 15 minutes off it with a clock-skew code, and dates every answer, as the
// vendors' gateways do. The engine measures the difference by the `Date`, signs again once, and
// signs every later call on the corrected clock; when that cannot help, a ClockSkewError says why.
import { describe, expect, it } from 'vitest';
import { AuthError, ClockSkewError, createClientMethods, type EngineOptions } from '../../src/index.js';
import { describeOffset } from '../../src/clock.js';
import { acmeVendor, lookupOperations } from './fixtures/acme.js';

const WINDOW_MS = 15 * 60_000;
const MINUTE = 60_000;

const vendor = acmeVendor({ auth: ['InvalidTimestamp', 'InvalidSignature'] }, ['InvalidTimestamp']);
const operations = lookupOperations;

interface VendorOptions {
  /** The vendor's clock, as an offset from the test's real one. */
  vendorAheadMs?: number;
  /** Whether answers carry a Date header. */
  dated?: boolean;
  /** Refuse every request's time, whatever it is. */
  refuseAlways?: boolean;
}

/** A client whose local clock is `localAheadMs` off real time, against a vendor as described. */
function setup(localAheadMs: number, vendorOptions: VendorOptions = {}, options: Partial<EngineOptions['options']> = {}) {
  const { vendorAheadMs = 0, dated = true, refuseAlways = false } = vendorOptions;
  const signedAt: number[] = [];
  const received: number[] = [];
  const fetch = async (request: Request) => {
    const vendorNow = Date.now() + vendorAheadMs;
    const signed = Number(request.headers.get('x-date'));
    received.push(signed);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (dated) headers.date = new Date(vendorNow).toUTCString();
    const refused = refuseAlways || Math.abs(signed - vendorNow) > WINDOW_MS;
    const body = refused
      ? { RequestId: `req-${received.length}`, Error: { Code: 'InvalidTimestamp', Message: 'the request has expired' } }
      : { RequestId: `req-${received.length}`, Result: { Online: true } };
    return new Response(JSON.stringify(body), { status: refused ? 400 : 200, headers });
  };
  const client = createClientMethods<{ lookup: (input: unknown) => Promise<{ Online: boolean; $metadata: { attempts: number } }> }>({
    vendor,
    operations,
    baseUrl: 'https://api.acme.example',
    signer: {
      async sign(request, date) {
        signedAt.push(date.getTime());
        return {
          url: `${request.baseUrl}${request.path}`,
          headers: { 'x-date': String(date.getTime()), authorization: 'secret-signature' },
          body: request.body,
          secrets: ['secret-signature'],
        };
      },
    },
    options: { fetch, now: () => new Date(Date.now() + localAheadMs), retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...options },
  });
  return { client, signedAt, received };
}

describe("a clock 20 minutes off is corrected by the vendor's Date, signed again once, and kept", () => {
  it.each([
    ['ahead', 20 * MINUTE],
    ['behind', -20 * MINUTE],
  ])('this machine 20 minutes %s', async (_, localAheadMs) => {
    const { client, signedAt } = setup(localAheadMs);
    const first = await client.lookup({ RoomId: 'r' });
    expect(first.Online).toBe(true);
    // The refused attempt and the one signed on the corrected clock.
    expect(first.$metadata.attempts).toBe(2);
    expect(signedAt).toHaveLength(2);
    const realNow = Date.now();
    expect(Math.abs(signedAt[0]! - localAheadMs - realNow)).toBeLessThan(MINUTE);
    // Corrected to within the Date header's second (and the time the exchange took).
    expect(Math.abs(signedAt[1]! - realNow)).toBeLessThan(5_000);
    // Later calls sign on the corrected clock at once.
    const second = await client.lookup({ RoomId: 'r' });
    expect(second.$metadata.attempts).toBe(1);
    expect(signedAt).toHaveLength(3);
    expect(Math.abs(signedAt[2]! - Date.now())).toBeLessThan(5_000);
  });

  it('a vendor whose own clock is an hour ahead: this machine follows it', async () => {
    const { client, signedAt } = setup(0, { vendorAheadMs: 60 * MINUTE });
    expect((await client.lookup({ RoomId: 'r' })).$metadata.attempts).toBe(2);
    expect(Math.abs(signedAt[1]! - (Date.now() + 60 * MINUTE))).toBeLessThan(5_000);
  });

  it("corrected once even with retries off (the refused request was never the vendor's to retry)", async () => {
    const { client } = setup(-20 * MINUTE, {}, { retry: false });
    expect((await client.lookup({ RoomId: 'r' })).$metadata.attempts).toBe(2);
  });

  it('twenty calls at once on a wrong clock: each signed again at most once, all answered', async () => {
    const { client, received } = setup(20 * MINUTE);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.lookup({ RoomId: 'r' })));
    expect(results.every((r) => r.Online && r.$metadata.attempts <= 2)).toBe(true);
    expect(received.length).toBeLessThanOrEqual(40);
    const before = received.length;
    expect((await client.lookup({ RoomId: 'r' })).$metadata.attempts).toBe(1);
    expect(received.length).toBe(before + 1);
  });
});

describe('when correcting cannot help: a ClockSkewError (an AuthError) that says why', () => {
  it("no Date header to measure by: at once, one request, the vendor's code and request id kept", async () => {
    const { client, received } = setup(20 * MINUTE, { dated: false });
    const error = await client.lookup({ RoomId: 'r' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClockSkewError);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'InvalidTimestamp', requestId: 'req-1', httpStatus: 400, retryable: false, clockOffsetMs: undefined });
    expect((error as Error).message).toContain('no Date header');
    expect((error as Error).message).not.toContain('secret-signature');
    expect(received).toHaveLength(1);
  });

  it('refused again on the corrected clock: the measured difference in the message and on the error', async () => {
    const { client, received } = setup(60 * MINUTE, { refuseAlways: true });
    const error = (await client.lookup({ RoomId: 'r' }).catch((e: unknown) => e)) as ClockSkewError;
    expect(error).toBeInstanceOf(ClockSkewError);
    expect(received).toHaveLength(2);
    // Measured on the second answer, by which the clock was set: this machine is an hour ahead.
    expect(Math.abs(error.clockOffsetMs! + 60 * MINUTE)).toBeLessThan(5_000);
    expect(error.message).toMatch(/refused again after setting this client's clock to acme's Date header; this machine's clock is 1 h 0 min ahead of acme's/);
    expect(error.requestId).toBe('req-2');
  });

  it("clocks that agree: the refusal is not the clock's, and stays the vendor's AuthError", async () => {
    const { client, received } = setup(0, { refuseAlways: true });
    const error = await client.lookup({ RoomId: 'r' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).not.toBeInstanceOf(ClockSkewError);
    expect(received).toHaveLength(1);
  });
});

it('describeOffset names the size and the direction', () => {
  expect(describeOffset(20 * MINUTE + 3_000)).toBe('20 min 3 s behind');
  expect(describeOffset(-(60 * MINUTE + 90_000))).toBe('1 h 1 min ahead of');
  expect(describeOffset(-4_400)).toBe('4 s ahead of');
});
