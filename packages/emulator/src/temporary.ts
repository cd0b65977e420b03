// Temporary credentials, as the vendors' STS services issue them (AssumeRole): a new access key id,
// its secret and a security token, valid until an expiration. Requests signed with them count
// against the account that issued them, as the vendors count an account's quota whatever key signs.
import { randomBytes } from 'node:crypto';

export type TemporaryVendor = 'volcengine' | 'aliyun';

interface TemporaryKey {
  vendor: TemporaryVendor;
  secret: string;
  token: string;
  expiresAt: number;
}

/** What `issue` returns, in the field names of each vendor's client credentials. */
export interface IssuedCredentialsOf {
  volcengine: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
  aliyun: { accessKeyId: string; accessKeySecret: string; securityToken: string; expiration: string };
}
export type IssuedCredentials = IssuedCredentialsOf[TemporaryVendor];

/** Why a temporary key is refused: unknown, a token that is not its own, or expired. */
export type TemporaryRefusal = 'unknown' | 'token' | 'expired';

export class TemporaryKeys {
  readonly #keys = new Map<string, TemporaryKey>();
  #issued = 0;

  /** New credentials of `vendor`, valid for `ttlMs` from `now` (Unix ms). */
  issue<V extends TemporaryVendor>(vendor: V, ttlMs: number, now: number): IssuedCredentialsOf[V] {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error('ttlMs must be a positive number');
    // Volcengine's STS keys start AKTP; Alibaba's STS. (what each vendor's AssumeRole returns).
    const accessKeyId = `${vendor === 'volcengine' ? 'AKTPemu' : 'STS.emu'}${(++this.#issued).toString(16).padStart(6, '0')}`;
    const key: TemporaryKey = { vendor, secret: randomBytes(18).toString('base64url'), token: randomBytes(48).toString('base64url'), expiresAt: now + ttlMs };
    this.#keys.set(accessKeyId, key);
    const expiration = new Date(key.expiresAt).toISOString();
    return (
      vendor === 'volcengine'
        ? { accessKeyId, secretAccessKey: key.secret, sessionToken: key.token, expiration }
        : { accessKeyId, accessKeySecret: key.secret, securityToken: key.token, expiration }
    ) as IssuedCredentialsOf[V];
  }

  /** The secret of `accessKeyId` when `token` is its own and it has not expired, or why not. */
  check(vendor: TemporaryVendor, accessKeyId: string, token: string | undefined, now: number): { secret: string } | { refused: TemporaryRefusal } {
    const key = this.#keys.get(accessKeyId);
    if (!key || key.vendor !== vendor) return { refused: 'unknown' };
    if (token !== key.token) return { refused: 'token' };
    if (now >= key.expiresAt) return { refused: 'expired' };
    return { secret: key.secret };
  }
}
