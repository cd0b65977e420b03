// @rollcall/runtime as a client author uses it: the shared crypto providers and engine types.
import { DEFAULT_TIMEOUT_MS, defaultCrypto, type CommonClientOptions, type CryptoProvider } from '@rollcall/runtime';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { crypto as webCrypto } from '@rollcall/runtime/crypto/web';
import { describe } from './errors.js';

const providers: CryptoProvider[] = [defaultCrypto, nodeCrypto, webCrypto];
const common: CommonClientOptions = {
  region: 'r',
  endpoint: 'http://127.0.0.1:1',
  fetch: globalThis.fetch,
  timeoutMs: DEFAULT_TIMEOUT_MS,
  now: () => new Date(),
  crypto: webCrypto,
};
export const hashes: Promise<string>[] = providers.map((p) => p.sha256Hex('x'));
export const text = describe(common);
