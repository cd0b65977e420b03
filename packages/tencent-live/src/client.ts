import {
  ConfigurationError,
  createClientMethods,
  defaultCrypto,
  defaultRegionFor,
  formEncode,
  requireOption,
  resolveEndpoint,
  type CommonClientOptions,
  type RequestSigner,
} from '@rollcall/runtime';
import { operations, servers, vendor, type OperationMethods } from './generated/operations.js';
import { createUserSig } from './sign.js';

/** Credentials from the app's secret key: UserSigs are made and renewed by the client. */
export interface TencentKeyCredentials {
  sdkAppId: number;
  /** An app administrator account. */
  identifier: string;
  secretKey: string;
  /** Validity of each generated UserSig; default one day. */
  userSigTtlSeconds?: number | undefined;
}

/** A ready UserSig, used as it is (the caller renews it). */
export interface TencentUserSigCredentials {
  sdkAppId: number;
  identifier: string;
  userSig: string;
}

export type TencentCredentials = TencentKeyCredentials | TencentUserSigCredentials;

export interface TencentLiveClientOptions extends CommonClientOptions {
  credentials: TencentCredentials;
  /**
   * `china`, `ap-singapore`, `na-siliconvalley` or `ap-jakarta` (the hosts the get_member_list page
   * lists); for another host pass `endpoint`. Default: as Tencent's own server code chooses, by the
   * SDKAppID — `ap-singapore` for an international app (below 1400000000), `china` otherwise.
   */
  region?: string | undefined;
  /** Source of the per-request `random` (a 32-bit unsigned integer); default crypto.getRandomValues. */
  random?: (() => number) | undefined;
}

export type TencentLiveClient = OperationMethods;

const DEFAULT_USERSIG_TTL_SECONDS = 86_400;
/** A generated UserSig is replaced this long before it expires. */
export const USERSIG_RENEW_BEFORE_SECONDS = 300;

function randomUint32(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}

export function createTencentLiveClient(options: TencentLiveClientOptions): TencentLiveClient {
  const credentials = options.credentials ?? ({} as TencentCredentials);
  if (!Number.isSafeInteger(credentials.sdkAppId) || credentials.sdkAppId <= 0) {
    throw new ConfigurationError(`${vendor.id}: credentials.sdkAppId must be a positive integer`);
  }
  requireOption(vendor.id, 'credentials.identifier', credentials.identifier);
  const fixedUserSig = 'userSig' in credentials ? requireOption(vendor.id, 'credentials.userSig', credentials.userSig) : null;
  const keyCredentials = fixedUserSig === null ? (credentials as TencentKeyCredentials) : null;
  if (keyCredentials) requireOption(vendor.id, 'credentials.secretKey', keyCredentials.secretKey);
  const ttl = keyCredentials?.userSigTtlSeconds ?? DEFAULT_USERSIG_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= USERSIG_RENEW_BEFORE_SECONDS) {
    throw new ConfigurationError(`${vendor.id}: userSigTtlSeconds must be an integer above ${USERSIG_RENEW_BEFORE_SECONDS}`);
  }
  // No region: the host follows the SDKAppID (the spec's defaultRegionBy), never China silently.
  const { baseUrl } = resolveEndpoint(vendor.id, servers, options, defaultRegionFor(vendor.defaultRegionBy, credentials));
  const crypto = options.crypto ?? defaultCrypto;
  const random = options.random ?? randomUint32;

  // One UserSig for every request until shortly before it expires. Issued at the signing date: the
  // client's clock, corrected by Tencent's after a 70001 (see VendorClock): once the clock is set, a
  // UserSig issued on a clock that was behind is past its renewal time, and one issued on a clock
  // that was ahead is dated after the corrected now — either is replaced.
  let cached: { userSig: Promise<string>; issuedAtUnix: number; renewAtUnix: number } | null = null;
  function currentUserSig(date: Date): Promise<string> {
    if (fixedUserSig !== null) return Promise.resolve(fixedUserSig);
    const nowUnix = Math.floor(date.getTime() / 1000);
    if (!cached || nowUnix >= cached.renewAtUnix || nowUnix < cached.issuedAtUnix) {
      const userSig = createUserSig(crypto, {
        sdkAppId: keyCredentials!.sdkAppId,
        identifier: keyCredentials!.identifier,
        secretKey: keyCredentials!.secretKey,
        expireSeconds: ttl,
        nowUnix,
      });
      const issued = { userSig, issuedAtUnix: nowUnix, renewAtUnix: nowUnix + ttl - USERSIG_RENEW_BEFORE_SECONDS };
      cached = issued;
      userSig.catch(() => {
        if (cached === issued) cached = null;
      });
    }
    return cached.userSig;
  }

  const signer: RequestSigner = {
    async sign({ baseUrl: base, path, query, body, contentType }, date) {
      const value = random();
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new ConfigurationError(`${vendor.id}: random() must return a 32-bit unsigned integer`);
      }
      const userSig = await currentUserSig(date);
      const auth: Array<[string, string]> = [
        ['sdkappid', String(credentials.sdkAppId)],
        ['identifier', credentials.identifier],
        ['usersig', userSig],
        ['random', String(value)],
        ['contenttype', 'json'],
      ];
      const headers: Record<string, string> = {};
      if (contentType) headers['content-type'] = contentType;
      return { url: `${base}${path}?${formEncode([...query, ...auth])}`, headers, body, secrets: [userSig] };
    },
  };
  return createClientMethods<TencentLiveClient>({ vendor, operations, baseUrl, signer, options });
}
