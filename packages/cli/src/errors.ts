// Exit codes, so that scripts can tell failures apart.
import { AuthError, NotFoundError, RequestValidationError, RollcallError, ThrottledError, ConfigurationError } from '@rollcall/presence-core';

export class UsageError extends Error {}

export const EXIT = {
  ok: 0,
  /** Any other failure (vendor error, network, response that breaks the spec). */
  failure: 1,
  /** Bad flags or input, caught before any call. */
  usage: 2,
  /** Credentials, signature or permissions refused. */
  auth: 3,
  /** Room, group or app not found. */
  notFound: 4,
  /** Throttled even after retries. */
  throttled: 5,
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof RequestValidationError || error instanceof ConfigurationError) return EXIT.usage;
  if (error instanceof AuthError) return EXIT.auth;
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (error instanceof ThrottledError) return EXIT.throttled;
  return EXIT.failure;
}

export function describeError(error: unknown): string {
  if (error instanceof RollcallError || error instanceof UsageError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
