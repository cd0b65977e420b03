import { describe, expect, it } from 'vitest';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { crypto as webCrypto } from '@rollcall/runtime/crypto/web';
import { formEncode } from '@rollcall/runtime';
import { aliyunV1CommonParams, aliyunV3Headers, flattenRpcParams, signAliyunV1, signAliyunV3 } from '../../src/sign.js';
import vectors from '../fixtures/alibaba-vectors.json' with { type: 'json' };

const ACTION = vectors.operation;
const VERSION = vectors.apiVersion;

type ClientCase = (typeof vectors.v3)[number];

function credentialsOf(input: ClientCase['input']) {
  return {
    accessKeyId: input.accessKeyId,
    accessKeySecret: input.accessKeySecret,
    securityToken: input.securityToken ?? undefined,
  };
}

function pairs(record: Record<string, string> | null): Array<[string, string]> {
  return Object.entries(record ?? {});
}

describe.each([
  ['node:crypto', nodeCrypto],
  ['webcrypto', webCrypto],
])('Alibaba signing vectors (%s)', (_name, crypto) => {
  describe('V3 through the client path (headers built as the official client builds them)', () => {
    it.each(vectors.v3.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
      const input = c.input;
      // The official client form-encodes the body parameters exactly like formEncode.
      const body = input.body ? formEncode(pairs(input.body)) : undefined;
      expect(body ?? null).toBe(c.wire.body);
      const headers = await aliyunV3Headers(crypto, {
        host: input.endpoint,
        action: ACTION,
        version: VERSION,
        date: new Date(input.date),
        nonce: input.nonce,
        body,
        contentType: body === undefined ? undefined : 'application/x-www-form-urlencoded',
        credentials: credentialsOf(input),
      });
      const signed = await signAliyunV3(crypto, {
        method: input.method,
        pathname: input.pathname,
        query: pairs(input.query),
        headers,
        body,
        credentials: credentialsOf(input),
      });
      expect(signed.payloadHash).toBe(c.expected.payloadHash);
      expect(signed.canonicalRequest).toBe(c.expected.canonicalRequest);
      expect(signed.stringToSign).toBe(c.expected.stringToSign);
      expect(signed.signature).toBe(c.expected.signature);
      expect(signed.authorization).toBe(c.expected.authorization);
      // Every header the official client put on the wire, but its user agent.
      const { 'user-agent': _ua, Authorization, ...wireHeaders } = c.wire.headers as Record<string, string>;
      expect(headers).toEqual(wireHeaders);
      expect(signed.authorization).toBe(Authorization);
    });
  });

  describe('V3 direct (OpenApiUtil.getAuthorization)', () => {
    it.each(vectors.v3Direct.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
      const input = c.input as typeof c.input & { query: Record<string, string>; headers: Record<string, string> };
      const signed = await signAliyunV3(crypto, {
        method: input.method,
        pathname: input.pathname,
        query: pairs(input.query),
        headers: input.headers,
        body: input.body ?? undefined,
        credentials: { accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret },
      });
      expect(signed.payloadHash).toBe(c.expected.payloadHash);
      expect(signed.canonicalRequest).toBe(c.expected.canonicalRequest);
      expect(signed.stringToSign).toBe(c.expected.stringToSign);
      expect(signed.authorization).toBe(c.expected.authorization);
    });
  });

  describe('V1 through the client path', () => {
    it.each(vectors.v1.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
      const input = c.input;
      const common = aliyunV1CommonParams({
        action: ACTION,
        version: VERSION,
        date: new Date(input.date),
        nonce: input.nonce,
        credentials: credentialsOf(input),
      });
      const params = { ...flattenRpcParams(input.body ?? {}), ...flattenRpcParams(input.query ?? {}), ...common };
      expect(params).toEqual(c.expected.signedParams);
      const signed = await signAliyunV1(crypto, { method: input.method, params, accessKeySecret: input.accessKeySecret });
      expect(signed.canonicalizedQuery).toBe(c.expected.canonicalizedQuery);
      expect(signed.stringToSign).toBe(c.expected.stringToSign);
      expect(`${input.accessKeySecret}&`).toBe(c.expected.hmacKey);
      expect(signed.signature).toBe(c.expected.signature);
      expect(c.wire.query.Signature).toBe(signed.signature);
    });
  });

  describe('V1 direct (OpenApiUtil.getRPCSignature)', () => {
    it.each(vectors.v1Direct.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
      const flattened = flattenRpcParams(c.input.params);
      expect(flattened).toEqual(c.expected.flattenedParams);
      const signed = await signAliyunV1(crypto, {
        method: c.input.method,
        params: flattened,
        accessKeySecret: c.input.accessKeySecret,
      });
      expect(signed.canonicalizedQuery).toBe(c.expected.canonicalizedQuery);
      expect(signed.stringToSign).toBe(c.expected.stringToSign);
      expect(signed.signature).toBe(c.expected.signature);
    });
  });
});
