import {
  createClientMethods,
  credentialsFromEnvironment,
  credentialsSource,
  requireOption,
  resolveEndpoint,
  toBase64,
  utf8,
  type CommonClientOptions,
  type CredentialsOption,
  type RequestSigner,
} from '@rollcall/runtime';
import { credentialsEnvironment, operations, servers, vendor, type OperationMethods } from './generated/operations.js';

/** The account's RESTful API key pair (console → Developer Toolkit → RESTful API). */
export interface AgoraCredentials {
  customerId: string;
  customerSecret: string;
}

export interface AgoraRtcClientOptions extends CommonClientOptions {
  /**
   * The RESTful API key pair; a provider of it, an async function returning it (with an
   * `expiration` if it has one); or, left out, the environment: `AGORA_CUSTOMER_ID`,
   * `AGORA_CUSTOMER_SECRET`.
   */
  credentials?: CredentialsOption<AgoraCredentials> | undefined;
  /**
   * `global` (api.agora.io, the default: servers outside mainland China), `china` (api.sd-rtn.com),
   * or a regional domain (`us-west-1`, `us-east-1`, `ap-southeast-1`, `ap-northeast-1`,
   * `eu-west-1`, `eu-central-1`, `cn-east-1`, `cn-north-1`) — Agora asks you to check that
   * channel management is deployed there first. Any other host: `endpoint`.
   */
  region?: string | undefined;
}

export type AgoraRtcClient = OperationMethods;

/** `Basic base64(customerId:customerSecret)`, as Agora's RESTful authentication page gives it. */
export function basicAuthorization(credentials: AgoraCredentials): string {
  return `Basic ${toBase64(utf8(`${credentials.customerId}:${credentials.customerSecret}`))}`;
}

export function createAgoraRtcClient(options: AgoraRtcClientOptions): AgoraRtcClient {
  const credentials = credentialsSource<AgoraCredentials>(
    vendor.id,
    options.credentials ?? (credentialsFromEnvironment(vendor.id, credentialsEnvironment, ['customerId', 'customerSecret']) as unknown as AgoraCredentials),
    (given) => {
      requireOption(vendor.id, 'credentials.customerId', given.customerId);
      requireOption(vendor.id, 'credentials.customerSecret', given.customerSecret);
    },
  );
  const { baseUrl } = resolveEndpoint(vendor.id, servers, options);
  // The header of the last key pair: computed again only when a provider's pair changes.
  let last: { credentials: AgoraCredentials; authorization: string } | undefined;

  const signer: RequestSigner<AgoraCredentials> = {
    async sign({ baseUrl: base, path, query, body }, _date, current) {
      if (last?.credentials !== current) last = { credentials: current, authorization: basicAuthorization(current) };
      const { authorization } = last;
      const search = query.length ? `?${new URLSearchParams(query as Array<[string, string]>)}` : '';
      return {
        url: `${base}${path}${search}`,
        // Agora's docs send Content-Type: application/json on every request, GETs included, and
        // answer 415 without it.
        headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
        body,
        // The header as sent, and the secret itself should a gateway echo it decoded.
        secrets: [authorization, authorization.slice('Basic '.length), current.customerSecret],
      };
    },
  };
  return createClientMethods<AgoraRtcClient, AgoraCredentials>({ vendor, operations, baseUrl, credentials, signer, options });
}
