import {
  ConfigurationError,
  createClientMethods,
  credentialsFromEnvironment,
  credentialsSource,
  defaultCrypto,
  defaultRegionFor,
  formEncode,
  requireOption,
  resolveEndpoint,
  type CommonClientOptions,
  type CredentialsOption,
  type RequestSigner,
} from '@rollcall/runtime';
import { credentialsEnvironment, operations, servers, vendor, type OperationMethods } from './generated/operations.js';
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
  /**
   * The app's key (UserSigs made and renewed by the client) or a ready UserSig; a provider of
   * either, an async function returning them (a new key replaces the cached UserSig; with a
   * provider, name `region` or `endpoint`); or, left out, the environment: `TENCENT_IM_SDKAPPID`,
   * `TENCENT_IM_IDENTIFIER`, `TENCENT_IM_SECRET_KEY`.
   */
  credentials?: CredentialsOption<TencentCredentials> | undefined;
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

/** Checks credentials as given or as a provider returns them: a ConfigurationError names the field. */
function checkTencentCredentials(credentials: TencentCredentials): void {
  if (!Number.isSafeInteger(credentials.sdkAppId) || credentials.sdkAppId <= 0) {
    throw new ConfigurationError(`${vendor.id}: credentials.sdkAppId must be a positive integer`);
  }
  requireOption(vendor.id, 'credentials.identifier', credentials.identifier);
  if ('userSig' in credentials) {
    requireOption(vendor.id, 'credentials.userSig', credentials.userSig);
    return;
  }
  requireOption(vendor.id, 'credentials.secretKey', credentials.secretKey);
  const ttl = credentials.userSigTtlSeconds ?? DEFAULT_USERSIG_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= USERSIG_RENEW_BEFORE_SECONDS) {
    throw new ConfigurationError(`${vendor.id}: userSigTtlSeconds must be an integer above ${USERSIG_RENEW_BEFORE_SECONDS}`);
  }
}

/** The environment's credentials (TENCENT_IM_SDKAPPID, …): the SDKAppID as a number. */
function tencentCredentialsFromEnvironment(): TencentKeyCredentials {
  const found = credentialsFromEnvironment(vendor.id, credentialsEnvironment, ['sdkAppId', 'identifier', 'secretKey']);
  return { sdkAppId: Number(found.sdkAppId), identifier: found.identifier!, secretKey: found.secretKey! };
}

export function createTencentLiveClient(options: TencentLiveClientOptions): TencentLiveClient {
  const given = options.credentials ?? tencentCredentialsFromEnvironment();
  const credentials = credentialsSource<TencentCredentials>(vendor.id, given, checkTencentCredentials);
  // No region: the host follows the SDKAppID (the spec's defaultRegionBy), never China silently. A
  // provider's SDKAppID is known only at the first call: it needs the region (or endpoint) named.
  if (typeof given === 'function' && options.region === undefined && options.endpoint === undefined) {
    throw new ConfigurationError(`${vendor.id}: with a credentials provider, pass region (or endpoint): the SDKAppID decides the host otherwise`);
  }
  const { baseUrl } = resolveEndpoint(vendor.id, servers, options, typeof given === 'function' ? undefined : defaultRegionFor(vendor.defaultRegionBy, given));
  const crypto = options.crypto ?? defaultCrypto;
  const random = options.random ?? randomUint32;

  // One UserSig for every request until shortly before it expires, or until the credentials change
  // (a provider's new key). Issued at the signing date: the client's clock, corrected by Tencent's
  // after a 70001 (see VendorClock): once the clock is set, a UserSig issued on a clock that was
  // behind is past its renewal time, and one issued on a clock that was ahead is dated after the
  // corrected now — either is replaced.
  let cached: { userSig: Promise<string>; issuedAtUnix: number; renewAtUnix: number; from: TencentKeyCredentials } | null = null;
  function currentUserSig(date: Date, current: TencentCredentials): Promise<string> {
    if ('userSig' in current) return Promise.resolve(current.userSig);
    const nowUnix = Math.floor(date.getTime() / 1000);
    const ttl = current.userSigTtlSeconds ?? DEFAULT_USERSIG_TTL_SECONDS;
    const sameKey =
      cached !== null &&
      cached.from.sdkAppId === current.sdkAppId &&
      cached.from.identifier === current.identifier &&
      cached.from.secretKey === current.secretKey &&
      cached.from.userSigTtlSeconds === current.userSigTtlSeconds;
    if (!cached || !sameKey || nowUnix >= cached.renewAtUnix || nowUnix < cached.issuedAtUnix) {
      const userSig = createUserSig(crypto, {
        sdkAppId: current.sdkAppId,
        identifier: current.identifier,
        secretKey: current.secretKey,
        expireSeconds: ttl,
        nowUnix,
      });
      const issued = { userSig, issuedAtUnix: nowUnix, renewAtUnix: nowUnix + ttl - USERSIG_RENEW_BEFORE_SECONDS, from: current };
      cached = issued;
      userSig.catch(() => {
        if (cached === issued) cached = null;
      });
    }
    return cached.userSig;
  }

  const signer: RequestSigner<TencentCredentials> = {
    async sign({ baseUrl: base, path, query, body, contentType }, date, current) {
      const value = random();
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new ConfigurationError(`${vendor.id}: random() must return a 32-bit unsigned integer`);
      }
      const userSig = await currentUserSig(date, current);
      const auth: Array<[string, string]> = [
        ['sdkappid', String(current.sdkAppId)],
        ['identifier', current.identifier],
        ['usersig', userSig],
        ['random', String(value)],
        ['contenttype', 'json'],
      ];
      const headers: Record<string, string> = {};
      if (contentType) headers['content-type'] = contentType;
      // The key itself too, should a gateway echo it.
      return {
        url: `${base}${path}?${formEncode([...query, ...auth])}`,
        headers,
        body,
        secrets: [userSig, 'secretKey' in current ? current.secretKey : undefined],
      };
    },
  };
  return createClientMethods<TencentLiveClient, TencentCredentials>({ vendor, operations, baseUrl, credentials, signer, options });
}
