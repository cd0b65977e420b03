/**
 * The cryptography the signers need, behind one interface so that each runtime gets its fastest
 * implementation: `node:crypto` on Node (WebCrypto there is 7–24× slower), WebCrypto on Bun, Deno
 * and edge runtimes. Packages pick one through the `#crypto` conditional import.
 */
export interface CryptoProvider {
  readonly name: 'node:crypto' | 'webcrypto';
  sha256Hex(data: string | Uint8Array): Promise<string>;
  hmacSha256(key: string | Uint8Array, data: string | Uint8Array): Promise<Uint8Array>;
  hmacSha1(key: string | Uint8Array, data: string | Uint8Array): Promise<Uint8Array>;
  /** zlib (RFC 1950) deflate, default level: the format Tencent UserSig uses. */
  deflate(data: Uint8Array): Promise<Uint8Array>;
  inflate(data: Uint8Array): Promise<Uint8Array>;
}
