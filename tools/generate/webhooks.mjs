// The spec's `webhooks` (OpenAPI 3.1) → packages/<vendor>/src/generated/webhooks.ts: per callback,
// how the vendor signs it, what it must be answered, its ordering and dedupe rules, and a
// descriptor per event type for the runtime's validator. Read by the vendor package's verifier and
// by presence-core's live rosters; kept out of operations.ts so that a client's bundle carries none.
import { descriptor } from './descriptor.mjs';
import { refName } from './zod.mjs';

const ALGORITHMS = new Set(['hmac-sha256', 'hmac-sha1', 'sha256']);
const CHANGES = new Set(['join', 'leave', 'role']);

function js(value) {
  return JSON.stringify(value);
}

export function webhooksModule(doc) {
  const lines = ["import { schemaOf } from '@rollcall/runtime';", ''];
  lines.push('export const webhooks = {');
  for (const [name, item] of Object.entries(doc.webhooks ?? {})) {
    const post = item.post;
    const hook = post?.['x-rollcall-webhook'];
    const where = `webhooks.${name}`;
    if (!hook) throw new Error(`${where}: x-rollcall-webhook is required`);
    for (const { algorithm } of [...(hook.signature?.headers ?? []), ...(hook.signature?.algorithm ? [hook.signature] : [])]) {
      if (!ALGORITHMS.has(algorithm)) throw new Error(`${where}: unknown signature algorithm ${algorithm}`);
    }
    if (!hook.signature) throw new Error(`${where}: x-rollcall-webhook.signature is required`);
    if (!hook.reply || typeof hook.reply.status !== 'number') throw new Error(`${where}: x-rollcall-webhook.reply needs a status`);
    const envelope = post.requestBody?.content?.['application/json']?.schema;
    if (!envelope) throw new Error(`${where}: a JSON request body is required`);
    const { events = {}, ...rest } = hook;
    lines.push(`  ${name}: {`);
    lines.push(`    operationId: ${js(post.operationId)},`);
    for (const [key, value] of Object.entries(rest)) lines.push(`    ${key}: ${js(value)},`);
    lines.push(`    envelope: /* @__PURE__ */ schemaOf(${js(descriptor(doc, envelope, `${where}.requestBody`))}, 'answer'),`);
    lines.push('    events: {');
    for (const [type, event] of Object.entries(events)) {
      // A change the event is (join, leave, role), or one a payload field's value decides.
      for (const change of [event.change, ...Object.values(event.changeFrom?.values ?? {})]) {
        if (change !== undefined && !CHANGES.has(change)) throw new Error(`${where}.events.${type}: unknown change ${change}`);
      }
      const payload = doc.components?.schemas?.[event.payload];
      if (!payload) throw new Error(`${where}.events.${type}: no schema ${event.payload}`);
      const { payload: schemaName, ...fields } = event;
      const payloadSchema = descriptor(doc, { $ref: `#/components/schemas/${schemaName}` }, `${where}.events.${type}`);
      const named = Object.entries(fields)
        .map(([key, value]) => `${key}: ${js(value)}, `)
        .join('');
      lines.push(`      ${js(String(type))}: { ${named}payload: /* @__PURE__ */ schemaOf(${js(payloadSchema)}, 'answer') },`);
    }
    lines.push('    },');
    lines.push('  },');
  }
  lines.push('} as const;', '');
  return lines.join('\n');
}
