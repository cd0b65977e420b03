import { createClientMethods, requireOption, resolveEndpoint, toBase64, utf8, type CommonClientOptions, type RequestSigner } from '@rollcall/runtime';
import { operations, servers, vendor, type OperationMethods } from './generated/operations.js';

/** The account's RESTful API key pair (console → Developer Toolkit → RESTful API). */
export interface AgoraCredentials {
  customerId: string;
  customerSecret: string;
}

export interface AgoraRtcClientOptions extends CommonClientOptions {
  credentials: AgoraCredentials;
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
  const credentials = options.credentials ?? ({} as AgoraCredentials);
  requireOption(vendor.id, 'credentials.customerId', credentials.customerId);
  requireOption(vendor.id, 'credentials.customerSecret', credentials.customerSecret);
  const { baseUrl } = resolveEndpoint(vendor.id, servers, options);
  const authorization = basicAuthorization(credentials);

  const signer: RequestSigner = {
    async sign({ baseUrl: base, path, query, body }) {
      const search = query.length ? `?${new URLSearchParams(query as Array<[string, string]>)}` : '';
      return {
        url: `${base}${path}${search}`,
        // Agora's docs send Content-Type: application/json on every request, GETs included, and
        // answer 415 without it.
        headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
        body,
        // The header as sent, and the secret itself should a gateway echo it decoded.
        secrets: [authorization, authorization.slice('Basic '.length), credentials.customerSecret],
      };
    },
  };
  return createClientMethods<AgoraRtcClient>({ vendor, operations, baseUrl, signer, options });
}
