// The canonical request both Volcengine and Alibaba V3 sign (the AWS SigV4 shape):
// METHOD \n path \n query \n name:value\n… \n signed;headers \n payload-hash

import { compareCodeUnits } from './encoding.js';

export function canonicalRequest(input: {
  method: string;
  pathname: string;
  canonicalQuery: string;
  /** The signed headers, names lowercased and values already normalised. */
  headers: ReadonlyArray<readonly [string, string]>;
  payloadHash: string;
}): { canonicalRequest: string; signedHeaders: string } {
  const headers = [...input.headers].sort((a, b) => compareCodeUnits(a[0], b[0]));
  const signedHeaders = headers.map(([k]) => k).join(';');
  return {
    signedHeaders,
    canonicalRequest: [
      input.method.toUpperCase(),
      input.pathname,
      input.canonicalQuery,
      headers.map(([k, v]) => `${k}:${v}\n`).join(''),
      signedHeaders,
      input.payloadHash,
    ].join('\n'),
  };
}
