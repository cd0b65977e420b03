import { toHex, utf8 } from '../encoding.js';
import type { CryptoProvider } from './types.js';

// WebCrypto implementation for browsers and edge runtimes (Bun and Deno load the node:crypto build).
// Keys are imported per HMAC: the chains worth caching are cached above it (Volcengine's signing key
// per day, Tencent's UserSig until it expires); Alibaba pays one importKey per call on this path.
const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

function bytes(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return (typeof data === 'string' ? utf8(data) : new Uint8Array(data)) as Uint8Array<ArrayBuffer>;
}

async function hmac(hash: 'SHA-256' | 'SHA-1', key: string | Uint8Array, data: string | Uint8Array): Promise<Uint8Array> {
  const imported = await subtle().importKey('raw', bytes(key), { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', imported, bytes(data)));
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
