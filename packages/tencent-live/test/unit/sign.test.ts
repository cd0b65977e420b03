import { describe, expect, it } from 'vitest';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { crypto as webCrypto } from '@rollcall/runtime/crypto/web';
import { toHex } from '@rollcall/runtime';
import { createUserSig, decodeUserSig, privateMapKeyUserbuf, userSigContent, userSigHmac, verifyUserSig, type UserSigInput } from '../../src/sign.js';
import vectors from '../fixtures/tencent-vectors.json' with { type: 'json' };

type Case = (typeof vectors.cases)[number];

/** The tls-sig-api-v2 call of each case, as our UserSig input. */
function userSigInput(c: Case): UserSigInput {
  const { method, args, sdkappid, key, nowUnix } = c.input;
  const [identifier, expire] = [String(args[0]), Number(args[1])];
  const base = { sdkAppId: sdkappid, identifier, secretKey: key, expireSeconds: expire, nowUnix };
  if (method === 'genUserSig') return base;
  const numericRoom = method === 'genPrivateMapKey';
  const userbuf = privateMapKeyUserbuf({
    identifier,
    sdkAppId: sdkappid,
    roomId: numericRoom ? Number(args[2]) : 0,
    roomStr: numericRoom ? undefined : String(args[2]),
    expireAtUnix: nowUnix + expire,
    privilegeMap: Number(args[3]),
  });
  return { ...base, userbuf };
}

describe.each([
  ['node:crypto', nodeCrypto],
  ['webcrypto', webCrypto],
])('Tencent UserSig vectors (%s)', (_name, crypto) => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
    const input = userSigInput(c);
    expect(userSigContent(input)).toBe(c.expected.contentToBeSigned);
    expect(await userSigHmac(crypto, input)).toBe(c.expected.hmacSha256Base64);
    const userSig = await createUserSig(crypto, input);
    // Decoded JSON and HMAC are what must agree across runtimes; the raw bytes also match on Node 20.
    const doc = await decodeUserSig(crypto, userSig);
    expect(JSON.stringify(doc)).toBe(c.expected.sigDocJson);
    expect(toHex(await crypto.deflate(new TextEncoder().encode(c.expected.sigDocJson)))).toBe(c.expected.deflateOutputHex);
    expect(userSig).toBe(c.expected.userSig);
  });

  it('decodes the vendor tokens and verifies their HMAC', async () => {
    for (const c of vectors.cases) {
      const result = await verifyUserSig(crypto, c.expected.userSig, vectors.key, vectors.fixedNowUnix);
      expect(result.valid).toBe(true);
      expect(result.expired).toBe(false);
      expect(result.doc).toEqual(c.decode.doc);
    }
  });

  it('rejects a token whose identifier was changed after signing', async () => {
    const tampered = await verifyUserSig(crypto, vectors.negativeCase.userSig, vectors.key, vectors.fixedNowUnix);
    expect(tampered.valid).toBe(false);
    expect(tampered.doc).toEqual(vectors.negativeCase.decode.doc);
    const original = await verifyUserSig(crypto, vectors.negativeCase.originalUserSig, vectors.key, vectors.fixedNowUnix);
    expect(original.valid).toBe(true);
  });

  it('reports expiry', async () => {
    const short = vectors.cases.find((c) => c.name === 'numeric_identifier_short_expiry')!;
    const later = await verifyUserSig(crypto, short.expected.userSig, vectors.key, vectors.fixedNowUnix + 5);
    expect(later).toMatchObject({ valid: true, expired: true });
  });
});

describe('UserSig format', () => {
  it('is URL-safe: standard base64 with + / = replaced by * - _', async () => {
    for (const c of vectors.cases) {
      const userSig = await createUserSig(nodeCrypto, userSigInput(c));
      expect(userSig).toMatch(/^[A-Za-z0-9*\-_]+$/);
      expect(userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=')).toBe(c.expected.standardBase64);
    }
  });
});
