// The validator the clients run: it reads the compact descriptors the generator writes from the
// spec (tools/generate/descriptor.mjs) and reports issues in zod's shape, so that messages and
// fields read the same as with the zod schemas each package also exports. Hand-written because it
// is small and lets a one-call bundle carry no schema library at all. It is on every call's path
// (a 200-member answer is 200 objects), so each descriptor is compiled once into checking functions,
// and nothing is allocated while the value is valid: the path is one array pushed and popped,
// copied only into an issue.
import type { Schema, SchemaIssue } from './engine.js';

export type Descriptor =
  | { readonly t: 's'; readonly min?: number; readonly max?: number; readonly re?: string }
  | { readonly t: 'i' | 'i32' | 'n'; readonly gte?: number; readonly lte?: number }
  | { readonly t: 'b' }
  | { readonly t: 'e'; readonly v: readonly string[] }
  | { readonly t: 'c'; readonly v: string | number | boolean | null }
  | { readonly t: 'u'; readonly of: readonly Descriptor[] }
  | { readonly t: 'a'; readonly i: Descriptor; readonly min?: number; readonly max?: number }
  | { readonly t: 'o'; readonly p: Readonly<Record<string, Descriptor>>; readonly r?: readonly string[]; readonly x?: false | Descriptor };

const EXPECTED = { s: 'string', i: 'int', i32: 'int', n: 'number', b: 'boolean', e: 'string', c: 'value', u: 'value', a: 'array', o: 'object' } as const;
const INT32 = 2 ** 31;

function fail(issues: SchemaIssue[], path: PropertyKey[], issue: Omit<SchemaIssue, 'path' | 'message'> & { message?: string }): void {
  issues.push({ path: [...path], message: 'invalid', ...issue });
}

function bounds(issues: SchemaIssue[], path: PropertyKey[], size: number, origin: string, min?: number, max?: number): void {
  if (min !== undefined && size < min) fail(issues, path, { code: 'too_small', origin, minimum: min });
  if (max !== undefined && size > max) fail(issues, path, { code: 'too_big', origin, maximum: max });
}

type Check = (value: unknown, path: PropertyKey[], issues: SchemaIssue[]) => void;

/** A descriptor compiled once into a checking function: no dispatch on the descriptor per value. */
function compile(d: Descriptor): Check {
  switch (d.t) {
    case 's': {
      const re = d.re === undefined ? undefined : new RegExp(d.re);
      const sized = d.min !== undefined || d.max !== undefined;
      return (value, path, issues) => {
        if (typeof value !== 'string') return fail(issues, path, { code: 'invalid_type', expected: 'string' });
        if (sized) bounds(issues, path, value.length, 'string', d.min, d.max);
        if (re && !re.test(value)) fail(issues, path, { code: 'invalid_format', pattern: d.re });
      };
    }
    case 'i':
    case 'i32':
    case 'n': {
      const isNumber = d.t === 'n' ? Number.isFinite : Number.isSafeInteger;
      const min = d.t === 'i32' ? Math.max(d.gte ?? -INT32, -INT32) : d.gte;
      const max = d.t === 'i32' ? Math.min(d.lte ?? INT32 - 1, INT32 - 1) : d.lte;
      const expected = EXPECTED[d.t];
      return (value, path, issues) => {
        if (typeof value !== 'number' || !isNumber(value)) return fail(issues, path, { code: 'invalid_type', expected });
        if ((min !== undefined && value < min) || (max !== undefined && value > max)) bounds(issues, path, value, 'number', min, max);
      };
    }
    case 'b':
      return (value, path, issues) => {
        if (typeof value !== 'boolean') fail(issues, path, { code: 'invalid_type', expected: 'boolean' });
      };
    case 'e':
      return (value, path, issues) => {
        if (!d.v.includes(value as string)) fail(issues, path, { code: 'invalid_value', values: d.v, message: `must be one of ${d.v.join(', ')}` });
      };
    case 'c':
      return (value, path, issues) => {
        if (value !== d.v) fail(issues, path, { code: 'invalid_value', values: [d.v], message: `must be ${JSON.stringify(d.v)}` });
      };
    case 'u': {
      // The first branch that fits is the shape. When none does, the one the value most looks like
      // (most of its fixed fields match, then fewest issues) says why, as that shape's docs would.
      const branches = d.of.map(compile);
      const fixed = d.of.map((b) => (b.t === 'o' ? Object.entries(b.p).filter(([, p]) => p.t === 'c') : []) as Array<[string, { v: unknown }]>);
      return (value, path, issues) => {
        let closest: SchemaIssue[] | undefined;
        let closestMatches = -1;
        for (let i = 0; i < branches.length; i++) {
          const found: SchemaIssue[] = [];
          branches[i]!(value, path, found);
          if (found.length === 0) return;
          const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
          const matches = fixed[i]!.filter(([key, p]) => record[key] === p.v).length;
          if (matches > closestMatches || (matches === closestMatches && found.length < closest!.length)) {
            closest = found;
            closestMatches = matches;
          }
        }
        issues.push(...closest!);
      };
    }
    case 'a': {
      const item = compile(d.i);
      return (value, path, issues) => {
        if (!Array.isArray(value)) return fail(issues, path, { code: 'invalid_type', expected: 'array' });
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          item(value[i], path, issues);
          path.pop();
        }
        bounds(issues, path, value.length, 'array', d.min, d.max);
      };
    }
    case 'o': {
      const keys = Object.keys(d.p);
      const checks = keys.map((key) => compile(d.p[key]!));
      const required = keys.map((key) => (d.r?.includes(key) ? EXPECTED[d.p[key]!.t] : undefined));
      const extra = d.x ? compile(d.x) : undefined;
      return (value, path, issues) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(issues, path, { code: 'invalid_type', expected: 'object' });
        const record = value as Record<string, unknown>;
        for (let i = 0; i < keys.length; i++) {
          const item = record[keys[i]!];
          if (item === undefined && !required[i]) continue;
          path.push(keys[i]!);
          if (item !== undefined) checks[i]!(item, path, issues);
          else fail(issues, path, { code: 'invalid_type', expected: required[i] });
          path.pop();
        }
        if (d.x === undefined) return;
        const others: string[] = [];
        for (const key in record) if (!(key in d.p)) others.push(key);
        if (!extra) {
          if (others.length) fail(issues, path, { code: 'unrecognized_keys', keys: others });
          return;
        }
        for (const key of others) {
          path.push(key);
          extra(record[key], path, issues);
          path.pop();
        }
      };
    }
  }
}

/** A `Schema` (what the engine calls) over a descriptor. The value is checked, not copied. */
export function schemaOf(descriptor: Descriptor): Schema {
  let check: Check | undefined;
  return {
    safeParse(value) {
      const issues: SchemaIssue[] = [];
      // Compiled on first use: a client pays only for the operations it calls.
      (check ??= compile(descriptor))(value, [], issues);
      return issues.length ? { success: false, error: { issues } } : { success: true, data: value };
    },
  };
}
