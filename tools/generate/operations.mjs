// Spec → operation table: everything the hand-written runtime needs to send one operation and
// read its answer, taken from the spec so that no limit or code is a literal in hand-written code.
import { descriptor } from './descriptor.mjs';
import { refName, zodExpr } from './zod.mjs';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function camelCase(operationId) {
  return operationId[0].toLowerCase() + operationId.slice(1);
}

/** RFC 6901 JSON pointer lookup. */
export function pointerGet(value, pointer) {
  if (pointer === '') return value;
  let current = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !(key in current)) return undefined;
    current = current[key];
  }
  return current;
}

export function isFailureBody(vendor, body) {
  return (vendor.errorLocation.failureWhen ?? []).some((rule) => {
    const value = pointerGet(body, rule.pointer);
    if (rule.present) return value !== undefined && value !== null;
    if ('equals' in rule) return value === rule.equals;
    if ('notEquals' in rule) return value !== undefined && value !== rule.notEquals;
    throw new Error(`unknown failureWhen rule ${JSON.stringify(rule)}`);
  });
}

/** The code an error answer carries: the vendor's, or the HTTP status where its body has none (as the runtime reads it). */
function errorCodeOf(vendor, status, body) {
  const code = vendor.errorLocation.code === undefined ? undefined : pointerGet(body, vendor.errorLocation.code);
  return code === undefined || code === null ? `HTTP_${status}` : String(code);
}

function resolveSchema(doc, schema) {
  return schema?.$ref ? doc.components.schemas[refName(schema.$ref)] : schema;
}

function resolveParameter(doc, parameter) {
  if (!parameter.$ref) return parameter;
  const name = parameter.$ref.replace('#/components/parameters/', '');
  const resolved = doc.components?.parameters?.[name];
  if (!resolved) throw new Error(`unknown parameter ${parameter.$ref}`);
  return resolved;
}

function js(value) {
  return JSON.stringify(value);
}

function pointerType(base, pointer) {
  if (pointer === '') return base;
  let out = base;
  for (const key of pointer.slice(1).split('/')) out = `NonNullable<${out}[${js(key)}]>`;
  return out;
}

function operationsOf(doc) {
  const ops = [];
  for (const [pathKey, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      if (item[method]) ops.push({ pathKey, method, op: item[method] });
    }
  }
  return ops.sort((a, b) => a.op.operationId.localeCompare(b.op.operationId));
}

function describeOperation(doc, vendor, { pathKey, method, op }) {
  const where = op.operationId;
  const rpc = op['x-rollcall-rpc'] ?? null;
  const out = {
    operationId: op.operationId,
    method: (rpc?.method ?? method).toUpperCase(),
    path: rpc?.path ?? pathKey,
    // The path's parameters, substituted percent-encoded; absent when the path is fixed.
    pathParams: null,
    action: rpc?.action ?? null,
    version: rpc?.version ?? null,
    qps: op['x-rollcall-qps'],
    // Quotas a parameter's value selects, each counted apart from the operation's (see qpsWhenOf).
    qpsWhen: null,
    request: null,
    batch: null,
    pagination: op['x-rollcall-pagination'] ?? null,
    listBound: op['x-rollcall-list-bound'] ?? null,
    // How often the vendor refreshes what the operation answers: polling faster gets the same answer.
    refreshSeconds: op['x-rollcall-refresh-seconds'] ?? null,
    retryableCodes: [...(vendor.retryableCodes ?? []), ...(op['x-rollcall-retryable-codes'] ?? [])],
    // The region signed on each server (keyed by the server's region) where a vendor signs one.
    signingRegions: op['x-rollcall-signing-regions'] ?? null,
    // Where this operation's payload sits, when not where the vendor's usually does ('' = the body).
    resultPointer: op['x-rollcall-result-pointer'] ?? null,
  };
  // Test metadata, kept out of the runtime table: the spec's path of the operation and its examples.
  const examples = { schemaPath: pathKey, requests: [], successes: [], errors: [] };
  if (typeof out.qps !== 'number') throw new Error(`${where}: x-rollcall-qps is required`);

  let requestSchemaExpr;
  let requestDescriptor;
  let requestObject;
  const content = op.requestBody?.content ?? {};
  const mediaTypes = Object.keys(content);
  if (mediaTypes.length > 1) throw new Error(`${where}: one request media type expected`);
  if (mediaTypes.length === 1) {
    const mediaType = mediaTypes[0];
    const media = content[mediaType];
    const encoding = mediaType === 'application/json' ? 'json' : mediaType === 'application/x-www-form-urlencoded' ? 'form' : null;
    if (!encoding) throw new Error(`${where}: unsupported request media type ${mediaType}`);
    requestSchemaExpr = zodExpr(media.schema, `${where}.requestBody`);
    requestDescriptor = descriptor(doc, media.schema, `${where}.requestBody`);
    requestObject = resolveSchema(doc, media.schema);
    if (encoding === 'form') {
      // The runtime sends a form array as one comma-separated value; refuse any other encoding here.
      const object = resolveSchema(doc, media.schema);
      for (const [name, prop] of Object.entries(object.properties ?? {})) {
        const e = media.encoding?.[name];
        if (resolveSchema(doc, prop).type === 'array' && !(e?.style === 'form' && e?.explode === false)) {
          throw new Error(`${where}: form array ${name} needs encoding style: form, explode: false`);
        }
      }
    }
    out.request = { in: 'body', encoding };
    examples.requests = Object.keys(media.examples ?? {});
  } else {
    // Path and query parameters make one input object; the engine puts each where the spec says.
    const params = (op.parameters ?? []).map((p) => resolveParameter(doc, p)).filter((p) => p.in === 'query' || p.in === 'path');
    for (const p of params) {
      if (p.in === 'path' && (!p.required || !pathKey.includes(`{${p.name}}`)))
        throw new Error(`${where}: path parameter ${p.name} must be required and in the path`);
    }
    const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
    if (pathParams.length) out.pathParams = pathParams;
    requestObject = {
      type: 'object',
      additionalProperties: false,
      required: params.filter((p) => p.required).map((p) => p.name),
      properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    };
    // Numbered pages: the largest page the size parameter allows, read from its schema.
    if (out.pagination?.sizeParam) {
      const size = params.find((p) => p.name === out.pagination.sizeParam);
      const sizeSchema = size && resolveSchema(doc, size.schema);
      const maxPageSize = sizeSchema?.maximum;
      if (typeof maxPageSize !== 'number') throw new Error(`${where}: pagination sizeParam needs a parameter with a maximum`);
      out.pagination = { ...out.pagination, maxPageSize, ...(typeof sizeSchema.default === 'number' && { defaultPageSize: sizeSchema.default }) };
    }
    requestSchemaExpr = zodExpr(requestObject, `${where}.parameters`);
    requestDescriptor = descriptor(doc, requestObject, `${where}.parameters`);
    out.request = { in: 'query', encoding: null };
  }

  out.qpsWhen = qpsWhenOf(op['x-rollcall-qps-when'], requestObject, where);

  // The lists one call's ids travel in (a vendor may take integer and string ids side by side)
  // and the bound on all of them together, which the runtime checks before sending.
  const batch = op['x-rollcall-batch'];
  if (batch) {
    if (!Array.isArray(batch.fields) || batch.fields.length === 0 || typeof batch.max !== 'number') {
      throw new Error(`${where}: x-rollcall-batch needs fields (a non-empty list) and max`);
    }
    for (const name of batch.fields) {
      const field = resolveSchema(doc, requestObject.properties?.[name]);
      if (!field || field.type !== 'array') {
        throw new Error(`${where}: batch field ${name} must be an array`);
      }
    }
    out.batch = { fields: batch.fields, max: batch.max };
  }

  const success = op.responses?.['200']?.content?.['application/json'];
  if (!success?.schema?.$ref) throw new Error(`${where}: a 200 application/json response with a $ref schema is required`);
  const responseName = refName(success.schema.$ref);
  for (const [name, example] of Object.entries(success.examples ?? {})) {
    if (isFailureBody(vendor, example.value)) {
      examples.errors.push({ status: 200, example: name, code: errorCodeOf(vendor, 200, example.value) });
    } else {
      examples.successes.push(name);
    }
  }
  for (const [status, response] of Object.entries(op.responses)) {
    if (status === '200') continue;
    const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()] : response;
    for (const [name, example] of Object.entries(resolved.content?.['application/json']?.examples ?? {})) {
      examples.errors.push({ status: Number(status), example: name, code: errorCodeOf(vendor, Number(status), example.value) });
    }
  }
  const responseDescriptor = descriptor(doc, success.schema, `${where}.responses.200`);
  return { out, examples, requestSchemaExpr, requestDescriptor, responseDescriptor, responseName, summary: op.summary };
}

/**
 * `x-rollcall-qps-when`: a vendor that documents a lower quota for a call with a given parameter
 * value (Volcengine GetRoomOnlineUsers with `Property: true`, QPS 1 not 40). Each rule names an
 * input field and its value, kept in its wire form (what String() of the value gives, the same in
 * a query and in JSON), so a limiter and the emulator match it alike.
 */
function qpsWhenOf(rules, requestObject, where) {
  if (rules === undefined) return null;
  if (!Array.isArray(rules) || rules.length === 0) throw new Error(`${where}: x-rollcall-qps-when must be a non-empty list`);
  return rules.map((rule, i) => {
    const at = `${where}: x-rollcall-qps-when[${i}]`;
    if (!requestObject?.properties?.[rule.parameter]) throw new Error(`${at}: ${rule.parameter} is not an input field`);
    if (!['string', 'number', 'boolean'].includes(typeof rule.equals)) throw new Error(`${at}: equals must be a string, number or boolean`);
    if (!(typeof rule.qps === 'number' && rule.qps > 0)) throw new Error(`${at}: qps must be a positive number`);
    return { parameter: rule.parameter, equals: String(rule.equals), qps: rule.qps };
  });
}

/** Whether an operation's input schema is built by the generator (not one of the spec's named schemas). */
function builtInput({ requestSchemaExpr }) {
  return requestSchemaExpr.includes('(');
}

/** The input schemas the generator builds (from parameters), for schemas.ts: `{name}InputSchema`. */
export function inputSchemasModule(doc) {
  const vendor = doc['x-rollcall-vendor'];
  const lines = [];
  for (const d of operationsOf(doc).map((o) => describeOperation(doc, vendor, o))) {
    if (!builtInput(d)) continue;
    lines.push(`/** Input of ${d.out.operationId}: its path and query parameters. */`);
    lines.push(`export const ${d.out.operationId}InputSchema = ${d.requestSchemaExpr};`, '');
  }
  return lines.join('\n');
}

/** The spec's named examples per operation, for the contract tests (kept out of the runtime table). */
export function examplesModule(doc) {
  const vendor = doc['x-rollcall-vendor'];
  const described = operationsOf(doc).map((o) => describeOperation(doc, vendor, o));
  const lines = ['/** Named examples of each operation in the spec: request bodies, successes, documented errors. */', 'export const examples = {'];
  for (const { out, examples } of described) lines.push(`  ${camelCase(out.operationId)}: ${js(examples)},`);
  lines.push('} as const;', '');
  return lines.join('\n');
}

export function operationTableModule(doc) {
  const vendor = doc['x-rollcall-vendor'];
  if (!vendor) throw new Error('x-rollcall-vendor is required');
  const servers = doc.servers.map((s) => ({
    url: s.url,
    region: s['x-rollcall-region'],
    aliases: s['x-rollcall-region-aliases'] ?? [],
    ...(s['x-rollcall-fallback'] ? { fallbackUrl: s['x-rollcall-fallback'] } : {}),
    // A URL template (`{region}`) serving any region that matches the pattern.
    ...(s['x-rollcall-region-pattern'] ? { regionPattern: s['x-rollcall-region-pattern'] } : {}),
  }));
  for (const server of servers) {
    if (server.url.includes('{') !== Boolean(server.regionPattern))
      throw new Error(`server ${server.url}: a {region} URL needs x-rollcall-region-pattern, and only it`);
  }
  const vendorInfo = {
    id: vendor.id,
    ...(vendor.defaultRegionBy ? { defaultRegionBy: vendor.defaultRegionBy } : {}),
    service: vendor.service ?? null,
    resultPointer: vendor.resultPointer,
    errorLocation: vendor.errorLocation,
    errorKinds: vendor.errorKinds,
    retryableHttpStatuses: vendor.retryableHttpStatuses ?? [],
    // Codes refusing the request's signed time: the engine corrects its clock by the answer's Date.
    clockSkewCodes: vendor.clockSkewCodes ?? [],
  };
  // A refused time is a refused credential first: without a Date to correct by, it stays an AuthError.
  for (const code of vendorInfo.clockSkewCodes) {
    if (!(vendor.errorKinds?.auth ?? []).some((pattern) => (pattern.endsWith('*') ? code.startsWith(pattern.slice(0, -1)) : code === pattern)))
      throw new Error(`clockSkewCodes: ${code} must also be an auth code (errorKinds.auth)`);
  }
  const credentialsEnvironment = vendor.credentialsEnvironment;
  if (!credentialsEnvironment || !Object.values(credentialsEnvironment).every((name) => /^[A-Z][A-Z0-9_]*$/.test(name)))
    throw new Error('x-rollcall-vendor.credentialsEnvironment: each credentials field needs an environment variable name');
  const described = operationsOf(doc).map((o) => describeOperation(doc, vendor, o));
  const schemaImports = new Set();
  const typeImports = new Set(described.map((d) => d.responseName));
  for (const d of described) {
    // An input built here (query and path parameters) lives in schemas.ts with the other zod
    // schemas: its zod calls would otherwise keep zod in every bundle that uses the table.
    if (builtInput(d)) schemaImports.add(`${d.out.operationId}InputSchema`);
    else for (const m of d.requestSchemaExpr.matchAll(/\b([A-Z]\w*)Schema\b/g)) schemaImports.add(m[0]);
  }

  const lines = [
    "import * as z from 'zod/mini';",
    "import { schemaOf, type CallOptions, type WithMetadata } from '@rollcall/runtime';",
    // The zod schemas type the inputs (and stay public); the clients validate with the descriptors.
    `import { ${[...schemaImports].sort().join(', ')} } from './schemas.js';`,
    `import type { ${[...typeImports].sort().join(', ')} } from './schemas.js';`,
    '',
    '/** The vendor: signing scheme, where errors and results sit in a response body. */',
    `export const vendor = ${js(vendorInfo)} as const;`,
    '',
    "/** Endpoints by region, from the spec's `servers`. */",
    `export const servers = ${js(servers)} as const;`,
    '',
    '/** The environment variables a client given no credentials reads, by credentials field. */',
    `export const credentialsEnvironment = ${js(credentialsEnvironment)} as const;`,
    '',
  ];
  for (const { out, requestSchemaExpr, responseName } of described) {
    const name = out.operationId;
    if (builtInput({ requestSchemaExpr })) lines.push(`export { ${name}InputSchema };`);
    else lines.push(`export const ${name}InputSchema = ${requestSchemaExpr};`);
    lines.push(`/** Input of ${name}, as the caller passes it. */`);
    lines.push(`export type ${name}Input = z.input<typeof ${name}InputSchema>;`);
    const resultPointer = out.resultPointer ?? vendorInfo.resultPointer;
    lines.push(`/** What ${name} returns on success: the response's ${resultPointer || 'whole body'}. */`);
    lines.push(`export type ${name}Output = ${pointerType(responseName, resultPointer)};`);
    lines.push('');
  }
  lines.push('/** Every operation, keyed by the name of its client method. */');
  lines.push('export const operations = {');
  for (const { out, requestDescriptor, responseDescriptor } of described) {
    const name = out.operationId;
    // Absent rather than null: what an operation does not have costs no bytes in a bundle.
    const fields = Object.entries(out)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `    ${k}: ${js(v)},`);
    fields.push(`    requestSchema: /* @__PURE__ */ schemaOf(${js(requestDescriptor)}),`);
    fields.push(`    responseSchema: /* @__PURE__ */ schemaOf(${js(responseDescriptor)}, 'answer'),`);
    lines.push(`  ${camelCase(name)}: {\n${fields.join('\n')}\n  },`);
  }
  lines.push('} as const;');
  lines.push('');
  lines.push('export type OperationName = keyof typeof operations;');
  lines.push('');
  lines.push('/** One typed method per operation. */');
  lines.push('export interface OperationMethods {');
  for (const { out, summary } of described) {
    const name = out.operationId;
    lines.push(
      `  /** ${summary.replace(/\*\//g, '*\\/')} (${name}; QPS ≤ ${out.qps}${(out.qpsWhen ?? []).map((q) => `, ≤ ${q.qps} with ${q.parameter}=${q.equals}`).join('')}${out.batch ? `; at most ${out.batch.max} ${out.batch.fields.join(' + ')}` : ''}). */`,
    );
    lines.push(`  ${camelCase(name)}(input: ${name}Input, options?: CallOptions): Promise<WithMetadata<${name}Output>>;`);
  }
  lines.push('}');
  lines.push('');
  lines.push('/** Input and output type of each operation, by method name. */');
  lines.push('export interface OperationTypes {');
  for (const { out } of described) {
    const name = out.operationId;
    lines.push(`  ${camelCase(name)}: { input: ${name}Input; output: ${name}Output };`);
  }
  lines.push('}');
  lines.push('');
  return lines.join('\n');
}

/**
 * What a server must accept and answer beyond what a client sends: every method and version an
 * official client may use per operation, and the vendor's gateway codes. The emulator (and the
 * test servers built on its wire module) read this; the clients never do.
 */
export function wireModule(docs) {
  const lines = ['/** Per vendor: the requests servers accept for each operation, and the gateway codes. */', 'export const wire = {'];
  for (const doc of docs) {
    const vendor = doc['x-rollcall-vendor'];
    const operations = {};
    for (const { pathKey, method, op } of operationsOf(doc)) {
      const rpc = op['x-rollcall-rpc'] ?? null;
      operations[op.operationId] = {
        path: rpc?.path ?? pathKey,
        action: rpc?.action ?? null,
        methods: [(rpc?.method ?? method).toUpperCase(), ...(rpc?.alsoMethods ?? [])],
        versions: rpc ? [rpc.version, ...(rpc.alsoVersions ?? [])] : [],
      };
    }
    const entry = { operations, gatewayCodes: vendor['x-rollcall-gateway-codes'] ?? {} };
    lines.push(`  ${vendor.id}: ${js(entry)},`);
  }
  lines.push('} as const;', '');
  return lines.join('\n');
}
