// What every published package re-exports: the shared error classes and call types, and the
// URL redaction helper for logs.
export {
  AuthError,
  ClockSkewError,
  ConfigurationError,
  CredentialsError,
  ConnectionError,
  InvalidParameterError,
  NotFoundError,
  RequestValidationError,
  ResponseTooLargeError,
  ResponseValidationError,
  RollcallError,
  ThrottledError,
  TimeoutError,
  VendorApiError,
  WebhookVerificationError,
} from './index.js';
export type { ValidationIssue, VendorApiErrorInit, WebhookRefusal } from './index.js';
export type { CallMetadata, CallOptions, CommonClientOptions, FetchLike, RetryPolicy, RetryStrategy, WithMetadata } from './index.js';
export { isRetryable } from './index.js';
export type { CryptoProvider } from './index.js';
// Credentials that expire: what a provider returns, and the option that takes one.
export type { CredentialsOption, CredentialsProvider, ExpiringCredentials } from './index.js';
export { redactHeaders, redactUrl } from './index.js';
// The quota a call counts against, for callers pacing raw clients themselves.
export { quotaOf } from './index.js';
export type { Quota } from './index.js';
// Callbacks: a fetch-style handler and a node:http listener around any vendor's verifier.
export { DEFAULT_MAX_WEBHOOK_BYTES, webhookHandler, webhookListener } from './index.js';
export type { WebhookHeaders, WebhookInput, WebhookReceiverOptions, WebhookReply } from './index.js';
