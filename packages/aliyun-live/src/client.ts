import {
  createClientMethods,
  credentialsFromEnvironment,
  credentialsSource,
  defaultCrypto,
  liveCredentialsSource,
  formEncode,
  requireOption,
  lastUrlParser,
  resolveEndpoint,
  ConfigurationError,
  type CommonClientOptions,
  type CredentialsOption,
  type CredentialsSource,
  type RequestSigner,
} from '@rollcall/runtime';
import { credentialsEnvironment, operations, servers, vendor, type OperationMethods } from './generated/operations.js';
import { aliyunV1CommonParams, aliyunV3Headers, flattenRpcParams, signAliyunV1, signAliyunV3, type AliyunCredentials } from './sign.js';

export type AliyunSignatureVersion = 'v3' | 'v1';

/**
 * Alibaba Cloud's own credentials client (`new Credential()` of `@alicloud/credentials`, an optional
 * peer dependency): its default chain — environment, OIDC/RRSA, profile file, ECS RAM role — or
 * any one of its providers, with its own caching and refreshing. Asked at every attempt, as the
 * vendor's clients ask it.
 */
export interface AlibabaCloudCredentialClient {
  getCredential(): Promise<{ accessKeyId?: string | undefined; accessKeySecret?: string | undefined; securityToken?: string | undefined }>;
}

export interface AliyunLiveClientOptions extends CommonClientOptions {
  /**
   * The AccessKey pair (STS keys with their `securityToken`); a provider of them, an async function
   * returning them with their `expiration`, refreshed before they expire; Alibaba Cloud's own
   * credentials client (`@alicloud/credentials`); or, left out, the environment:
   * `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`.
   */
  credentials?: CredentialsOption<AliyunCredentials> | AlibabaCloudCredentialClient | undefined;
  /** `cn-shanghai` (default; also Beijing, Shenzhen, Qingdao, Tokyo, Mumbai, Jakarta), `ap-southeast-1`, `eu-central-1`. */
  region?: string | undefined;
  /** `v3` (ACS3-HMAC-SHA256, default, what the current official clients use) or `v1` (HMAC-SHA1). */
  signatureVersion?: AliyunSignatureVersion | undefined;
  /** Source of the per-request signature nonce; default `crypto.randomUUID()`. Must never repeat. */
  nonce?: (() => string) | undefined;
}

export type AliyunLiveClient = OperationMethods;

export function createAliyunLiveClient(options: AliyunLiveClientOptions): AliyunLiveClient {
  const credentials = aliyunCredentialsSource(options.credentials);
  const signatureVersion = options.signatureVersion ?? 'v3';
  if (signatureVersion !== 'v3' && signatureVersion !== 'v1') {
    throw new ConfigurationError(`${vendor.id}: signatureVersion must be "v3" or "v1"`);
  }
  const { baseUrl } = resolveEndpoint(vendor.id, servers, options);
  const crypto = options.crypto ?? defaultCrypto;
  const nonce = options.nonce ?? (() => globalThis.crypto.randomUUID());

  const parseUrl = lastUrlParser();
  const signer: RequestSigner<AliyunCredentials> = {
    async sign({ operation, baseUrl: base, method, path, query, body, contentType }, date, credentials) {
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
  return createClientMethods<AliyunLiveClient, AliyunCredentials>({ vendor, operations, baseUrl, credentials, signer, options });
}

function checkAliyunCredentials(given: AliyunCredentials): void {
  requireOption(vendor.id, 'credentials.accessKeyId', given.accessKeyId);
  requireOption(vendor.id, 'credentials.accessKeySecret', given.accessKeySecret);
}

function aliyunCredentialsSource(option: AliyunLiveClientOptions['credentials']): CredentialsSource<AliyunCredentials> {
  if (option && typeof option === 'object' && typeof (option as AlibabaCloudCredentialClient).getCredential === 'function') {
    // Its CredentialModel has our three fields (and others the signer never reads).
    const client = option as AlibabaCloudCredentialClient;
    return liveCredentialsSource(vendor.id, () => client.getCredential() as Promise<AliyunCredentials>, checkAliyunCredentials);
  }
  const given = option as CredentialsOption<AliyunCredentials> | undefined;
  return credentialsSource(
    vendor.id,
    given ?? (credentialsFromEnvironment(vendor.id, credentialsEnvironment, ['accessKeyId', 'accessKeySecret']) as unknown as AliyunCredentials),
    checkAliyunCredentials,
  );
}
