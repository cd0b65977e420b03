export { createVolcengineRtcClient } from './client.js';
export type { VolcengineRtcClient, VolcengineRtcClientOptions } from './client.js';
export { signVolcengineRequest, volcengineCanonicalQuery, volcengineDate } from './sign.js';
export type { VolcengineCredentials, VolcengineSignature, VolcengineSigningInput } from './sign.js';
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
// Callbacks: verified from the signed field values, typed by event; the table they are read by.
export { verifyVolcengineWebhook, volcengineSignedText, volcengineWebhookReply } from './webhook.js';
export type { VolcengineRoomEvent, VolcengineUnknownEvent, VolcengineWebhookOptions } from './webhook.js';
export { webhooks } from './generated/webhooks.js';
