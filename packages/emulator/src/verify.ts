// Signature checks as the vendors make them, built on the same signers the clients use (which
// reproduce the vendors' own SDK vectors). Each returns null when the request is authentic, or the
// vendor's error code for why not.
import { crypto } from '@rollcall/runtime/crypto/node';
import { signAliyunV1, signAliyunV3 } from '@rollcall/aliyun-live';
import { verifyUserSig } from '@rollcall/tencent-live';
import { signVolcengineRequest } from '@rollcall/volcengine-rtc';
import { routeAliyun, type ReceivedRequest } from './wire/index.js';
import type { TemporaryKeys } from './temporary.js';
import type { EmulatorCredentials } from './world.js';

export type { ReceivedRequest };

/** Vendors refuse requests dated more than 15 minutes from their clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

export type VerifyResult = { ok: true; account: string } | { ok: false; code: string; message: string };

/** What each refusal says, in the vendors' words where they document them. */
const REFUSALS: Record<string, string> = {
  MissingRequestInfo: 'The request carries no Authorization header.',
  InvalidAccessKey: 'The access key id is not valid.',
  SignatureDoesNotMatch: 'The request signature we calculated does not match the signature you provided.',
  InvalidTimestamp: 'The request date is more than 15 minutes from the server time.',
  IncompleteSignature: 'The request signature does not conform to Aliyun standards.',
  InvalidSecretToken: 'The security token is not valid for this access key, or has expired.',
  'InvalidAccessKeyId.NotFound': 'Specified access key is not found.',
  'InvalidSecurityToken.Expired': 'Specified SecurityToken is expired.',
  'InvalidSecurityToken.MismatchWithAccessKey': 'Specified SecurityToken mismatch with the AccessKey.',
  'InvalidTimeStamp.Expired': 'Specified time stamp or date value is expired.',
  SignatureNonceUsed: 'Specified signature nonce was used already.',
  '60002': 'HTTP parse error: sdkappid, identifier, usersig and random are required in the URL.',
  '60006': 'The SDKAppID is not valid.',
  '60010': 'The request needs an app administrator as identifier.',
  '70001': 'The UserSig has expired.',
  '70003': 'The UserSig is malformed.',
  '70009': 'The UserSig does not verify: signed with another secret key.',
  '70013': "The UserSig's identifier or SDKAppID does not match the request's.",
  '70020': 'The SDKAppID of the UserSig was not found.',
};

const fail = (code: string): VerifyResult => ({ ok: false, code, message: REFUSALS[code] ?? code });

function parseCompactDate(value: string | undefined): number | null {
  const m = value?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
}

/**
 * The secret a request's access key signs with: the account's own, or a temporary key's whose token
 * came with it and has not expired; otherwise the vendor's code for why not.
 */
function secretFor(
  vendor: 'volcengine' | 'aliyun',
  accessKeyId: string,
  token: string | undefined,
  account: { accessKeyId: string; secret: string },
  temporary: TemporaryKeys | undefined,
  now: number,
): { secret: string } | { code: string } {
  if (accessKeyId === account.accessKeyId) return { secret: account.secret };
  const found = temporary?.check(vendor, accessKeyId, token, now) ?? { refused: 'unknown' as const };
  if ('secret' in found) return found;
  const codes = {
    volcengine: { unknown: 'InvalidAccessKey', token: 'InvalidSecretToken', expired: 'InvalidSecretToken' },
    aliyun: { unknown: 'InvalidAccessKeyId.NotFound', token: 'InvalidSecurityToken.MismatchWithAccessKey', expired: 'InvalidSecurityToken.Expired' },
  } as const;
  return { code: codes[vendor][found.refused] };
}

export async function verifyVolcengine(
  req: ReceivedRequest,
  creds: EmulatorCredentials['volcengine'],
  now: number,
  temporary?: TemporaryKeys,
): Promise<VerifyResult> {
  const auth = req.headers.authorization;
  if (!auth) return fail('MissingRequestInfo');
  const m = auth.match(/^HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/);
  if (!m) return fail('SignatureDoesNotMatch');
  const [, accessKeyId, , region, service, signedHeaders, signature] = m;
  const key = secretFor(
    'volcengine',
    accessKeyId!,
    req.headers['x-security-token'],
    { accessKeyId: creds.accessKeyId, secret: creds.secretAccessKey },
    temporary,
    now,
  );
  if ('code' in key) return fail(key.code);
  const date = parseCompactDate(req.headers['x-date']);
  if (date === null || Math.abs(now - date) > MAX_SKEW_MS) return fail('InvalidTimestamp');
  const hasBody = 'x-content-sha256' in req.headers;
  if (hasBody && req.headers['x-content-sha256'] !== (await crypto.sha256Hex(req.body))) return fail('SignatureDoesNotMatch');
  // The signer adds X-Date, X-Content-Sha256 and X-Security-Token itself; pass the other signed ones.
  const automatic = new Set(['x-date', 'x-content-sha256', 'x-security-token']);
  const headers = Object.fromEntries(
    signedHeaders!
      .split(';')
      .filter((h) => !automatic.has(h))
      .map((h) => [h, req.headers[h] ?? '']),
  );
  const expected = await signVolcengineRequest(crypto, {
    method: req.method,
    pathname: req.url.pathname,
    query: [...req.url.searchParams],
    headers,
    body: hasBody ? req.body : undefined,
    region: region!,
    service: service!,
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: key.secret, sessionToken: req.headers['x-security-token'] },
    date: new Date(date),
  });
  // The account's quota, whichever of its keys signed.
  return expected.signature === signature && expected.signedHeaders === signedHeaders
    ? { ok: true, account: creds.accessKeyId }
    : fail('SignatureDoesNotMatch');
}

export class NonceLog {
  readonly #seen = new Map<string, number>();
  /** False when `nonce` was used within the skew window. */
  claim(nonce: string, now: number): boolean {
    for (const [n, at] of this.#seen) {
      if (now - at <= MAX_SKEW_MS) break;
      this.#seen.delete(n);
    }
    if (this.#seen.has(nonce)) return false;
    this.#seen.set(nonce, now);
    return true;
  }
}

export async function verifyAliyun(
  req: ReceivedRequest,
  creds: EmulatorCredentials['aliyun'],
  now: number,
  nonces: NonceLog,
  temporary?: TemporaryKeys,
): Promise<VerifyResult> {
  const account = { accessKeyId: creds.accessKeyId, secret: creds.accessKeySecret };
  const auth = req.headers.authorization;
  if (auth) {
    const m = auth.match(/^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$/);
    if (!m) return fail('IncompleteSignature');
    const [, accessKeyId, signedHeaders, signature] = m;
    const key = secretFor('aliyun', accessKeyId!, req.headers['x-acs-security-token'], account, temporary, now);
    if ('code' in key) return fail(key.code);
    const date = Date.parse(req.headers['x-acs-date'] ?? '');
    if (Number.isNaN(date) || Math.abs(now - date) > MAX_SKEW_MS) return fail('InvalidTimeStamp.Expired');
    if (req.headers['x-acs-content-sha256'] !== (await crypto.sha256Hex(req.body))) return fail('SignatureDoesNotMatch');
    const headers = Object.fromEntries(signedHeaders!.split(';').map((h) => [h, req.headers[h] ?? '']));
    const expected = await signAliyunV3(crypto, {
      method: req.method,
      pathname: req.url.pathname,
      query: [...req.url.searchParams],
      headers,
      body: req.body,
      credentials: { accessKeyId: accessKeyId!, accessKeySecret: key.secret },
    });
    if (expected.signature !== signature || expected.signedHeaders !== signedHeaders) return fail('SignatureDoesNotMatch');
    if (!nonces.claim(req.headers['x-acs-signature-nonce'] ?? '', now)) return fail('SignatureNonceUsed');
    return { ok: true, account: creds.accessKeyId };
  }
  // V1: every parameter is signed, wherever it travels — the query (GET, or our POST) or the form
  // body (pop-core's POST puts Action, Signature and the rest there).
  const { params: all } = routeAliyun(req);
  const { Signature, ...params } = all;
  if (!Signature) return fail('IncompleteSignature');
  const key = secretFor('aliyun', params.AccessKeyId ?? '', params.SecurityToken, account, temporary, now);
  if ('code' in key) return fail(key.code);
  const timestamp = Date.parse(params.Timestamp ?? '');
  if (Number.isNaN(timestamp) || Math.abs(now - timestamp) > MAX_SKEW_MS) return fail('InvalidTimeStamp.Expired');
  const expected = await signAliyunV1(crypto, { method: req.method, params, accessKeySecret: key.secret });
  if (expected.signature !== Signature) return fail('SignatureDoesNotMatch');
  if (!nonces.claim(params.SignatureNonce ?? '', now)) return fail('SignatureNonceUsed');
  return { ok: true, account: creds.accessKeyId };
}

/** Tencent: the app the request names (a China or an international one), its UserSig checked with that app's key. */
export async function verifyTencent(req: ReceivedRequest, apps: readonly EmulatorCredentials['tencent'][], now: number): Promise<VerifyResult> {
  const q = Object.fromEntries(req.url.searchParams);
  if (!q.sdkappid || !q.identifier || !q.usersig || !q.random) return fail('60002');
  const creds = apps.find((app) => q.sdkappid === String(app.sdkAppId));
  if (!creds) return fail('60006');
  let result;
  try {
    result = await verifyUserSig(crypto, q.usersig, creds.secretKey, Math.floor(now / 1000));
  } catch {
    return fail('70003');
  }
  if (!result.valid) return fail(result.doc['TLS.sdkappid'] === creds.sdkAppId ? '70009' : '70020');
  if (result.doc['TLS.identifier'] !== q.identifier || String(result.doc['TLS.sdkappid']) !== q.sdkappid) return fail('70013');
  if (result.expired) return fail('70001');
  if (q.identifier !== creds.identifier) return fail('60010');
  return { ok: true, account: q.sdkappid };
}

/** Agora: HTTP Basic with the account's Customer ID and Secret; the account is the Customer ID. */
export function verifyAgora(req: ReceivedRequest, creds: EmulatorCredentials['agora']): VerifyResult {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
  if (!match) return { ok: false, code: '401', message: 'Unauthorized: the request carries no Basic authorization' };
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const customerId = colon < 0 ? decoded : decoded.slice(0, colon);
  if (customerId !== creds.customerId || decoded.slice(colon + 1) !== creds.customerSecret) {
    return { ok: false, code: '401', message: 'Unauthorized: the Customer ID and Customer Secret do not match' };
  }
  return { ok: true, account: customerId };
}

/** The Customer ID of a Basic authorization, unchecked (behind proxies that rewrite requests). */
export function agoraAccount(req: ReceivedRequest): string {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
  return match ? Buffer.from(match[1]!, 'base64').toString('utf8').split(':')[0]! : 'unchecked';
}
