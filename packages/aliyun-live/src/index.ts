export { createAliyunLiveClient } from './client.js';
export type { AliyunLiveClient, AliyunLiveClientOptions, AliyunSignatureVersion } from './client.js';
export {
  aliyunTimestamp,
  aliyunV1CommonParams,
  aliyunV3Headers,
  flattenRpcParams,
  signAliyunV1,
  signAliyunV3,
} from './sign.js';
export type { AliyunCredentials, AliyunV1Signature, AliyunV3Signature, AliyunV3SigningInput } from './sign.js';
export { operations, servers, vendor } from './generated/operations.js';
export type * from './generated/operations.js';
export type * from './generated/schemas.js';
/** The openapi-typescript view of the spec, for code that wants the raw shapes. */
export type { components, paths } from './generated/types.js';
/** The generated zod schemas, for validating ids and rooms up front. */
export * as schemas from './generated/schemas.js';
export * from './errors.js';
