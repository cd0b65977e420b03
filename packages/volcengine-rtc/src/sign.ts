// Volcengine request signing (HMAC-SHA256, "request" scope), as the official signer
// (@volcengine/openapi lib/base/sign.js) computes it. Reproduces the vendor's vectors byte for byte.
import { canonicalRequest as buildCanonicalRequest, compareCodeUnits, percentEncode, toHex, type CryptoProvider } from '@rollcall/runtime';

export interface VolcengineCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary (STS) credentials; sent and signed as `X-Security-Token`. */
  sessionToken?: string | undefined;
}

export interface VolcengineSigningInput {
  method: string;
  pathname: string;
  /** Query parameters as sent (decoded); repeated keys allowed. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Headers the caller sends; all but the unsignable ones are signed. */
  headers?: Readonly<Record<string, string>>;
  /** The exact body bytes (as a string); undefined when no body is sent. */
  body?: string | undefined;
  region: string;
  service: string;
  credentials: VolcengineCredentials;
  date: Date;
}

export interface VolcengineSignature {
  xDate: string;
  credentialScope: string;
  canonicalQuery: string;
  canonicalRequest: string;
  stringToSign: string;
  signingKeyHex: string;
  signature: string;
  signedHeaders: string;
  authorization: string;
  /** The caller's headers plus X-Date, X-Security-Token, X-Content-Sha256 and Authorization. */
  headers: Record<string, string>;
}

// The official signer leaves these out of the signature; every other header is signed.
const UNSIGNABLE_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'user-agent', 'presigned-expires', 'expect']);

/** `YYYYMMDD'T'HHMMSS'Z'` in UTC. */
export function volcengineDate(date: Date): string {
  // Sliced from the fixed ISO form (YYYY-MM-DDTHH:mm:ss.sssZ): three regular expressions cost
  // more than the rest of the date's share of a call.
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Sorted by key, repeated keys by encoded value; RFC 3986 encoding. The same string is sent. */
export function volcengineCanonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort((a, b) => compareCodeUnits(a[0], b[0]) || compareCodeUnits(a[1], b[1]))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

// The key chain depends only on the secret, the day, the region and the service: derive it once a
// day rather than with four HMACs per request. Keyed by the crypto provider too (tests use two).
const keyCache = new WeakMap<CryptoProvider, Map<string, Promise<Uint8Array>>>();

function signingKeyFor(crypto: CryptoProvider, secret: string, shortDate: string, region: string, service: string): Promise<Uint8Array> {
  let cache = keyCache.get(crypto);
  if (!cache) keyCache.set(crypto, (cache = new Map()));
  const id = `${shortDate}\u0000${region}\u0000${service}\u0000${secret}`;
  let key = cache.get(id);
  if (!key) {
    // One day's keys at a time: the map never grows past the regions and services in use.
    if (cache.size > 16) cache.clear();
    key = (async () => {
      const kDate = await crypto.hmacSha256(secret, shortDate);
      const kRegion = await crypto.hmacSha256(kDate, region);
      const kService = await crypto.hmacSha256(kRegion, service);
      return crypto.hmacSha256(kService, 'request');
    })();
    cache.set(id, key);
  }
  return key;
}

export async function signVolcengineRequest(crypto: CryptoProvider, input: VolcengineSigningInput): Promise<VolcengineSignature> {
  const xDate = volcengineDate(input.date);
  const shortDate = xDate.slice(0, 8);
  const headers: Record<string, string> = { ...input.headers, 'X-Date': xDate };
  if (input.credentials.sessionToken) headers['X-Security-Token'] = input.credentials.sessionToken;
  const payloadHash = await crypto.sha256Hex(input.body ?? '');
  if (input.body !== undefined) headers['X-Content-Sha256'] = payloadHash;

  const canonicalQuery = volcengineCanonicalQuery(input.query);
  const { canonicalRequest, signedHeaders } = buildCanonicalRequest({
    method: input.method,
    pathname: input.pathname,
    canonicalQuery,
    // Values trimmed, inner runs of white space collapsed to one space.
    headers: Object.entries(headers)
      .map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')] as const)
      .filter(([k]) => !UNSIGNABLE_HEADERS.has(k)),
    payloadHash,
  });
  const credentialScope = `${shortDate}/${input.region}/${input.service}/request`;
  const stringToSign = ['HMAC-SHA256', xDate, credentialScope, await crypto.sha256Hex(canonicalRequest)].join('\n');

  const signingKey = await signingKeyFor(crypto, input.credentials.secretAccessKey, shortDate, input.region, input.service);
  const signature = toHex(await crypto.hmacSha256(signingKey, stringToSign));
  const authorization = `HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  headers.Authorization = authorization;
  return {
    xDate,
    credentialScope,
    canonicalQuery,
    canonicalRequest,
    stringToSign,
    signingKeyHex: toHex(signingKey),
    signature,
    signedHeaders,
    authorization,
    headers,
  };
}
