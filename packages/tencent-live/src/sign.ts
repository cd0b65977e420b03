// Tencent Cloud IM UserSig (TLS v2), as tls-sig-api-v2 computes it, and the REST query it rides in.
import { fromBase64, fromUtf8, toBase64, utf8, type CryptoProvider } from '@rollcall/runtime';

export interface UserSigInput {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  /** Validity in seconds from `nowUnix`. */
  expireSeconds: number;
  /** Issue time, Unix seconds. */
  nowUnix: number;
  /** Base64 user buffer (TRTC privilege maps); omitted for IM REST. */
  userbuf?: string | undefined;
}

export interface UserSigDocument {
  'TLS.ver': string;
  'TLS.identifier': string;
  'TLS.sdkappid': number;
  'TLS.time': number;
  'TLS.expire': number;
  'TLS.userbuf'?: string;
  'TLS.sig': string;
}

/** The string whose HMAC-SHA256 is `TLS.sig`. */
export function userSigContent(input: Omit<UserSigInput, 'secretKey'>): string {
  let content =
    `TLS.identifier:${input.identifier}\n` + `TLS.sdkappid:${input.sdkAppId}\n` + `TLS.time:${input.nowUnix}\n` + `TLS.expire:${input.expireSeconds}\n`;
  if (input.userbuf !== undefined) content += `TLS.userbuf:${input.userbuf}\n`;
  return content;
}

// URL-safe alphabet of the token: + → *, / → -, = → _.
const ESCAPE: Record<string, string> = { '+': '*', '/': '-', '=': '_' };
const UNESCAPE: Record<string, string> = { '*': '+', '-': '/', _: '=' };

export async function userSigHmac(crypto: CryptoProvider, input: UserSigInput): Promise<string> {
  return toBase64(await crypto.hmacSha256(input.secretKey, userSigContent(input)));
}

/** A UserSig: the signed JSON document, zlib-deflated, base64 with the URL-safe substitutions. */
export async function createUserSig(crypto: CryptoProvider, input: UserSigInput): Promise<string> {
  // Key order is part of the format: TLS.sig comes last.
  const doc: Omit<UserSigDocument, 'TLS.sig'> & { 'TLS.sig'?: string } = {
    'TLS.ver': '2.0',
    'TLS.identifier': input.identifier,
    'TLS.sdkappid': input.sdkAppId,
    'TLS.time': input.nowUnix,
    'TLS.expire': input.expireSeconds,
  };
  if (input.userbuf !== undefined) doc['TLS.userbuf'] = input.userbuf;
  doc['TLS.sig'] = await userSigHmac(crypto, input);
  const compressed = await crypto.deflate(utf8(JSON.stringify(doc)));
  return toBase64(compressed).replace(/[+/=]/g, (c) => ESCAPE[c]!);
}

/** The document inside a UserSig (no verification; see `verifyUserSig`). */
export async function decodeUserSig(crypto: CryptoProvider, userSig: string): Promise<UserSigDocument> {
  const compressed = fromBase64(userSig.replace(/[*\-_]/g, (c) => UNESCAPE[c]!));
  return JSON.parse(fromUtf8(await crypto.inflate(compressed))) as UserSigDocument;
}

/** Whether `userSig` was made with `secretKey` and is unexpired at `nowUnix`. */
export async function verifyUserSig(
  crypto: CryptoProvider,
  userSig: string,
  secretKey: string,
  nowUnix: number,
): Promise<{ valid: boolean; expired: boolean; doc: UserSigDocument }> {
  const doc = await decodeUserSig(crypto, userSig);
  const expected = await userSigHmac(crypto, {
    sdkAppId: doc['TLS.sdkappid'],
    identifier: doc['TLS.identifier'],
    secretKey,
    expireSeconds: doc['TLS.expire'],
    nowUnix: doc['TLS.time'],
    userbuf: doc['TLS.userbuf'],
  });
  return { valid: expected === doc['TLS.sig'], expired: nowUnix >= doc['TLS.time'] + doc['TLS.expire'], doc };
}

/**
 * The TRTC PrivateMapKey user buffer (cVer 0 with a numeric room, 1 with a string room), as
 * tls-sig-api-v2's genPrivateMapKey / genPrivateMapKeyWithStringRoomID build it.
 */
export function privateMapKeyUserbuf(input: {
  identifier: string;
  sdkAppId: number;
  roomId: number;
  expireAtUnix: number;
  privilegeMap: number;
  accountType?: number;
  roomStr?: string | undefined;
}): string {
  const account = utf8(input.identifier);
  const room = input.roomStr === undefined ? null : utf8(input.roomStr);
  const out = new Uint8Array(1 + 2 + account.length + 20 + (room ? 2 + room.length : 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  out[offset++] = room ? 1 : 0;
  view.setUint16(offset, account.length);
  offset += 2;
  out.set(account, offset);
  offset += account.length;
  for (const value of [input.sdkAppId, input.roomId, input.expireAtUnix, input.privilegeMap, input.accountType ?? 0]) {
    view.setUint32(offset, value >>> 0);
    offset += 4;
  }
  if (room) {
    view.setUint16(offset, room.length);
    offset += 2;
    out.set(room, offset);
  }
  return toBase64(out);
}
