// User ids are strings in the presence API; vendors with integer ids get them converted safely.
import { describeIssue, RequestValidationError, type Schema, type ValidationIssue } from '@rollcall/runtime';

/** A decimal integer string that round-trips through a JavaScript number without loss. */
export function toSafeInteger(value: string): number | null {
  if (!/^(0|-?[1-9]\d*)$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
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

/** String ids → safe integers, or a RequestValidationError naming every id that is not one. */
export function integerIds(operation: string, field: string, values: readonly string[]): number[] {
  const issues: ValidationIssue[] = [];
  const out = values.map((value, i) => {
    const n = typeof value === 'string' ? toSafeInteger(value) : null;
    if (n === null) issues.push({ path: `${field}.${i}`, message: `${quoteValue(value)} is not a safe integer id (ids are decimal strings)` });
    return n ?? 0;
  });
  if (issues.length) throw new RequestValidationError({ operation, issues });
  return out;
}

/** One id field (a room) as a safe integer, or a RequestValidationError naming the field. */
export function integerId(operation: string, field: string, value: string, what: string): number {
  const n = typeof value === 'string' ? toSafeInteger(value) : null;
  if (n === null)
    throw new RequestValidationError({ operation, issues: [{ path: field, message: `${quoteValue(value)} is not ${what} (a decimal integer)` }] });
  return n;
}
