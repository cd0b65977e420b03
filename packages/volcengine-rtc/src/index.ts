export { createVolcengineRtcClient } from './client.js';
export type { VolcengineRtcClient, VolcengineRtcClientOptions } from './client.js';
export { signVolcengineRequest, volcengineCanonicalQuery, volcengineDate } from './sign.js';
export type { VolcengineCredentials, VolcengineSignature, VolcengineSigningInput } from './sign.js';
export { operations, servers, vendor } from './generated/operations.js';
export type * from './generated/operations.js';
export type * from './generated/schemas.js';
/** The openapi-typescript view of the spec, for code that wants the raw shapes. */
export type { components, paths } from './generated/types.js';
/** The generated zod schemas, for validating ids and rooms up front. */
export * as schemas from './generated/schemas.js';
export * from './errors.js';
