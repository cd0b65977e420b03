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

/** String ids → safe integers, or a RequestValidationError naming every id that is not one. */
export function integerIds(operation: string, field: string, values: readonly string[]): number[] {
  const issues: ValidationIssue[] = [];
  const out = values.map((value, i) => {
    const n = typeof value === 'string' ? toSafeInteger(value) : null;
    if (n === null) issues.push({ path: `${field}.${i}`, message: `${JSON.stringify(value)} is not a safe integer id` });
    return n ?? 0;
  });
  if (issues.length) throw new RequestValidationError({ operation, issues });
  return out;
}
