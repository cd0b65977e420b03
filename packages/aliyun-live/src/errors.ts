// The typed errors this client throws (shared by every rollcall package; `instanceof` works across them).
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
} from '@rollcall/internal';
export type { CallOptions, CallMetadata, ValidationIssue, WithMetadata } from '@rollcall/internal';
