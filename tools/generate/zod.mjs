// JSON Schema (the subset our specs use) → zod 4 source code, in the `zod/mini` dialect: it
// bundles to a fraction of full zod (the size budget of each client is 12 KB gzip) at the cost of
// slower parsing, which stays small beside a network call.
//
// Hand-written rather than taken from a library: the converters on npm target zod 3 or bring a
// large toolchain, and we need two project-specific rules that they do not offer:
//  - int64 fields become the runtime's `int64()`: a bigint, a decimal string or a safe integer in,
//    the exact decimal string out (proto3's JSON mapping), so no id is ever rounded;
//  - objects closed with `additionalProperties: false` become strict (requests); open objects
//    become loose, so fields a vendor adds later are kept in the raw record (responses).
// Any schema keyword outside the supported subset fails the generator loudly.

const SUPPORTED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'enum',
  'minimum',
  'maximum',
  'format',
  'description',
  '$ref',
  'example',
  'examples',
  'title',
  'const',
  'oneOf',
  // What the service assumes when a parameter is left out: documentation, read by the table.
  'default',
]);

export function refName(ref) {
  const prefix = '#/components/schemas/';
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(prefix.length);
}

function js(value) {
  return JSON.stringify(value);
}

// Every call the schemas make is marked pure, nested ones too: a bundler drops a pure call only
// when its arguments are free of calls it cannot prove pure (esbuild ignores zod's own
// `@__NO_SIDE_EFFECTS__` on calls nested in arguments), and an application that never reaches a
// schema should carry none of zod.
function pure(call) {
  return `/* @__PURE__ */ ${call}`;
}

function withChecks(base, checks) {
  return checks.length ? pure(`${base}.check(${checks.join(', ')})`) : pure(base);
}

function bounds(schema) {
  const checks = [];
  if (schema.minimum !== undefined) checks.push(pure(`z.gte(${schema.minimum})`));
  if (schema.maximum !== undefined) checks.push(pure(`z.lte(${schema.maximum})`));
  return checks;
}

/** Source of a zod expression for `schema`; `$ref`s become references to the named constants. */
export function zodExpr(schema, where) {
  for (const key of Object.keys(schema)) {
    if (!SUPPORTED.has(key)) throw new Error(`${where}: unsupported schema keyword "${key}"`);
  }
  if (schema.$ref) return `${refName(schema.$ref)}Schema`;
  // A shape told apart by a fixed value (Agora's `channel_exist`, `mode`): literal and union.
  if ('const' in schema) return pure(`z.literal(${js(schema.const)})`);
  if (schema.oneOf) return pure(`z.union([${schema.oneOf.map((branch, i) => zodExpr(branch, `${where}.oneOf.${i}`)).join(', ')}])`);
  if (schema.enum) {
    if (!schema.enum.every((v) => typeof v === 'string')) throw new Error(`${where}: only string enums are supported`);
    return pure(`z.enum(${js(schema.enum)})`);
  }
  switch (schema.type) {
    case 'string': {
      const checks = [];
      if (schema.minLength !== undefined) checks.push(pure(`z.minLength(${schema.minLength})`));
      if (schema.maxLength !== undefined) checks.push(pure(`z.maxLength(${schema.maxLength})`));
      if (schema.pattern !== undefined) checks.push(pure(`z.regex(${pure(`new RegExp(${js(schema.pattern)})`)})`));
      return withChecks('z.string()', checks);
    }
    case 'integer': {
      // zod 4: z.int() is limited to safe integers, z.int32() to the int32 range.
      if (schema.format === 'int64') {
        const range = [schema.minimum !== undefined && `gte: ${schema.minimum}`, schema.maximum !== undefined && `lte: ${schema.maximum}`].filter(Boolean);
        return pure(`int64(${range.length ? `{ ${range.join(', ')} }` : ''})`);
      }
      return withChecks(schema.format === 'int32' ? 'z.int32()' : 'z.int()', bounds(schema));
    }
    case 'number':
      return withChecks('z.number()', bounds(schema));
    case 'boolean':
      return pure('z.boolean()');
    case 'array': {
      if (!schema.items) throw new Error(`${where}: array without items`);
      const checks = [];
      if (schema.minItems !== undefined) checks.push(pure(`z.minLength(${schema.minItems})`));
      if (schema.maxItems !== undefined) checks.push(pure(`z.maxLength(${schema.maxItems})`));
      return withChecks(`z.array(${zodExpr(schema.items, `${where}.items`)})`, checks);
    }
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      for (const name of required) {
        if (!(name in props)) throw new Error(`${where}: required "${name}" has no schema`);
      }
      const names = Object.keys(props);
      if (names.length === 0 && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        // A map as an object whose every key takes the value schema: the object code is in every
        // bundle already, where z.record would add its own.
        return pure(`z.catchall(${pure('z.object({})')}, ${zodExpr(schema.additionalProperties, `${where}.additionalProperties`)})`);
      }
      const fields = names.map((name) => {
        const expr = zodExpr(props[name], `${where}.${name}`);
        return `  ${js(name)}: ${required.has(name) ? expr : pure(`z.optional(${expr})`)},`;
      });
      // Open objects (answers) use the runtime's fastest object (see @rollcall/runtime zod/).
      const ctor = schema.additionalProperties === false ? 'z.strictObject' : 'looseObject';
      return pure(`${ctor}({\n${fields.join('\n')}\n})`);
    }
    default:
      throw new Error(`${where}: unsupported type ${js(schema.type)}`);
  }
}

function collectRefs(schema, out = new Set()) {
  if (schema && typeof schema === 'object') {
    if (typeof schema.$ref === 'string') out.add(refName(schema.$ref));
    for (const value of Object.values(schema)) collectRefs(value, out);
  }
  return out;
}

/** Component schema names, each after the ones it refers to. */
export function dependencyOrder(schemas) {
  const ordered = [];
  const state = new Map();
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`recursive schema ${[...trail, name].join(' → ')}`);
    if (!schemas[name]) throw new Error(`unknown schema ${name}`);
    state.set(name, 'visiting');
    for (const dep of [...collectRefs(schemas[name])].sort()) visit(dep, [...trail, name]);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const name of Object.keys(schemas).sort()) visit(name, []);
  return ordered;
}

export function zodSchemaModule(doc) {
  const schemas = doc.components?.schemas ?? {};
  const lines = [];
  for (const name of dependencyOrder(schemas)) {
    const description = schemas[name].description;
    if (description) lines.push(`/** ${description.trim().split('\n')[0].replace(/\*\//g, '*\\/')} */`);
    lines.push(`export const ${name}Schema = ${zodExpr(schemas[name], name)};`);
    lines.push(`export type ${name} = z.output<typeof ${name}Schema>;`);
    lines.push('');
  }
  const body = lines.join('\n');
  const helpers = ['int64', 'looseObject'].filter((name) => body.includes(`${name}(`));
  return ["import * as z from 'zod/mini';", `import { ${helpers.join(', ')} } from '@rollcall/runtime';`, '', body].join('\n');
}
