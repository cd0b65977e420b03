// User ids are strings in the presence API; vendors with integer ids get them converted safely.
import { describeIssue, int64Digits, RequestValidationError, type Schema, type ValidationIssue } from '@rollcall/runtime';

/** Why a string is not an int64 id, or undefined when it is one (canonical decimal digits). */
function notInt64(value: unknown, what: string): string | undefined {
  const digits = typeof value === 'string' ? int64Digits(value) : undefined;
  if (digits === 'range') return `${quoteValue(value)} is beyond the int64 range of ${what}`;
  return digits === undefined || digits === 'unsafe' ? `${quoteValue(value)} is not ${what} (ids are decimal strings)` : undefined;
}

/** Checks every value against the vendor's generated schema; one error naming each bad field. */
export function validateAll(operation: string, checks: ReadonlyArray<readonly [path: string, value: unknown, schema: Schema]>): void {
  const issues: ValidationIssue[] = [];
  for (const [path, value, schema] of checks) {
    const result = schema.safeParse(value);
    if (!result.success) issues.push({ path, message: result.error.issues[0] ? describeIssue(result.error.issues[0]) : 'invalid' });
  }
  if (issues.length) throw new RequestValidationError({ operation, issues });
}

/** A value as an error message may quote it: never throws (BigInt), never long. */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  return value === null ? 'null' : `a ${typeof value}`;
}

/**
 * Checks that every id is an int64 in canonical decimal form (what the vendor answers with, so that
 * answers match by string), or throws a RequestValidationError naming each one that is not. The
 * ids go out as they are: the client sends their exact digits.
 */
export function integerIds(operation: string, field: string, values: readonly string[]): readonly string[] {
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < values.length; i++) {
    const why = notInt64(values[i], 'an integer user id');
    if (why) issues.push({ path: `${field}.${i}`, message: why });
  }
  if (issues.length) throw new RequestValidationError({ operation, issues });
  return values;
}

/** One int64 id field (a room), checked as `integerIds` does. */
export function integerId(operation: string, field: string, value: string, what: string): string {
  const why = notInt64(value, what);
  if (why) throw new RequestValidationError({ operation, issues: [{ path: field, message: why }] });
  return value;
}
