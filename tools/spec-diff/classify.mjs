// Classifies the difference between two versions of a vendor spec by what it means for users of the
// generated client, so that a spec change proposes its own version bump:
//
//   breaking (major)  operation or field removed, type narrowed, new required input, limit tightened,
//                     enum value removed, error kind changed, region or routing removed or changed
//   feature (minor)   new operation, new optional field, limit relaxed, enum value added, new
//                     error code, new region
//   fix (patch)       descriptions, summaries, examples, titles
//
// Requests and answers are both checked by the clients (zod on the way out and on the way back), so
// a limit tightened on either side rejects something that passed before: breaking both ways.

const DOC_KEYS = new Set(['description', 'summary', 'example', 'examples', 'title', 'externalDocs', 'tags', 'x-rollcall-region-aliases']);
const RANK = { none: 0, fix: 1, feature: 2, breaking: 3 };
export const BUMP = { none: 'none', fix: 'patch', feature: 'minor', breaking: 'major' };
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** `{ kind, bump, changes: [{ kind, where, what }] }` for two parsed OpenAPI documents. */
export function classifySpecChange(before, after) {
  const changes = [];
  const add = (kind, where, what) => changes.push({ kind, where, what });
  compareOperations(before, after, add);
  compareWebhooks(before, after, add);
  compareServers(before, after, add);
  compareVendor(before['x-rollcall-vendor'] ?? {}, after['x-rollcall-vendor'] ?? {}, add);
  // Whatever no rule above explains: documentation when only documentation keys differ, otherwise an
  // unclassified change, counted as a feature so that it never ships as a patch unnoticed.
  if (!changes.length && !deepEqual(before, after)) {
    if (deepEqual(stripDocs(before), stripDocs(after))) add('fix', '(spec)', 'descriptions, summaries or examples changed');
    else add('feature', '(spec)', 'a change no rule classifies; reviewed as a feature');
  }
  if (!changes.length) return { kind: 'none', bump: 'none', changes };
  const kind = changes.reduce((worst, c) => (RANK[c.kind] > RANK[worst] ? c.kind : worst), 'none');
  return { kind, bump: BUMP[kind], changes };
}

function operationsOf(doc) {
  const out = new Map();
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (op) out.set(op.operationId ?? `${method.toUpperCase()} ${p}`, { op, path: p, method, item });
    }
  }
  return out;
}

function compareOperations(before, after, add) {
  const was = operationsOf(before);
  const now = operationsOf(after);
  for (const id of was.keys()) if (!now.has(id)) add('breaking', id, 'operation removed');
  for (const id of now.keys()) if (!was.has(id)) add('feature', id, 'new operation');
  for (const [id, a] of was) {
    const b = now.get(id);
    if (!b) continue;
    if (a.path !== b.path || a.method !== b.method)
      add('breaking', id, `moved from ${a.method.toUpperCase()} ${a.path} to ${b.method.toUpperCase()} ${b.path}`);
    if (!deepEqual(a.op['x-rollcall-rpc'], b.op['x-rollcall-rpc'])) add('breaking', id, 'the real request (x-rollcall-rpc) changed');
    compareNumber(id, 'QPS (x-rollcall-qps)', a.op['x-rollcall-qps'], b.op['x-rollcall-qps'], 'upper', add);
    // A parameter's own quota: a rule added, removed or changed is that call's QPS going from the
    // operation's (where no rule applies) to the rule's, or back.
    const rulesOf = (op) => new Map((op['x-rollcall-qps-when'] ?? []).map((r) => [`${r.parameter}=${String(r.equals)}`, r.qps]));
    const [rulesA, rulesB] = [rulesOf(a.op), rulesOf(b.op)];
    for (const when of new Set([...rulesA.keys(), ...rulesB.keys()])) {
      const was = rulesA.get(when) ?? a.op['x-rollcall-qps'];
      const now = rulesB.get(when) ?? b.op['x-rollcall-qps'];
      compareNumber(id, `QPS with ${when} (x-rollcall-qps-when)`, was, now, 'upper', add);
    }
    compareNumber(id, 'listed items (x-rollcall-list-bound)', a.op['x-rollcall-list-bound']?.max, b.op['x-rollcall-list-bound']?.max, 'upper', add);
    for (const key of ['x-rollcall-batch', 'x-rollcall-pagination']) {
      if (!deepEqual(a.op[key], b.op[key])) add('breaking', id, `${key} changed`);
    }
    compareCodeList(id, 'retryable codes', a.op['x-rollcall-retryable-codes'], b.op['x-rollcall-retryable-codes'], add);
    const ctx = (doc) => ({ doc, stack: [] });
    compareSchema(inputSchema(before, a), inputSchema(after, b), `${id} request`, 'input', ctx(before), ctx(after), add);
    const responseCodes = new Set([...Object.keys(a.op.responses ?? {}), ...Object.keys(b.op.responses ?? {})]);
    for (const code of responseCodes) {
      const was = responseSchema(before, a.op.responses?.[code]);
      const now = responseSchema(after, b.op.responses?.[code]);
      if (was === undefined && now === undefined) continue;
      if (was === undefined) add(code.startsWith('2') ? 'breaking' : 'feature', `${id} ${code}`, 'new answer documented');
      else if (now === undefined) add(code.startsWith('2') ? 'breaking' : 'fix', `${id} ${code}`, 'answer no longer documented');
      else compareSchema(was, now, `${id} ${code}`, 'output', ctx(before), ctx(after), add);
    }
  }
}

/**
 * Callbacks read like answers (the vendor writes them, users read them): a field that may now be
 * missing or change type is breaking. So is a change to what is signed or how, to the reply the
 * vendor requires, or to an event's meaning; a new callback or event type is a feature (until
 * then it was read as an unknown event).
 */
function compareWebhooks(before, after, add) {
  const [was, now] = [before.webhooks ?? {}, after.webhooks ?? {}];
  for (const name of Object.keys(was)) if (!now[name]) add('breaking', `webhook ${name}`, 'callback removed');
  for (const name of Object.keys(now)) if (!was[name]) add('feature', `webhook ${name}`, 'new callback');
  const ctx = (doc) => ({ doc, stack: [] });
  for (const [name, itemA] of Object.entries(was)) {
    const itemB = now[name];
    if (!itemB) continue;
    const where = `webhook ${name}`;
    const [a, b] = [itemA.post ?? {}, itemB.post ?? {}];
    const [hookA, hookB] = [a['x-rollcall-webhook'] ?? {}, b['x-rollcall-webhook'] ?? {}];
    for (const key of ['signature', 'reply', 'eventType', 'order']) {
      if (!deepEqual(hookA[key], hookB[key])) add('breaking', where, `${key} (x-rollcall-webhook) changed`);
    }
    for (const key of ['deadlineMs', 'leftRecordMs', 'heartbeatLagMs', 'testChannel']) {
      if (!deepEqual(hookA[key], hookB[key])) add('feature', where, `${key} (x-rollcall-webhook) changed`);
    }
    const body = (op) => op.requestBody?.content?.['application/json']?.schema;
    compareSchema(body(a), body(b), `${where} body`, 'output', ctx(before), ctx(after), add);
    const [eventsA, eventsB] = [hookA.events ?? {}, hookB.events ?? {}];
    for (const type of Object.keys(eventsA)) if (!eventsB[type]) add('breaking', `${where} event ${type}`, 'event type no longer read');
    for (const type of Object.keys(eventsB)) if (!eventsA[type]) add('feature', `${where} event ${type}`, 'new event type');
    for (const [type, eventA] of Object.entries(eventsA)) {
      const eventB = eventsB[type];
      if (!eventB) continue;
      const { payload: payloadA, ...meaningA } = eventA;
      const { payload: payloadB, ...meaningB } = eventB;
      if (!deepEqual(meaningA, meaningB)) add('breaking', `${where} event ${type}`, 'its name, change or role changed');
      const ref = (schema) => ({ $ref: `#/components/schemas/${schema}` });
      compareSchema(ref(payloadA), ref(payloadB), `${where} event ${type} payload`, 'output', ctx(before), ctx(after), add);
    }
  }
}

/** Parameters and body fields as one object schema: what a caller passes. */
function inputSchema(doc, { op, item }) {
  const properties = {};
  const required = [];
  for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
    const p = resolve(doc, raw);
    properties[`${p.in}:${p.name}`] = p.schema ?? {};
    if (p.required) required.push(`${p.in}:${p.name}`);
  }
  const body = resolve(doc, op.requestBody);
  for (const media of Object.values(body?.content ?? {})) {
    properties.body = media.schema ?? {};
    if (body.required) required.push('body');
    break;
  }
  return { type: 'object', properties, required };
}

function responseSchema(doc, response) {
  if (response === undefined) return undefined;
  const r = resolve(doc, response);
  const media = Object.values(r?.content ?? {})[0];
  return media?.schema ?? {};
}

function resolve(doc, node) {
  let out = node;
  for (let i = 0; out && typeof out.$ref === 'string' && i < 32; i++) {
    out = out.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((n, key) => n?.[key], doc);
  }
  return out;
}

const typesOf = (s) => {
  if (Array.isArray(s.type)) return new Set(s.type);
  if (typeof s.type === 'string') return new Set(s.nullable ? [s.type, 'null'] : [s.type]);
  return null; // any type
};

/** `upper` limits (maxItems…) relax when they grow; `lower` limits (minItems…) when they shrink. */
function compareNumber(where, what, was, now, direction, add) {
  if (was === now) return;
  const relaxed = direction === 'upper' ? now === undefined || (was !== undefined && now > was) : now === undefined || (was !== undefined && now < was);
  add(relaxed ? 'feature' : 'breaking', where, `${what} ${relaxed ? 'relaxed' : 'tightened'}: ${was ?? 'none'} → ${now ?? 'none'}`);
}

const UPPER = ['maxItems', 'maxLength', 'maximum', 'exclusiveMaximum', 'maxProperties'];
const LOWER = ['minItems', 'minLength', 'minimum', 'exclusiveMinimum', 'minProperties'];

function compareSchema(rawA, rawB, where, direction, ctxA, ctxB, add) {
  const a = resolve(ctxA.doc, rawA) ?? {};
  const b = resolve(ctxB.doc, rawB) ?? {};
  // A recursive schema is not followed into itself.
  if (ctxA.stack.some(([x, y]) => x === a && y === b)) return;
  ctxA.stack.push([a, b]);
  try {
    compareResolved(a, b, where, direction, ctxA, ctxB, add);
  } finally {
    ctxA.stack.pop();
  }
}

function compareResolved(a, b, where, direction, ctxA, ctxB, add) {
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (ta || tb) {
    const widened = ta && (!tb || [...ta].every((t) => tb.has(t) || (t === 'integer' && tb.has('number'))));
    const narrowed = tb && (!ta || [...tb].every((t) => ta.has(t) || (t === 'integer' && ta.has('number'))));
    const same = widened && narrowed;
    if (!same) {
      if (narrowed) add('breaking', where, `type narrowed: ${[...(ta ?? ['any'])]} → ${[...tb]}`);
      else if (widened && direction === 'input') add('feature', where, `type widened: ${[...ta]} → ${[...(tb ?? ['any'])]}`);
      else add('breaking', where, `type changed: ${[...(ta ?? ['any'])]} → ${[...(tb ?? ['any'])]}`);
    }
  }
  if (a.format !== b.format) {
    add(b.format === undefined ? 'feature' : 'breaking', where, `format ${a.format ?? 'none'} → ${b.format ?? 'none'}`);
  }
  if (a.const !== b.const) add(b.const === undefined ? 'feature' : 'breaking', where, `const ${JSON.stringify(a.const)} → ${JSON.stringify(b.const)}`);
  for (const limit of UPPER) compareNumber(where, limit, a[limit], b[limit], 'upper', add);
  for (const limit of LOWER) compareNumber(where, limit, a[limit], b[limit], 'lower', add);
  if (a.pattern !== b.pattern) {
    add(
      b.pattern === undefined ? 'feature' : 'breaking',
      where,
      b.pattern === undefined ? 'pattern removed' : `pattern ${a.pattern ? 'changed' : 'added'}: ${b.pattern}`,
    );
  }
  if (a.uniqueItems !== b.uniqueItems) add(b.uniqueItems ? 'breaking' : 'feature', where, `uniqueItems ${Boolean(a.uniqueItems)} → ${Boolean(b.uniqueItems)}`);
  if (a.enum || b.enum) {
    const ea = a.enum ?? null;
    const eb = b.enum ?? null;
    if (ea && eb) {
      for (const v of ea) if (!eb.some((w) => deepEqual(v, w))) add('breaking', where, `enum value removed: ${JSON.stringify(v)}`);
      for (const v of eb) if (!ea.some((w) => deepEqual(v, w))) add('feature', where, `enum value added: ${JSON.stringify(v)}`);
    } else if (eb) add('breaking', where, 'values restricted to an enum');
    else add('feature', where, 'enum restriction removed');
  }

  // Object fields.
  const pa = a.properties ?? {};
  const pb = b.properties ?? {};
  const ra = new Set(a.required ?? []);
  const rb = new Set(b.required ?? []);
  for (const name of Object.keys(pa)) {
    if (!(name in pb)) add('breaking', `${where}.${name}`, 'field removed');
  }
  for (const name of Object.keys(pb)) {
    if (name in pa) continue;
    if (direction === 'input' && rb.has(name)) add('breaking', `${where}.${name}`, 'new required input');
    else add('feature', `${where}.${name}`, direction === 'input' ? 'new optional field' : 'new field in the answer');
  }
  for (const name of Object.keys(pa)) {
    if (!(name in pb)) continue;
    if (ra.has(name) !== rb.has(name)) {
      const nowRequired = rb.has(name);
      // A caller must now send it (input), or may no longer find it (output).
      const breaking = direction === 'input' ? nowRequired : !nowRequired;
      add(breaking ? 'breaking' : 'feature', `${where}.${name}`, nowRequired ? 'now required' : 'now optional');
    }
    compareSchema(pa[name], pb[name], `${where}.${name}`, direction, ctxA, ctxB, add);
  }
  const apA = a.additionalProperties;
  const apB = b.additionalProperties;
  if (apA !== undefined || apB !== undefined) {
    if (typeof apA === 'object' && typeof apB === 'object') compareSchema(apA, apB, `${where}.*`, direction, ctxA, ctxB, add);
    else if (!deepEqual(apA, apB)) {
      const closed = apB === false || ((apA === true || apA === undefined) && typeof apB === 'object');
      add(closed ? 'breaking' : 'feature', `${where}.*`, `additional fields ${closed ? 'restricted' : 'allowed'}`);
    }
  }
  if (a.items || b.items) {
    if (a.items && b.items) compareSchema(a.items, b.items, `${where}[]`, direction, ctxA, ctxB, add);
    else add(b.items ? 'breaking' : 'feature', `${where}[]`, b.items ? 'items restricted' : 'items restriction removed');
  }
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    const la = a[combinator] ?? [];
    const lb = b[combinator] ?? [];
    const shared = Math.min(la.length, lb.length);
    for (let i = 0; i < shared; i++) compareSchema(la[i], lb[i], `${where}(${combinator} ${i})`, direction, ctxA, ctxB, add);
    if (lb.length < la.length) add(combinator === 'allOf' ? 'feature' : 'breaking', where, `${combinator} lost ${la.length - lb.length} variant(s)`);
    if (lb.length > la.length) add(combinator === 'allOf' ? 'breaking' : 'feature', where, `${combinator} gained ${lb.length - la.length} variant(s)`);
  }
}

function compareServers(before, after, add) {
  const regionOf = (s) => s['x-rollcall-region'] ?? s.url;
  const was = new Map((before.servers ?? []).map((s) => [regionOf(s), s]));
  const now = new Map((after.servers ?? []).map((s) => [regionOf(s), s]));
  for (const [region, s] of was) {
    const n = now.get(region);
    if (!n) add('breaking', 'servers', `region removed: ${region}`);
    else if (!deepEqual(stripDocs(s), stripDocs(n))) add('breaking', 'servers', `region ${region} moved: ${s.url} → ${n.url}`);
  }
  for (const region of now.keys()) if (!was.has(region)) add('feature', 'servers', `new region: ${region}`);
  if (before.servers?.[0] && after.servers?.[0] && regionOf(before.servers[0]) !== regionOf(after.servers[0])) {
    add('breaking', 'servers', `default region changed: ${regionOf(before.servers[0])} → ${regionOf(after.servers[0])}`);
  }
}

function compareCodeList(where, what, was = [], now = [], add) {
  for (const c of was) if (!now.includes(c)) add('breaking', where, `${what}: ${c} removed`);
  for (const c of now) if (!was.includes(c)) add('feature', where, `${what}: ${c} added`);
}

function compareVendor(a, b, add) {
  const kindOf = (v) => {
    const map = new Map();
    for (const [kind, codes] of Object.entries(v.errorKinds ?? {})) for (const code of codes) map.set(code, kind);
    return map;
  };
  const ka = kindOf(a);
  const kb = kindOf(b);
  for (const [code, kind] of ka) {
    if (!kb.has(code)) add('breaking', 'errors', `error code ${code} no longer classified (was ${kind})`);
    else if (kb.get(code) !== kind) add('breaking', 'errors', `error kind of ${code} changed: ${kind} → ${kb.get(code)}`);
  }
  for (const [code, kind] of kb) if (!ka.has(code)) add('feature', 'errors', `error code ${code} classified as ${kind}`);
  compareCodeList('errors', 'retryable codes', a.retryableCodes, b.retryableCodes, add);
  compareCodeList('errors', 'retryable HTTP statuses', a.retryableHttpStatuses, b.retryableHttpStatuses, add);
  compareCodeList('errors', 'clock skew codes', a.clockSkewCodes, b.clockSkewCodes, add);
  const rest = (v) => stripDocs({ ...v, errorKinds: undefined, retryableCodes: undefined, retryableHttpStatuses: undefined, clockSkewCodes: undefined });
  if (!deepEqual(rest(a), rest(b))) add('breaking', 'x-rollcall-vendor', 'signing, envelope or vendor identity changed');
}

function stripDocs(node) {
  if (Array.isArray(node)) return node.map(stripDocs);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([k, v]) => !DOC_KEYS.has(k) && v !== undefined)
        .map(([k, v]) => [k, stripDocs(v)]),
    );
  }
  return node;
}

export function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}
