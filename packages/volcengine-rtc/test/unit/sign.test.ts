import { describe, expect, it } from 'vitest';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { crypto as webCrypto } from '@rollcall/runtime/crypto/web';
import { signVolcengineRequest } from '../../src/sign.js';
import vectors from '../fixtures/volcengine-vectors.json' with { type: 'json' };

type Params = Record<string, string | string[] | null>;

function queryPairs(params: Params): Array<[string, string]> {
  return Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((item) => [k, item] as [string, string]) : [[k, v ?? ''] as [string, string]]));
}

/** Each vector case as the inputs our signer takes. */
function signingInput(c: (typeof vectors.cases)[number]) {
  const input = c.input as Record<string, any>;
  const credentials = {
    accessKeyId: input.accessKeyId,
    secretAccessKey: input.secretAccessKey,
    sessionToken: input.sessionToken ?? undefined,
  };
  if ('signerInput' in c) {
    // Built through the official Service: the body goes with its JSON content type (not signed).
    const signerInput = c.signerInput as unknown as { params: Params; bodyString: string | null };
    return {
      method: input.method,
      pathname: input.pathname,
      query: queryPairs(signerInput.params),
      headers: signerInput.bodyString === null ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: signerInput.bodyString ?? undefined,
      region: input.region,
      service: input.service,
      credentials,
      date: new Date(input.date),
    };
  }
  const request = input.request;
  return {
    method: request.method,
    pathname: request.pathname,
    query: queryPairs(request.params),
    headers: request.headers,
    body: request.body,
    region: request.region,
    service: input.service,
    credentials,
    date: new Date(input.date),
  };
}

describe.each([
  ['node:crypto', nodeCrypto],
  ['webcrypto', webCrypto],
])('Volcengine signing vectors (%s)', (_name, crypto) => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
    const signed = await signVolcengineRequest(crypto, signingInput(c));
    const expected = c.expected;
    expect(signed.xDate).toBe(expected.xDate);
    expect(signed.credentialScope).toBe(expected.credentialScope);
    expect(signed.canonicalRequest).toBe(expected.canonicalRequest);
    expect(signed.stringToSign).toBe(expected.stringToSign);
    expect(signed.signingKeyHex).toBe(expected.signingKeyHex);
    expect(signed.signature).toBe(expected.signature);
    expect(signed.signedHeaders).toBe(expected.signedHeaders);
    expect(signed.authorization).toBe(expected.authorization);
    expect(signed.headers).toEqual(expected.headersAfterSigning);
  });
});

describe('Volcengine signing', () => {
  it('signs the exact body bytes: one changed byte changes the signature', async () => {
    const base = signingInput(vectors.cases[0]!);
    const a = await signVolcengineRequest(nodeCrypto, base);
    const b = await signVolcengineRequest(nodeCrypto, { ...base, body: base.body!.replace('u1', 'u2') });
    expect(b.signature).not.toBe(a.signature);
  });
});
