// The validator the clients run: it reads the compact descriptors the generator writes from the
// spec (tools/generate/descriptor.mjs) and reports issues in zod's shape, so that messages and
// fields read the same as with the zod schemas each package also exports. Hand-written because it
// is small and lets a one-call bundle carry no schema library at all. It is on every call's path
// (a 200-member answer is 200 objects), so each descriptor is compiled once into checking functions,
// and nothing is allocated while the value is valid: the path is one array pushed and popped,
// copied only into an issue.
//
// int64 fields (`l`) are the one place a value changes: a request's bigint, decimal string or safe
// number becomes its exact digits (Int64Digits, written bare into JSON), and an answer's number or
// quoted big integer (readJson) becomes a decimal string. Requests are the caller's: the containers
// on the way to a changed value are copied. Answers are ours (readJson made them): changed in place.
import type { ValidationIssue } from './errors.js';
import { INT64_MESSAGES, Int64Digits, int64Digits } from './json.js';

/**
 * An issue: a zod issue, as much of it as the messages need (locale-free: zod/mini ships no
 * messages), or the descriptor validator's, which carries its message ready (no `code`).
 */
export interface SchemaIssue {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly origin?: string;
  readonly expected?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly format?: string;
  readonly pattern?: string;
  readonly keys?: readonly string[];
  readonly values?: readonly unknown[];
}

/** The part of a generated zod schema the engine uses. */
export interface Schema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly SchemaIssue[] } };
}

/** A plain-English message for a zod issue. */
export function describeIssue(issue: SchemaIssue): string {
  const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
  switch (issue.code) {
    case 'too_big':
      return `must be at most ${issue.maximum}${unit}`;
    case 'too_small':
      return `must be at least ${issue.minimum}${unit}`;
    case 'invalid_type':
      // int64 issues carry their own words (which of bigint, string or number went wrong).
      return issue.expected === 'int64' ? issue.message : `must be ${issue.expected === 'int' ? 'a safe integer' : issue.expected}`;
    case 'invalid_format':
      return `must match ${issue.pattern ?? issue.format}`;
    case 'unrecognized_keys':
      return `unknown field ${issue.keys?.join(', ')}`;
    default:
      return issue.message;
  }
}

/** The descriptor validator's issues as the errors carry them: a dotted path and the message. */
export function issuesOf(error: { issues: readonly SchemaIssue[] }): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

export type Descriptor =
  | { readonly t: 's'; readonly min?: number; readonly max?: number; readonly re?: string }
  | { readonly t: 'i' | 'i32' | 'n'; readonly gte?: number; readonly lte?: number }
  | { readonly t: 'l'; readonly gte?: number; readonly lte?: number }
  | { readonly t: 'b' }
  | { readonly t: 'e'; readonly v: readonly string[] }
  | { readonly t: 'c'; readonly v: string | number | boolean | null }
  | { readonly t: 'u'; readonly of: readonly Descriptor[] }
  | { readonly t: 'a'; readonly i: Descriptor; readonly min?: number; readonly max?: number; readonly nil?: 1 }
  | { readonly t: 'o'; readonly p: Readonly<Record<string, Descriptor>>; readonly r?: readonly string[]; readonly x?: false | Descriptor };

// What a value of each descriptor type must be, in describeIssue's words for zod's issues.
const EXPECTED = {
  s: 'string',
  i: 'a safe integer',
  i32: 'a safe integer',
  l: 'int64',
  n: 'number',
  b: 'boolean',
  e: 'string',
  c: 'value',
  u: 'value',
  a: 'array',
  o: 'object',
} as const;
const INT32 = 2 ** 31;

/** The message of a value of the wrong type where a `t` is expected. */
const typeMessage = (t: keyof typeof EXPECTED) => (t === 'l' ? INT64_MESSAGES.type : `must be ${EXPECTED[t]}`);

function fail(issues: SchemaIssue[], path: PropertyKey[], message: string): void {
  issues.push({ path: [...path], message });
}

function bounds(issues: SchemaIssue[], path: PropertyKey[], size: number, unit: string, min?: number, max?: number): void {
  if (min !== undefined && size < min) fail(issues, path, `must be at least ${min}${unit}`);
  if (max !== undefined && size > max) fail(issues, path, `must be at most ${max}${unit}`);
}

/** Checks `value`; returns it, or what it becomes (only int64 fields change). */
type Check = (value: unknown, path: PropertyKey[], issues: SchemaIssue[]) => unknown;

/** `request`: int64 → Int64Digits, the caller's containers copied on change. `answer`: int64 → string, in place. */
type Mode = 'request' | 'answer';

/** A descriptor compiled once into a checking function: no dispatch on the descriptor per value. */
function compile(d: Descriptor, mode: Mode): Check {
  switch (d.t) {
    case 'l': {
      // The last value seen and what it became: an answer repeats one int64 in every record (the
      // live group's id, a time), and each repeat then shares one string instead of holding its own.
      let lastIn: unknown;
      let lastOut: unknown;
      const bounded = d.gte !== undefined || d.lte !== undefined;
      return (value, path, issues) => {
        if (mode === 'answer' && value === lastIn) return lastOut;
        // An answer's int64 is a number (safe) or the exact digits readJson quoted.
        const digits = mode === 'answer' && typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : int64Digits(value);
        if (digits === undefined || digits === 'range' || digits === 'unsafe') {
          fail(issues, path, INT64_MESSAGES[digits ?? 'type']);
          return value;
        }
        // Bounds are rare on an int64 (and far inside 2^53 where given): the number is made only for them.
        if (bounded) {
          const n = Number(digits);
          if ((d.gte !== undefined && n < d.gte) || (d.lte !== undefined && n > d.lte)) {
            bounds(issues, path, n, '', d.gte, d.lte);
            return value;
          }
        }
        if (mode === 'request') return new Int64Digits(digits);
        lastIn = value;
        lastOut = digits;
        return digits;
      };
    }
    case 's': {
      const re = d.re === undefined ? undefined : new RegExp(d.re);
      const sized = d.min !== undefined || d.max !== undefined;
      return (value, path, issues) => {
        if (typeof value !== 'string') {
          fail(issues, path, typeMessage('s'));
          return value;
        }
        if (sized) bounds(issues, path, value.length, ' characters', d.min, d.max);
        if (re && !re.test(value)) fail(issues, path, `must match ${d.re}`);
        return value;
      };
    }
    case 'i':
    case 'i32':
    case 'n': {
      const isNumber = d.t === 'n' ? Number.isFinite : Number.isSafeInteger;
      const min = d.t === 'i32' ? Math.max(d.gte ?? -INT32, -INT32) : d.gte;
      const max = d.t === 'i32' ? Math.min(d.lte ?? INT32 - 1, INT32 - 1) : d.lte;
      const expected = typeMessage(d.t);
      return (value, path, issues) => {
        if (typeof value !== 'number' || !isNumber(value)) {
          fail(issues, path, expected);
          return value;
        }
        if ((min !== undefined && value < min) || (max !== undefined && value > max)) bounds(issues, path, value, '', min, max);
        return value;
      };
    }
    case 'b':
      return (value, path, issues) => {
        if (typeof value !== 'boolean') fail(issues, path, typeMessage('b'));
        return value;
      };
    case 'e':
      return (value, path, issues) => {
        if (!d.v.includes(value as string)) fail(issues, path, `must be one of ${d.v.join(', ')}`);
        return value;
      };
    case 'c':
      return (value, path, issues) => {
        if (value !== d.v) fail(issues, path, `must be ${JSON.stringify(d.v)}`);
        return value;
      };
    case 'u': {
      // The first branch that fits is the shape. When none does, the one the value most looks like
      // (most of its fixed fields match, then fewest issues) says why, as that shape's docs would.
      const branches = d.of.map((branch) => compile(branch, mode));
      const fixed = d.of.map((b) => (b.t === 'o' ? Object.entries(b.p).filter(([, p]) => p.t === 'c') : []) as Array<[string, { v: unknown }]>);
      return (value, path, issues) => {
        let closest: SchemaIssue[] | undefined;
        let closestMatches = -1;
        for (let i = 0; i < branches.length; i++) {
          const found: SchemaIssue[] = [];
          const out = branches[i]!(value, path, found);
          if (found.length === 0) return out;
          const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
          const matches = fixed[i]!.filter(([key, p]) => record[key] === p.v).length;
          if (matches > closestMatches || (matches === closestMatches && found.length < closest!.length)) {
            closest = found;
            closestMatches = matches;
          }
        }
        issues.push(...closest!);
        return value;
      };
    }
    case 'a': {
      const item = compile(d.i, mode);
      const isInt64Answer = mode === 'answer' && d.i.t === 'l';
      return (value, path, issues) => {
        if (!Array.isArray(value)) {
          fail(issues, path, typeMessage('a'));
          return value;
        }
        let out = value;
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          const checked = item(value[i], path, issues);
          if (checked !== value[i] || isInt64Answer) {
            if (out === value && mode === 'request') out = value.slice();
            out[i] = checked;
          }
          path.pop();
        }
        bounds(issues, path, value.length, ' items', d.min, d.max);
        return out;
      };
    }
    case 'o': {
      const keys = Object.keys(d.p);
      const checks = keys.map((key) => compile(d.p[key]!, mode));
      const required = keys.map((key) => (d.r?.includes(key) ? typeMessage(d.p[key]!.t) : undefined));
      const extra = d.x ? compile(d.x, mode) : undefined;
      const copyOnChange = mode === 'request';
      const isList = keys.map((key) => {
        const p = d.p[key]!;
        return mode === 'answer' && p.t === 'a' && p.nil === 1;
      });
      // An answer's int64 is written back even when equal: the checker hands a repeat the string it
      // made the first time, and a string compares equal by its contents, not by which one it is.
      const isInt64Answer = keys.map((key) => mode === 'answer' && d.p[key]!.t === 'l');
      return (value, path, issues) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          fail(issues, path, typeMessage('o'));
          return value;
        }
        const record = value as Record<string, unknown>;
        let out = record;
        const issuesBefore = issues.length;
        let none: string[] | undefined;
        for (let i = 0; i < keys.length; i++) {
          const item = record[keys[i]!];
          // An answer's list given as null, or a required one left out (Go's nil slice), where the
          // vendor writes empty lists so, means none: made [] once the object is otherwise valid (a
          // union branch that does not fit changes nothing). An optional list left out stays out.
          if (isList[i] && (item === null || (item === undefined && required[i]))) {
            (none ??= []).push(keys[i]!);
            continue;
          }
          if (item === undefined && !required[i]) continue;
          path.push(keys[i]!);
          if (item !== undefined) {
            const checked = checks[i]!(item, path, issues);
            // Written only where a value changed (int64s); a request's object is copied first.
            if (checked !== item || isInt64Answer[i]) {
              if (out === record && copyOnChange) out = { ...record };
              out[keys[i]!] = checked;
            }
          } else fail(issues, path, required[i]!);
          path.pop();
        }
        if (none && issues.length === issuesBefore) for (const key of none) out[key] = [];
        if (d.x === undefined) return out;
        const others: string[] = [];
        for (const key in record) if (!(key in d.p)) others.push(key);
        if (!extra) {
          if (others.length) fail(issues, path, `unknown field ${others.join(', ')}`);
          return out;
        }
        for (const key of others) {
          path.push(key);
          const checked = extra(record[key], path, issues);
          if (checked !== record[key]) {
            if (out === record && copyOnChange) out = { ...record };
            out[key] = checked;
          }
          path.pop();
        }
        return out;
      };
    }
  }
}

/**
 * A `Schema` (what the engine calls) over a descriptor. `request` (default): the caller's input is
 * checked and never changed (int64 fields come out as Int64Digits in a copy). `answer`: a parsed
 * answer is checked and its int64 fields made decimal strings in place.
 */
export function schemaOf(descriptor: Descriptor, mode: Mode = 'request'): Schema & { encode(value: unknown): unknown } {
  let check: Check | undefined;
  let encoder: Check | undefined;
  return {
    /** The value as it goes on the wire (servers write answers so): int64 fields as Int64Digits, for writeJson. */
    encode(value) {
      return (encoder ??= compile(descriptor, 'request'))(value, [], []);
    },
    safeParse(value) {
      const issues: SchemaIssue[] = [];
      // Compiled on first use: a client pays only for the operations it calls.
      const data = (check ??= compile(descriptor, mode))(value, [], issues);
      return issues.length ? { success: false, error: { issues } } : { success: true, data };
    },
  };
}
