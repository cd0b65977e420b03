// JSON Schema (the subset zod.mjs supports) → the compact descriptor the runtime's validator reads
// (@rollcall/runtime validate.ts). The clients validate with these, so a one-call bundle carries no
// zod; the zod schemas stay, generated from the same spec, as each package's public `schemas`.
import { refName } from './zod.mjs';

/** Drops absent keys, so that what an operation does not have costs no bytes. */
function compact(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

export function descriptor(doc, schema, where) {
  const s = schema.$ref ? doc.components.schemas[refName(schema.$ref)] : schema;
  if (!s) throw new Error(`${where}: unknown ${schema.$ref}`);
  if ('const' in s) return { t: 'c', v: s.const };
  // Branches tried in order; the first that fits is the answer's shape.
  if (s.oneOf) return { t: 'u', of: s.oneOf.map((branch, i) => descriptor(doc, branch, `${where}.oneOf.${i}`)) };
  if (s.enum) return { t: 'e', v: s.enum };
  switch (s.type) {
    case 'string':
      return compact({ t: 's', min: s.minLength, max: s.maxLength, re: s.pattern });
    case 'integer':
      // int64: exact decimal strings in answers; bigint, string or safe number in requests.
      return compact({ t: s.format === 'int32' ? 'i32' : s.format === 'int64' ? 'l' : 'i', gte: s.minimum, lte: s.maximum });
    case 'number':
      return compact({ t: 'n', gte: s.minimum, lte: s.maximum });
    case 'boolean':
      return { t: 'b' };
    case 'array':
      // Where the vendor writes an empty list as null or leaves it out (Go's nil slice), an answer's
      // null or absent list is read as none (x-rollcall-vendor.nilListsMeanNone).
      return compact({
        t: 'a',
        i: descriptor(doc, s.items, `${where}.items`),
        min: s.minItems,
        max: s.maxItems,
        nil: doc['x-rollcall-vendor']?.nilListsMeanNone ? 1 : undefined,
      });
    case 'object': {
      const props = s.properties ?? {};
      const extra = s.additionalProperties;
      return compact({
        t: 'o',
        p: Object.fromEntries(Object.entries(props).map(([name, prop]) => [name, descriptor(doc, prop, `${where}.${name}`)])),
        r: (s.required ?? []).length ? s.required : undefined,
        // false: unknown fields are refused (requests); a descriptor: every other field takes it
        // (maps); absent: unknown fields are kept as they are (answers).
        x: extra === false ? false : extra && typeof extra === 'object' ? descriptor(doc, extra, `${where}.additionalProperties`) : undefined,
      });
    }
    default:
      throw new Error(`${where}: unsupported type ${JSON.stringify(s.type)}`);
  }
}
