// The validator the clients run: it reads the compact descriptors the generator writes from the
// spec (tools/generate/descriptor.mjs) and reports issues in zod's shape, so that messages and
// fields read the same as with the zod schemas each package also exports. Hand-written because it
// is small and lets a one-call bundle carry no schema library at all.
import type { Schema, SchemaIssue } from './engine.js';

export type Descriptor =
  | { readonly t: 's'; readonly min?: number; readonly max?: number; readonly re?: string }
  | { readonly t: 'i' | 'i32' | 'n'; readonly gte?: number; readonly lte?: number }
  | { readonly t: 'b' }
  | { readonly t: 'e'; readonly v: readonly string[] }
  | { readonly t: 'a'; readonly i: Descriptor; readonly min?: number; readonly max?: number }
  | { readonly t: 'o'; readonly p: Readonly<Record<string, Descriptor>>; readonly r?: readonly string[]; readonly x?: false | Descriptor };

const EXPECTED = { s: 'string', i: 'int', i32: 'int', n: 'number', b: 'boolean', e: 'string', a: 'array', o: 'object' } as const;
const INT32 = 2 ** 31;
const patterns = new Map<string, RegExp>();

function check(d: Descriptor, value: unknown, path: PropertyKey[], issues: SchemaIssue[]): void {
  const fail = (issue: Omit<SchemaIssue, 'path' | 'message'>) => void issues.push({ path, message: 'invalid', ...issue });
  const bounds = (size: number, origin: string, min?: number, max?: number) => {
    if (min !== undefined && size < min) fail({ code: 'too_small', origin, minimum: min });
    if (max !== undefined && size > max) fail({ code: 'too_big', origin, maximum: max });
  };
  const wrongType = () => fail({ code: 'invalid_type', expected: EXPECTED[d.t] });
  switch (d.t) {
    case 's':
      if (typeof value !== 'string') return wrongType();
      bounds(value.length, 'string', d.min, d.max);
      if (d.re !== undefined) {
        let re = patterns.get(d.re);
        if (!re) patterns.set(d.re, (re = new RegExp(d.re)));
        if (!re.test(value)) fail({ code: 'invalid_format', pattern: d.re });
      }
      return;
    case 'i':
    case 'i32':
    case 'n':
      if (typeof value !== 'number' || !(d.t === 'n' ? Number.isFinite(value) : Number.isSafeInteger(value))) return wrongType();
      if (d.t === 'i32') bounds(value, 'number', -INT32, INT32 - 1);
      return bounds(value, 'number', d.gte, d.lte);
    case 'b':
      if (typeof value !== 'boolean') wrongType();
      return;
    case 'e':
      if (!d.v.includes(value as string)) fail({ code: 'invalid_value', values: d.v });
      return;
    case 'a':
      if (!Array.isArray(value)) return wrongType();
      value.forEach((item, i) => check(d.i, item, [...path, i], issues));
      return bounds(value.length, 'array', d.min, d.max);
    case 'o': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return wrongType();
      const record = value as Record<string, unknown>;
      for (const [key, field] of Object.entries(d.p)) {
        if (record[key] !== undefined) check(field, record[key], [...path, key], issues);
        else if (d.r?.includes(key)) issues.push({ path: [...path, key], message: 'required', code: 'invalid_type', expected: EXPECTED[field.t] });
      }
      const others = Object.keys(record).filter((key) => !(key in d.p));
      if (d.x === false && others.length) fail({ code: 'unrecognized_keys', keys: others });
      else if (d.x) for (const key of others) check(d.x, record[key], [...path, key], issues);
    }
  }
}

/** A `Schema` (what the engine calls) over a descriptor. The value is checked, not copied. */
export function schemaOf(descriptor: Descriptor): Schema {
  return {
    safeParse(value) {
      const issues: SchemaIssue[] = [];
      check(descriptor, value, [], issues);
      return issues.length ? { success: false, error: { issues } } : { success: true, data: value };
    },
  };
}
