// The generator: deterministic, and CI's drift check fails when a spec changes without regenerating.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAll, targets } from './index.mjs';
import { inputSchemasModule, operationTableModule } from './operations.mjs';
import { descriptor } from './descriptor.mjs';
import { zodExpr } from './zod.mjs';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A minimal spec of one GET operation, for the generator's own rules. */
function getSpec(operation: Record<string, unknown>, path = '/v1/{appid}/items') {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://example.invalid', 'x-rollcall-region': 'r' }],
    'x-rollcall-vendor': {
      id: 't',
      resultPointer: '/data',
      errorLocation: { message: '/message' },
      errorKinds: {},
      credentialsEnvironment: { token: 'T_TOKEN' },
    },
    paths: {
      [path]: {
        get: {
          operationId: 'ListItems',
          summary: 'Items',
          'x-rollcall-qps': 10,
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Answer' } } } } },
          ...operation,
        },
      },
    },
    components: { schemas: { Answer: { type: 'object', properties: { data: { type: 'object' } } } } },
  };
}

describe('generator: REST operations', () => {
  const appid = { name: 'appid', in: 'path', required: true, schema: { type: 'string', minLength: 1 } };
  const pageSize = { name: 'size', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 20 } };

  it('puts path and query parameters in one input, names the path ones, and reads numbered pages from the size parameter', () => {
    const table = operationTableModule(
      getSpec({ parameters: [appid, pageSize], 'x-rollcall-pagination': { pageParam: 'page', sizeParam: 'size', firstPage: 0, items: '/data' } }),
    );
    expect(table).toContain('pathParams: ["appid"]');
    expect(table).toContain('"maxPageSize":50,"defaultPageSize":20');
    expect(table).toContain('export { ListItemsInputSchema };');
    expect(inputSchemasModule(getSpec({ parameters: [appid, pageSize] }))).toMatch(
      /ListItemsInputSchema = \/\* @__PURE__ \*\/ z\.strictObject\(\{\n {2}"appid": \/\* @__PURE__ \*\/ z\.string\(\)/,
    );
  });

  it('emits the environment variables of the credentials, and refuses a spec without them', () => {
    expect(operationTableModule(getSpec({ parameters: [appid] }))).toContain('export const credentialsEnvironment = {"token":"T_TOKEN"} as const;');
    const spec = getSpec({ parameters: [appid] });
    delete (spec['x-rollcall-vendor'] as Record<string, unknown>).credentialsEnvironment;
    expect(() => operationTableModule(spec)).toThrow(/credentialsEnvironment/);
    (spec['x-rollcall-vendor'] as Record<string, unknown>).credentialsEnvironment = { token: 'lower-case' };
    expect(() => operationTableModule(spec)).toThrow(/credentialsEnvironment/);
  });

  it('refuses a path parameter that is optional or missing from the path, and pages without a bounded size', () => {
    expect(() => operationTableModule(getSpec({ parameters: [{ ...appid, required: false }] }))).toThrow(/path parameter appid must be required/);
    expect(() => operationTableModule(getSpec({ parameters: [appid] }, '/v1/items'))).toThrow(/path parameter appid must be required and in the path/);
    const unbounded = { ...pageSize, schema: { type: 'integer', minimum: 1 } };
    expect(() => operationTableModule(getSpec({ parameters: [appid, unbounded], 'x-rollcall-pagination': { sizeParam: 'size' } }))).toThrow(
      /sizeParam needs a parameter with a maximum/,
    );
  });
});

describe('generator: a quota a parameter selects (x-rollcall-qps-when)', () => {
  const detail = { name: 'detail', in: 'query', schema: { type: 'boolean' } };
  it('carries each rule with its value in wire form, and names it in the method comment', () => {
    const table = operationTableModule(getSpec({ parameters: [detail], 'x-rollcall-qps-when': [{ parameter: 'detail', equals: true, qps: 1 }] }, '/v1/items'));
    expect(table).toContain('qpsWhen: [{"parameter":"detail","equals":"true","qps":1}],');
    expect(table).toContain('(ListItems; QPS ≤ 10, ≤ 1 with detail=true)');
  });
  it('refuses a rule on a field the input lacks, a value that is not a scalar, or no positive qps', () => {
    const spec = (rule: object) => getSpec({ parameters: [detail], 'x-rollcall-qps-when': [rule] }, '/v1/items');
    expect(() => operationTableModule(spec({ parameter: 'Detail', equals: true, qps: 1 }))).toThrow(/Detail is not an input field/);
    expect(() => operationTableModule(spec({ parameter: 'detail', equals: [true], qps: 1 }))).toThrow(/equals must be a string, number or boolean/);
    expect(() => operationTableModule(spec({ parameter: 'detail', equals: true, qps: 0 }))).toThrow(/qps must be a positive number/);
    expect(() => operationTableModule(getSpec({ parameters: [detail], 'x-rollcall-qps-when': [] }, '/v1/items'))).toThrow(/non-empty list/);
  });
});

const pure = (call: string) => `/* @__PURE__ */ ${call}`;

describe('generator', () => {
  it('is deterministic and matches the committed files', async () => {
    const first = await generateAll();
    const second = await generateAll();
    expect(second).toEqual(first);
    for (const [file, contents] of Object.entries(first)) {
      expect(contents.split('\n')[0]).toMatch(/^\/\/ Generated by tools\/generate from specs\/.*\.yaml\. Do not edit/);
      expect(await readFile(path.join(root, file), 'utf8')).toBe(contents);
    }
  });

  it('refuses schema keywords it does not translate, instead of dropping them', () => {
    expect(() => zodExpr({ type: 'string', format: 'date-time', uniqueItems: true }, 'X')).toThrow(/unsupported schema keyword "uniqueItems"/);
    expect(() => zodExpr({ anyOf: [] }, 'X')).toThrow(/anyOf/);
    expect(zodExpr({ oneOf: [{ const: true }, { type: 'string' }] }, 'X')).toBe(pure('z.union([/* @__PURE__ */ z.literal(true), /* @__PURE__ */ z.string()])'));
  });

  it('maps int64 to exact decimal strings, other integers to safe ones, and closed objects to strict ones', () => {
    expect(zodExpr({ type: 'integer', format: 'int64' }, 'X')).toBe(pure('int64()'));
    expect(zodExpr({ type: 'integer', format: 'int64', minimum: 0 }, 'X')).toBe(pure('int64({ gte: 0 })'));
    expect(descriptor({}, { type: 'integer', format: 'int64' }, 'X')).toEqual({ t: 'l' });
    expect(zodExpr({ type: 'array', items: { type: 'integer' }, maxItems: 200 }, 'X')).toBe(
      pure('z.array(/* @__PURE__ */ z.int()).check(/* @__PURE__ */ z.maxLength(200))'),
    );
    expect(zodExpr({ type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } }, 'X')).toMatch(
      /^\/\* @__PURE__ \*\/ z\.strictObject/,
    );
    expect(zodExpr({ type: 'object', properties: { a: { type: 'string' } } }, 'X')).toMatch(/^\/\* @__PURE__ \*\/ looseObject/);
    expect(zodExpr({ type: 'object', additionalProperties: { type: 'string' } }, 'X')).toBe(
      pure('z.catchall(/* @__PURE__ */ z.object({}), /* @__PURE__ */ z.string())'),
    );
  });

  it('marks every call of a schema pure, nested ones too, so that a bundle which never reaches a schema drops it and zod', () => {
    const expr = zodExpr(
      {
        type: 'object',
        properties: { id: { type: 'integer', format: 'int64' }, name: { type: 'string', pattern: '^a$', maxLength: 3 }, n: { type: 'integer', minimum: 0 } },
      },
      'X',
    );
    // Each call (`name(`, `.check(`, `new RegExp(`) right after the annotation: none left unmarked.
    const calls = expr.match(/(?:new )?[\w.]+\(/g) ?? [];
    const marked = expr.match(/\/\* @__PURE__ \*\/ (?:new )?[\w.]+\(/g) ?? [];
    const checks = expr.match(/\)\.check\(/g) ?? [];
    expect(calls.length).toBeGreaterThan(5);
    // `.check(` is called on the call before it: that outer call carries the annotation.
    expect(marked.length + checks.length).toBe(calls.length);
  });
});

describe('drift check', () => {
  let copy: string;
  beforeAll(async () => {
    copy = await mkdtemp(path.join(tmpdir(), 'rollcall-drift-'));
    await cp(path.join(root, 'specs'), path.join(copy, 'specs'), { recursive: true });
    await cp(path.join(root, 'tools'), path.join(copy, 'tools'), { recursive: true });
    for (const dir of [...targets.map(({ pkg }) => pkg), 'packages/emulator']) {
      await cp(path.join(root, dir, 'src/generated'), path.join(copy, dir, 'src/generated'), { recursive: true });
    }
    await symlink(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  });
  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('fails when a spec changes without regenerating, and passes after `pnpm generate`', async () => {
    const generator = path.join(copy, 'tools/generate/index.mjs');
    await run(process.execPath, [generator, '--check']);
    const spec = path.join(copy, 'specs/volcengine-rtc.yaml');
    const text = await readFile(spec, 'utf8');
    await writeFile(spec, text.replace('fields: [ParticipantUserIds]\n        max: 200\n', 'fields: [ParticipantUserIds]\n        max: 150\n'));
    const failed = await run(process.execPath, [generator, '--check']).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('packages/volcengine-rtc/src/generated/operations.ts');
    await run(process.execPath, [generator]);
    await run(process.execPath, [generator, '--check']);
    const table = await readFile(path.join(copy, 'packages/volcengine-rtc/src/generated/operations.ts'), 'utf8');
    expect(table).toContain('batch: {"fields":["ParticipantUserIds"],"max":150}');
  });
});
