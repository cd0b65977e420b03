// Credentials that expire (issue 26): a provider's credentials are cached, refreshed ahead of their
// expiry, fetched once for concurrent calls, and fetched again once after the vendor refuses them;
// a provider that fails gives a CredentialsError that names no secret.
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConfigurationError,
  CREDENTIALS_REFRESH_MARGIN_MS,
  createClientMethods,
  CredentialsError,
  credentialsFromEnvironment,
  credentialsSource,
  liveCredentialsSource,
  RollcallError,
  requireOption,
} from '../../src/index.js';
import { acmeVendor, lookupOperations } from './fixtures/acme.js';

interface Keys {
  accessKeyId: string;
  secret: string;
  token?: string;
}

const check = (keys: Keys) => {
  requireOption('acme', 'credentials.accessKeyId', keys.accessKeyId);
  requireOption('acme', 'credentials.secret', keys.secret);
};

/** A provider issuing keys numbered 1, 2, … that live `lifetimeMs` from the test clock's `now`. */
function issuer(clock: { now: number }, lifetimeMs: number) {
  const issued: Keys[] = [];
  const provider = async () => {
    const n = issued.length + 1;
    const keys = { accessKeyId: 'AKTP-temporary', secret: `secret-${n}`, token: `token-${n}` };
    issued.push(keys);
    return { ...keys, expiration: new Date(clock.now + lifetimeMs) };
  };
  return { provider, issued };
}

describe('static credentials', () => {
  it('are checked before any call and used as they are', async () => {
    expect(() => credentialsSource<Keys>('acme', { accessKeyId: 'AK', secret: '' }, check)).toThrow(ConfigurationError);
    const keys = { accessKeyId: 'AK', secret: 'SK' };
    const source = credentialsSource<Keys>('acme', keys, check);
    expect(await source.current(new Date())).toBe(keys);
    expect(await source.refreshAfterRefusal(keys, new Date())).toBe(false);
  });
});

describe('a credentials provider', () => {
  it('is asked once, then again half a short lifetime before the expiry (2 s credentials: at 1 s)', async () => {
    const clock = { now: Date.UTC(2026, 11, 5) };
    const { provider, issued } = issuer(clock, 2000);
    const source = credentialsSource<Keys>('acme', provider, check);
    const at = () => new Date(clock.now);
    expect((await source.current(at())).secret).toBe('secret-1');
    clock.now += 999;
    expect((await source.current(at())).secret).toBe('secret-1');
    clock.now += 1;
    expect((await source.current(at())).secret).toBe('secret-2');
    expect(issued.length).toBe(2);
    // What the engine signs with carries no expiration field.
    expect(Object.keys(await source.current(at())).sort()).toEqual(['accessKeyId', 'secret', 'token']);
  });

  it('refreshes hour-long credentials five minutes before they expire', async () => {
    const clock = { now: Date.UTC(2026, 11, 5) };
    const { provider, issued } = issuer(clock, 3_600_000);
    const source = credentialsSource<Keys>('acme', provider, check);
    await source.current(new Date(clock.now));
    await source.current(new Date(clock.now + 3_600_000 - CREDENTIALS_REFRESH_MARGIN_MS - 1));
    expect(issued.length).toBe(1);
    expect((await source.current(new Date(clock.now + 3_600_000 - CREDENTIALS_REFRESH_MARGIN_MS))).secret).toBe('secret-2');
  });

  it('keeps credentials without an expiration until the vendor refuses them', async () => {
    let calls = 0;
    const source = credentialsSource<Keys>(
      'acme',
      async () => {
        calls++;
        return { accessKeyId: 'AK', secret: `SK-${calls}` };
      },
      check,
    );
    const first = await source.current(new Date(0));
    expect((await source.current(new Date(8.64e15))).secret).toBe('SK-1');
    expect(await source.refreshAfterRefusal(first, new Date())).toBe(true);
    expect((await source.current(new Date())).secret).toBe('SK-2');
  });

  it('makes one refresh for any number of calls that need one at once', async () => {
    const clock = { now: Date.UTC(2026, 11, 5) };
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const source = credentialsSource<Keys>(
      'acme',
      async () => {
        calls++;
        await gate;
        return { accessKeyId: 'AK', secret: `SK-${calls}`, expiration: new Date(clock.now + 60_000) };
      },
      check,
    );
    const pending = Array.from({ length: 50 }, () => source.current(new Date(clock.now)));
    release();
    const all = await Promise.all(pending);
    expect(calls).toBe(1);
    expect(new Set(all.map((keys) => keys.secret))).toEqual(new Set(['SK-1']));
  });

  it('fetches again once when the vendor refuses, for all the calls that saw the refusal', async () => {
    const clock = { now: Date.UTC(2026, 11, 5) };
    const { provider, issued } = issuer(clock, 3_600_000);
    const source = credentialsSource<Keys>('acme', provider, check);
    const refused = await source.current(new Date(clock.now));
    const answers = await Promise.all(Array.from({ length: 20 }, () => source.refreshAfterRefusal(refused, new Date(clock.now))));
    expect(answers).toEqual(Array(20).fill(true));
    expect(issued.length).toBe(2);
    expect((await source.current(new Date(clock.now))).secret).toBe('secret-2');
  });

  it('says the refusal cannot be helped when the provider hands back the same credentials', async () => {
    const keys = { accessKeyId: 'AK', secret: 'SK' };
    const source = credentialsSource<Keys>('acme', async () => ({ ...keys }), check);
    const used = await source.current(new Date());
    expect(await source.refreshAfterRefusal(used, new Date())).toBe(false);
  });
});

describe('a provider that fails', () => {
  it('gives a CredentialsError naming the failure, not the secret it last returned, with the cause', async () => {
    const clock = { now: Date.UTC(2026, 11, 5) };
    let fail = false;
    const cause = new Error('metadata service: role refused for secret-1 (token-1)');
    const source = credentialsSource<Keys>(
      'acme',
      async () => {
        if (fail) throw cause;
        return { accessKeyId: 'AK', secret: 'secret-1', token: 'token-1', expiration: new Date(clock.now + 2000) };
      },
      check,
    );
    await source.current(new Date(clock.now));
    fail = true;
    clock.now += 2000;
    const error = await source.current(new Date(clock.now)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toBeInstanceOf(RollcallError);
    expect((error as CredentialsError).name).toBe('CredentialsError');
    expect((error as CredentialsError).message).toBe('acme: the credentials provider failed: metadata service: role refused for REDACTED (REDACTED)');
    expect((error as CredentialsError).cause).toBe(cause);
    expect(JSON.stringify(error)).not.toMatch(/secret-1|token-1/);
  });

  it('still signs with credentials that have not expired when a refresh ahead of expiry fails', async () => {
    const clock = { now: Date.UTC(2026, 11, 5) };
    let fail = false;
    const source = credentialsSource<Keys>(
      'acme',
      async () => {
        if (fail) throw new Error('throttled');
        return { accessKeyId: 'AK', secret: 'SK', expiration: new Date(clock.now + 2000) };
      },
      check,
    );
    await source.current(new Date(clock.now));
    fail = true;
    expect((await source.current(new Date(clock.now + 1500))).secret).toBe('SK');
    await expect(source.current(new Date(clock.now + 2000))).rejects.toThrow(CredentialsError);
  });

  it('refuses credentials that cannot sign: a field missing, already expired, no object, a bad date', async () => {
    const now = new Date(Date.UTC(2026, 11, 5));
    const cases: Array<[unknown, RegExp]> = [
      [{ accessKeyId: 'AK' }, /^acme: the credentials provider returned unusable credentials: credentials\.secret is required/],
      [{ accessKeyId: 'AK', secret: 'SK', expiration: new Date(now.getTime() - 1) }, /an expiration that has passed or is not a date: .*2026/],
      [undefined, /returned no credentials/],
      [{ accessKeyId: 'AK', secret: 'SK', expiration: new Date(Number.NaN) }, /an expiration that has passed or is not a date: Invalid Date/],
    ];
    for (const [answer, message] of cases) {
      const source = credentialsSource<Keys>('acme', async () => answer as Keys, check);
      const error = await source.current(now).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe("a vendor's own credentials client (asked at every attempt)", () => {
  it('is asked each time, and a refusal helps only when it hands back other credentials', async () => {
    let secret = 'SK-1';
    let calls = 0;
    const source = liveCredentialsSource<Keys>(
      'acme',
      async () => {
        calls++;
        return { accessKeyId: 'AK', secret };
      },
      check,
    );
    const used = await source.current(new Date());
    await source.current(new Date());
    expect(calls).toBe(2);
    expect(await source.refreshAfterRefusal(used, new Date())).toBe(false);
    secret = 'SK-2';
    expect(await source.refreshAfterRefusal(used, new Date())).toBe(true);
    await expect(liveCredentialsSource<Keys>('acme', () => Promise.reject(new Error('no role')), check).current(new Date())).rejects.toThrow(
      /acme: the credentials provider failed: no role/,
    );
  });
});

describe('credentials from the environment', () => {
  const names = { accessKeyId: 'ACME_ACCESS_KEY', secret: 'ACME_SECRET', token: 'ACME_TOKEN' };
  it('reads the variables the spec names, leaving out the unset ones', () => {
    expect(credentialsFromEnvironment('acme', names, ['accessKeyId', 'secret'], { ACME_ACCESS_KEY: 'AK', ACME_SECRET: ' SK ', ACME_TOKEN: '' })).toEqual({
      accessKeyId: 'AK',
      secret: 'SK',
    });
  });
  it('names every variable when a required one is unset', () => {
    expect(() => credentialsFromEnvironment('acme', names, ['accessKeyId', 'secret'], { ACME_ACCESS_KEY: 'AK' })).toThrow(
      new ConfigurationError('acme: no credentials given, and the environment lacks ACME_SECRET (of ACME_ACCESS_KEY, ACME_SECRET, ACME_TOKEN)'),
    );
  });
});

// --- through the engine --------------------------------------------------------------------------

const vendor = acmeVendor({ auth: ['InvalidSecurityToken*', 'Forbidden'] });
const operations = lookupOperations;

/** A vendor that accepts only the tokens in `valid` (refusing others with `code`), and a client on `source`. */
function engine(source: ReturnType<typeof credentialsSource<Keys>>, valid: Set<string>, code = 'InvalidSecurityToken.Expired') {
  const tokens: string[] = [];
  const fetch = async (request: Request) => {
    const token = request.headers.get('x-token') ?? '';
    tokens.push(token);
    const body = valid.has(token) ? { RequestId: 'r', Result: { Online: true } } : { RequestId: 'r', Error: { Code: code, Message: 'refused' } };
    return new Response(JSON.stringify(body), { status: valid.has(token) ? 200 : 403, headers: { 'content-type': 'application/json' } });
  };
  const client = createClientMethods<{ lookup: (input: unknown) => Promise<{ Online: boolean; $metadata: { attempts: number } }> }, Keys>({
    vendor,
    operations,
    baseUrl: 'https://api.acme.example',
    credentials: source,
    signer: {
      async sign(request, _date, keys) {
        return { url: `${request.baseUrl}${request.path}`, headers: { 'x-token': keys.token ?? '' }, body: request.body, secrets: [keys.token] };
      },
    },
    options: { fetch, retry: false },
  });
  return { client, tokens };
}

describe('the engine with a provider', () => {
  it('signs each attempt with the credentials current then, and signs again once with new ones after a refusal', async () => {
    const clock = { now: Date.now() };
    const { provider, issued } = issuer(clock, 3_600_000);
    const source = credentialsSource<Keys>('acme', provider, check);
    // The vendor has already let token-1 go (its clock ahead of ours); token-2 works.
    const { client, tokens } = engine(source, new Set(['token-2']));
    const answer = await client.lookup({ RoomId: 'r' });
    expect(answer.Online).toBe(true);
    expect(answer.$metadata.attempts).toBe(2);
    expect(tokens).toEqual(['token-1', 'token-2']);
    expect(issued.length).toBe(2);
    await client.lookup({ RoomId: 'r' });
    expect(tokens).toEqual(['token-1', 'token-2', 'token-2']);
  });

  it("gives the vendor's AuthError when new credentials are refused too, or are the same", async () => {
    const clock = { now: Date.now() };
    const { provider } = issuer(clock, 3_600_000);
    const refusing = engine(credentialsSource<Keys>('acme', provider, check), new Set());
    const error = await refusing.client.lookup({ RoomId: 'r' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('InvalidSecurityToken.Expired');
    expect(refusing.tokens).toEqual(['token-1', 'token-2']);
    const keys = { accessKeyId: 'AK', secret: 'SK', token: 'fixed' };
    const fixed = engine(credentialsSource<Keys>('acme', keys, check), new Set(), 'Forbidden');
    await expect(fixed.client.lookup({ RoomId: 'r' })).rejects.toThrow(AuthError);
    expect(fixed.tokens).toEqual(['fixed']);
  });

  it('gives the CredentialsError of a provider that fails, before anything is sent', async () => {
    const source = credentialsSource<Keys>('acme', () => Promise.reject(new Error('no role attached')), check);
    const { client, tokens } = engine(source, new Set());
    await expect(client.lookup({ RoomId: 'r' })).rejects.toThrow(new CredentialsError('acme: the credentials provider failed: no role attached'));
    expect(tokens).toEqual([]);
  });
});
