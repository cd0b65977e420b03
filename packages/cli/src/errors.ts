// Exit codes, so that scripts can tell outcomes apart, and messages that say what to fix.
import { AuthError, ConfigurationError, NotFoundError, RequestValidationError, RollcallError, ThrottledError } from '@rollcall/presence-core';

/** Bad flags, files or seeds: caught before any call. */
export class UsageError extends Error {}

/** The first Ctrl-C: stop, keep what was received. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor() {
    super('interrupted');
  }
}

export const EXIT = {
  ok: 0,
  /** Any other failure (vendor error, network, response that breaks the spec). */
  failure: 1,
  /** Bad flags, files or input, caught before any call. */
  usage: 2,
  /** Credentials, signature or permissions refused. */
  auth: 3,
  /** Room, group or app not found. */
  notFound: 4,
  /** Throttled even after retries. */
  throttled: 5,
  /** An answer, but not a whole one: some ids failed, or the vendor listed only part of the room. */
  incomplete: 6,
  /** Stopped by Ctrl-C (128 + SIGINT); what was received is printed. */
  interrupted: 130,
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof RequestValidationError || error instanceof ConfigurationError) return EXIT.usage;
  if (error instanceof AuthError) return EXIT.auth;
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (error instanceof ThrottledError) return EXIT.throttled;
  return EXIT.failure;
}

/** The flag a presence-core field comes from: `room` → `--room`, `userIds.3` → `--users (id 4)`. */
function flagOf(field: string): string {
  if (field === 'room') return '--room';
  const id = field.match(/^userIds\.(\d+)$/);
  if (id) return `--users (id ${Number(id[1]) + 1})`;
  return field === 'userIds' ? '--users' : field;
}

/** What to check when a vendor refuses the credentials: `vendor` → the flags and variables. */
export type CredentialHints = Record<string, string>;

export function describeError(error: unknown, context: { vendor?: string; credentialHints?: CredentialHints } = {}): string {
  if (error instanceof RequestValidationError) {
    const issue = error.issues[0];
    return issue ? `${flagOf(issue.path)}: ${issue.message}` : error.message;
  }
  if (error instanceof AuthError) {
    const hint = context.vendor ? context.credentialHints?.[context.vendor] : undefined;
    return hint ? `${error.message} — check ${hint}` : error.message;
  }
  if (error instanceof RollcallError || error instanceof UsageError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
