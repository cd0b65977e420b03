// Alibaba Cloud request signing, as the official clients (@alicloud/openapi-client 0.4.x,
// @alicloud/openapi-util) compute it: V3 `ACS3-HMAC-SHA256` (default) and V1 HMAC-SHA1 for RPC.
import { canonicalRequest as buildCanonicalRequest, compareCodeUnits, percentEncode, toBase64, toHex, type CryptoProvider } from '@rollcall/runtime';

export interface AliyunCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** For temporary (STS) credentials. */
  securityToken?: string | undefined;
}

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC: V3's `x-acs-date` and V1's `Timestamp`. */
export function aliyunTimestamp(date: Date): string {
  // The fixed ISO form (YYYY-MM-DDTHH:mm:ss.sssZ) without its milliseconds.
  return `${date.toISOString().slice(0, 19)}Z`;
}

export interface AliyunV3HeaderInput {
  host: string;
  action: string;
  version: string;
  date: Date;
  nonce: string;
  body: string | undefined;
  contentType: string | undefined;
  credentials: AliyunCredentials;
}

/** The headers the official V3 client sends (all but `accept` and `user-agent` are signed). */
export async function aliyunV3Headers(crypto: CryptoProvider, input: AliyunV3HeaderInput): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    host: input.host,
    'x-acs-version': input.version,
    'x-acs-action': input.action,
    'x-acs-date': aliyunTimestamp(input.date),
    'x-acs-signature-nonce': input.nonce,
    accept: 'application/json',
  };
  if (input.contentType) headers['content-type'] = input.contentType;
  headers['x-acs-content-sha256'] = await crypto.sha256Hex(input.body ?? '');
  headers['x-acs-credentials-provider'] = input.credentials.securityToken ? 'static_sts' : 'static_ak';
  if (input.credentials.securityToken) {
    headers['x-acs-accesskey-id'] = input.credentials.accessKeyId;
    headers['x-acs-security-token'] = input.credentials.securityToken;
  }
  return headers;
}

export interface AliyunV3SigningInput {
  method: string;
  pathname: string;
  query: ReadonlyArray<readonly [string, string]>;
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
  credentials: Pick<AliyunCredentials, 'accessKeyId' | 'accessKeySecret'>;
}

export interface AliyunV3Signature {
  payloadHash: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedHeaders: string;
  authorization: string;
}

export async function signAliyunV3(crypto: CryptoProvider, input: AliyunV3SigningInput): Promise<AliyunV3Signature> {
  const lowered = Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v] as const);
  const payloadHash = lowered.find(([k]) => k === 'x-acs-content-sha256')?.[1] ?? (await crypto.sha256Hex(input.body ?? ''));
  const { canonicalRequest, signedHeaders } = buildCanonicalRequest({
    method: input.method,
    pathname: input.pathname,
    // Quirk of the official canonicaliser: values are percent-encoded, keys are used as they are.
    canonicalQuery: [...input.query]
      .sort((a, b) => compareCodeUnits(a[0], b[0]))
      .map(([k, v]) => `${k}=${percentEncode(v)}`)
      .join('&'),
    // Header values are trimmed only; inner runs of white space are kept (unlike Volcengine).
    headers: lowered.filter(([k]) => k === 'host' || k === 'content-type' || k.startsWith('x-acs-')).map(([k, v]) => [k, v.trim()] as const),
    payloadHash,
  });
  const stringToSign = `ACS3-HMAC-SHA256\n${await crypto.sha256Hex(canonicalRequest)}`;
  const signature = toHex(await crypto.hmacSha256(input.credentials.accessKeySecret, stringToSign));
  return {
    payloadHash,
    canonicalRequest,
    stringToSign,
    signature,
    signedHeaders,
    authorization: `ACS3-HMAC-SHA256 Credential=${input.credentials.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
  };
}

export interface AliyunV1CommonInput {
  action: string;
  version: string;
  date: Date;
  nonce: string;
  credentials: Pick<AliyunCredentials, 'accessKeyId' | 'securityToken'>;
  format?: string | undefined;
}

/** The V1 common parameters, in the order the official client writes them. */
export function aliyunV1CommonParams(input: AliyunV1CommonInput): Record<string, string> {
  const params: Record<string, string> = {
    Action: input.action,
    Format: input.format ?? 'json',
    Version: input.version,
    Timestamp: aliyunTimestamp(input.date),
    SignatureNonce: input.nonce,
  };
  if (input.credentials.securityToken) params.SecurityToken = input.credentials.securityToken;
  params.SignatureMethod = 'HMAC-SHA1';
  params.SignatureVersion = '1.0';
  params.AccessKeyId = input.credentials.accessKeyId;
  return params;
}

/** Arrays become `Key.1, Key.2…`, objects `Key.Sub`, as the official RPC signer flattens them. */
export function flattenRpcParams(params: Readonly<Record<string, unknown>>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      Object.assign(out, flattenRpcParams(Object.fromEntries(value.map((v, i) => [String(i + 1), v])), name));
    } else if (typeof value === 'object') {
      Object.assign(out, flattenRpcParams(value as Record<string, unknown>, name));
    } else {
      out[name] = String(value);
    }
  }
  return out;
}

export interface AliyunV1Signature {
  canonicalizedQuery: string;
  stringToSign: string;
  signature: string;
}

/** V1: every parameter (common, query and body) sorted, encoded, signed with `secret + "&"`. */
export async function signAliyunV1(
  crypto: CryptoProvider,
  input: { method: string; params: Readonly<Record<string, string>>; accessKeySecret: string },
): Promise<AliyunV1Signature> {
  const canonicalizedQuery = Object.keys(input.params)
    .sort(compareCodeUnits)
    .map((k) => `${percentEncode(k)}=${percentEncode(input.params[k]!)}`)
    .join('&');
  const stringToSign = `${input.method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalizedQuery)}`;
  const signature = toBase64(await crypto.hmacSha1(`${input.accessKeySecret}&`, stringToSign));
  return { canonicalizedQuery, stringToSign, signature };
}
