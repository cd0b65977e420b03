export { createTencentLiveClient, USERSIG_RENEW_BEFORE_SECONDS } from './client.js';
export type {
  TencentCredentials,
  TencentKeyCredentials,
  TencentLiveClient,
  TencentLiveClientOptions,
  TencentUserSigCredentials,
} from './client.js';
export {
  createUserSig,
  decodeUserSig,
  privateMapKeyUserbuf,
  userSigContent,
  userSigHmac,
  verifyUserSig,
} from './sign.js';
export type { UserSigDocument, UserSigInput } from './sign.js';
export { credentialsEnvironment, operations, servers, vendor } from './generated/operations.js';
export type * from './generated/operations.js';
export type * from './generated/schemas.js';
/** The openapi-typescript view of the spec, for code that wants the raw shapes. */
export type { components, paths } from './generated/types.js';
/** The generated zod schemas, for validating ids and rooms up front. */
export * as schemas from './generated/schemas.js';
// The typed errors this client throws, shared by every rollcall package (`instanceof` works across
// them), the call types, and `redactUrl` for logging URLs. Re-exported here, in the entry itself, so
// that the build keeps a static `export *` that Node can link.
export * from '@rollcall/runtime/public';
// Callbacks: verified from the URL's Sign and RequestTime, typed by command; the table they are read by.
export { tencentWebhookReply, verifyTencentWebhook } from './webhook.js';
export type { TencentLoginStateEvent, TencentMemberStateEvent, TencentUnknownEvent, TencentWebhookEvent, TencentWebhookOptions } from './webhook.js';
export { webhooks } from './generated/webhooks.js';
