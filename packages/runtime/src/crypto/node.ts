import { createHash, createHmac } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import type { CryptoProvider } from './types.js';

/** `node:crypto` implementation, chosen on Node through the `node` export condition. */
export const crypto: CryptoProvider = {
  name: 'node:crypto',
  async sha256Hex(data) {
    return createHash('sha256').update(data).digest('hex');
  },
  async hmacSha256(key, data) {
    return createHmac('sha256', key).update(data).digest();
  },
  async hmacSha1(key, data) {
    return createHmac('sha1', key).update(data).digest();
  },
  async deflate(data) {
    return deflateSync(data);
  },
  async inflate(data) {
    return inflateSync(data);
  },
};
