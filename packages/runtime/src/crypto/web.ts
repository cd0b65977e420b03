import { toHex, utf8 } from '../encoding.js';
import type { CryptoProvider } from './types.js';

// WebCrypto implementation for Bun, Deno, browsers and edge runtimes. Imported keys are cached
// per secret, since importKey dominates the cost of one HMAC.
const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_LIMIT = 64;

function bytes(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return (typeof data === 'string' ? utf8(data) : new Uint8Array(data)) as Uint8Array<ArrayBuffer>;
}

function hmacKey(hash: 'SHA-256' | 'SHA-1', key: string | Uint8Array): Promise<CryptoKey> {
  const raw = bytes(key);
  // Derived keys (Volcengine's key chain) change per call and are not worth caching.
  if (typeof key !== 'string') return subtle().importKey('raw', raw, { name: 'HMAC', hash }, false, ['sign']);
  const cacheKey = `${hash}:${key}`;
  let cached = keyCache.get(cacheKey);
  if (!cached) {
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    cached = subtle().importKey('raw', raw, { name: 'HMAC', hash }, false, ['sign']);
    keyCache.set(cacheKey, cached);
  }
  return cached;
}

async function hmac(hash: 'SHA-256' | 'SHA-1', key: string | Uint8Array, data: string | Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign('HMAC', await hmacKey(hash, key), bytes(data)));
}

async function pipe(data: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes(data)]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export const crypto: CryptoProvider = {
  name: 'webcrypto',
  async sha256Hex(data) {
    return toHex(new Uint8Array(await subtle().digest('SHA-256', bytes(data))));
  },
  hmacSha256: (key, data) => hmac('SHA-256', key, data),
  hmacSha1: (key, data) => hmac('SHA-1', key, data),
  deflate: (data) => pipe(data, new CompressionStream('deflate')),
  inflate: (data) => pipe(data, new DecompressionStream('deflate')),
};
