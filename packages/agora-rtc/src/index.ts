export { basicAuthorization, createAgoraRtcClient } from './client.js';
export type { AgoraCredentials, AgoraRtcClient, AgoraRtcClientOptions } from './client.js';
export { channelPages, MAX_CHANNEL_PAGE_SIZE, MAX_IDLE_CHANNEL_PAGES, paginateChannelList } from './channels.js';
export type { ChannelListPage } from './channels.js';
export { credentialsEnvironment, operations, servers, vendor } from './generated/operations.js';
export type * from './generated/operations.js';
export type * from './generated/schemas.js';
/** The openapi-typescript view of the spec, for code that wants the raw shapes. */
export type { components, paths } from './generated/types.js';
/** The generated zod schemas, for validating uids and channel names up front. */
export * as schemas from './generated/schemas.js';
// The typed errors this client throws, shared by every rollcall package (`instanceof` works across
// them), the call types, and `redactUrl` for logging URLs. Re-exported here, in the entry itself, so
// that the build keeps a static `export *` that Node can link.
export * from '@rollcall/runtime/public';
// Callbacks (NCS): verified from the raw body, typed by event; the table they are read by.
export { agoraWebhookReply, verifyAgoraWebhook } from './webhook.js';
export type { AgoraChannelEvent, AgoraUnknownEvent, AgoraWebhookOptions } from './webhook.js';
export { webhooks } from './generated/webhooks.js';
