export * from './errors.js';
export * from './engine.js';
export * from './encoding.js';
export * from './canonical.js';
export * from './pointer.js';
export * from './redact.js';
export * from './endpoints.js';
export type { CryptoProvider } from './crypto/types.js';
export { crypto as defaultCrypto } from '#crypto';
