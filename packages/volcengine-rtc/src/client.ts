import {
  createClientMethods,
  credentialsFromEnvironment,
  credentialsSource,
  defaultCrypto,
  lastUrlParser,
  requireOption,
  resolveEndpoint,
  type CommonClientOptions,
  type CredentialsOption,
  type RequestSigner,
} from '@rollcall/runtime';
import { credentialsEnvironment, operations, servers, vendor, type OperationMethods } from './generated/operations.js';
import { signVolcengineRequest, type VolcengineCredentials } from './sign.js';

export interface VolcengineRtcClientOptions extends CommonClientOptions {
  /**
   * The access key (temporary keys with their `sessionToken`); or a provider of them, an async
   * function returning them with their `expiration`, refreshed before they expire; or, left out,
   * the environment: `VOLC_ACCESSKEY`, `VOLC_SECRETKEY` and `VOLC_SESSION_TOKEN`.
   */
  credentials?: CredentialsOption<VolcengineCredentials> | undefined;
  /**
   * `cn-north-1` (default) or the overseas region, written `ap-southeast-1` in the docs or
   * `ap-singapore-1` in the Go SDK. On the spec's servers each operation signs the region its
   * service signs there (overseas: IM `ap-southeast-1`, RTC `ap-singapore-1`, as volc-sdk-golang
   * does); with `endpoint`, the region given is the one signed.
   */
  region?: string | undefined;
}

export type VolcengineRtcClient = OperationMethods;

export function createVolcengineRtcClient(options: VolcengineRtcClientOptions): VolcengineRtcClient {
  const credentials = credentialsSource<VolcengineCredentials>(
    vendor.id,
    options.credentials ??
      (credentialsFromEnvironment(vendor.id, credentialsEnvironment, ['accessKeyId', 'secretAccessKey']) as unknown as VolcengineCredentials),
    (given) => {
      requireOption(vendor.id, 'credentials.accessKeyId', given.accessKeyId);
      requireOption(vendor.id, 'credentials.secretAccessKey', given.secretAccessKey);
    },
  );
  const { baseUrl, region = servers[0].region, serverRegion } = resolveEndpoint(vendor.id, servers, options);
  const crypto = options.crypto ?? defaultCrypto;
  const service = vendor.service;

  const parseUrl = lastUrlParser();
  const signer: RequestSigner<VolcengineCredentials> = {
    async sign({ operation, baseUrl: base, method, path, query, body, contentType }, date, credentials) {
      const url = parseUrl(base + path);
      const signed = await signVolcengineRequest(crypto, {
        method,
        pathname: url.pathname,
        query: [['Action', operation.action!], ['Version', operation.version!], ...query],
        headers: contentType ? { 'Content-Type': contentType } : {},
        body,
        // On a server of the spec, the region each service signs there (IM and RTC differ overseas).
        region: (serverRegion && operation.signingRegions?.[serverRegion]) || region,
        service,
        credentials,
        date,
      });
      return {
        url: `${url.origin}${url.pathname}?${signed.canonicalQuery}`,
        headers: signed.headers,
        body,
        secrets: [signed.authorization, signed.signature, credentials.sessionToken],
      };
    },
  };
  return createClientMethods<VolcengineRtcClient, VolcengineCredentials>({ vendor, operations, baseUrl, credentials, signer, options });
}
