// What every published package re-exports: the shared error classes and call types, and the
// URL redaction helper for logs.
export {
  AuthError,
  ConfigurationError,
  ConnectionError,
  InvalidParameterError,
  NotFoundError,
  RequestValidationError,
  ResponseValidationError,
  RollcallError,
  ThrottledError,
  TimeoutError,
  VendorApiError,
} from './errors.js';
export type { ValidationIssue, VendorApiErrorInit } from './errors.js';
export type { CallMetadata, CallOptions, CommonClientOptions, FetchLike, WithMetadata } from './engine.js';
export type { CryptoProvider } from './crypto/types.js';
export { redactHeaders, redactUrl } from './redact.js';
