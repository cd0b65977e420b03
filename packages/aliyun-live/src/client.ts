import {
  createClientMethods,
  defaultCrypto,
  formEncode,
  requireOption,
  lastUrlParser,
  resolveEndpoint,
  ConfigurationError,
  type CommonClientOptions,
  type RequestSigner,
} from '@rollcall/runtime';
import { operations, servers, vendor, type OperationMethods } from './generated/operations.js';
import { aliyunV1CommonParams, aliyunV3Headers, flattenRpcParams, signAliyunV1, signAliyunV3, type AliyunCredentials } from './sign.js';

export type AliyunSignatureVersion = 'v3' | 'v1';

export interface AliyunLiveClientOptions extends CommonClientOptions {
  credentials: AliyunCredentials;
  /** `cn-shanghai` (default; also Beijing, Shenzhen, Qingdao, Tokyo, Mumbai, Jakarta), `ap-southeast-1`, `eu-central-1`. */
  region?: string | undefined;
  /** `v3` (ACS3-HMAC-SHA256, default, what the current official clients use) or `v1` (HMAC-SHA1). */
  signatureVersion?: AliyunSignatureVersion | undefined;
  /** Source of the per-request signature nonce; default `crypto.randomUUID()`. Must never repeat. */
  nonce?: (() => string) | undefined;
}

export type AliyunLiveClient = OperationMethods;

export function createAliyunLiveClient(options: AliyunLiveClientOptions): AliyunLiveClient {
  const credentials = options.credentials ?? ({} as AliyunCredentials);
  requireOption(vendor.id, 'credentials.accessKeyId', credentials.accessKeyId);
  requireOption(vendor.id, 'credentials.accessKeySecret', credentials.accessKeySecret);
  const signatureVersion = options.signatureVersion ?? 'v3';
  if (signatureVersion !== 'v3' && signatureVersion !== 'v1') {
    throw new ConfigurationError(`${vendor.id}: signatureVersion must be "v3" or "v1"`);
  }
  const { baseUrl } = resolveEndpoint(vendor.id, servers, options);
  const crypto = options.crypto ?? defaultCrypto;
  const nonce = options.nonce ?? (() => globalThis.crypto.randomUUID());

  const parseUrl = lastUrlParser();
  const signer: RequestSigner = {
    async sign({ operation, baseUrl: base, method, path, query, body, contentType }, date) {
      const url = parseUrl(base + path);
      if (signatureVersion === 'v3') {
        const headers = await aliyunV3Headers(crypto, {
          host: url.host,
          action: operation.action!,
          version: operation.version!,
          date,
          nonce: nonce(),
          body,
          contentType,
          credentials,
        });
        const signed = await signAliyunV3(crypto, { method, pathname: url.pathname, query, headers, body, credentials });
        const search = query.length ? `?${formEncode(query)}` : '';
        return {
          url: `${url.origin}${url.pathname}${search}`,
          headers: { ...headers, authorization: signed.authorization },
          body,
          secrets: [signed.authorization, signed.signature, credentials.securityToken],
        };
      }
      const common = aliyunV1CommonParams({
        action: operation.action!,
        version: operation.version!,
        date,
        nonce: nonce(),
        credentials,
      });
      const bodyParams = body === undefined ? {} : Object.fromEntries(new URLSearchParams(body));
      const signed = await signAliyunV1(crypto, {
        method,
        params: { ...flattenRpcParams(bodyParams), ...flattenRpcParams(Object.fromEntries(query)), ...common },
        accessKeySecret: credentials.accessKeySecret,
      });
      const search = formEncode([...query, ...Object.entries(common), ['Signature', signed.signature]]);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (contentType) headers['content-type'] = contentType;
      return { url: `${url.origin}${url.pathname}?${search}`, headers, body, secrets: [signed.signature, credentials.securityToken] };
    },
  };
  return createClientMethods<AliyunLiveClient>({ vendor, operations, baseUrl, signer, options });
}
