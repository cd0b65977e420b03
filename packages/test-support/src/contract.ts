// What every contract test needs: the spec's examples, and a fetch that records what Prism said.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import './provided-context.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The spec, parsed (the contract tests take their inputs and expectations from its examples), with
 * integers beyond 2^53 kept exact as bigints (a live group's 19-digit id); the others are numbers.
 */
export function loadSpec(file: string): any {
  const smallAsNumber = (_key: unknown, value: unknown) => (typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? Number(value) : value);
  return parse(readFileSync(path.join(root, file), 'utf8'), smallAsNumber, { intAsBigInt: true });
}

/** Every integer of the spec's examples beyond 2^53, by the rounded digits a JavaScript tool (Prism) writes for it. */
export function exactIntegers(spec: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown) => {
    if (typeof value === 'bigint') {
      const rounded = String(Number(value));
      if (out.has(rounded) && out.get(rounded) !== String(value)) throw new Error(`two example integers round to ${rounded}`);
      out.set(rounded, String(value));
    } else if (value && typeof value === 'object') for (const item of Object.values(value)) walk(item);
  };
  walk(spec);
  return out;
}

/**
 * An example answer as the clients give it: every field the spec types `format: int64` as its
 * decimal string. Walks the spec's own schema (not the generated code, which it checks).
 */
export function asAnswered(spec: any, schema: any, value: unknown): unknown {
  const resolved = schema?.$ref ? spec.components.schemas[schema.$ref.split('/').pop()] : schema;
  if (!resolved || value === null || value === undefined) return value;
  if (resolved.type === 'integer' && resolved.format === 'int64' && (typeof value === 'number' || typeof value === 'bigint')) return String(value);
  if (Array.isArray(value)) return value.map((item) => asAnswered(spec, resolved.items, item));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, asAnswered(spec, resolved.properties?.[key] ?? resolved.additionalProperties, item)]),
    );
  }
  return value;
}

/**
 * Prism's violations without the one Prism cannot help: its int64 format is JavaScript's safe range
 * (it reports an id beyond 2^53 as over 9007199254740991), where the spec's int64 is the full 64
 * bits real ids use. Every other violation stays.
 */
function beyondPrism(violations: string | null): string | null {
  if (!violations) return violations;
  const kept = (JSON.parse(violations) as Array<{ code: string; message: string }>).filter(
    (v) => !(v.code === 'maximum' && v.message.endsWith(`must be <= ${Number.MAX_SAFE_INTEGER}`)),
  );
  return kept.length ? JSON.stringify(kept) : null;
}

export interface PrismExchange {
  status: number;
  violations: string | null;
}

/**
 * A fetch for contract tests: adds Prism's `Prefer` header (after signing, as a proxy would),
 * optionally tampers with the request, and records each answer's status and `sl-violations` header.
 */
export function prismFetch() {
  const exchanges: PrismExchange[] = [];
  let prefer: string | null = null;
  let tamper: ((request: Request) => Promise<Request>) | null = null;
  const fetchImpl = async (request: Request): Promise<Response> => {
    let outgoing = tamper ? await tamper(request) : request;
    if (prefer) {
      const headers = new Headers(outgoing.headers);
      headers.set('Prefer', prefer);
      outgoing = new Request(outgoing, { headers });
    }
    const response = await fetch(outgoing);
    exchanges.push({ status: response.status, violations: response.headers.get('sl-violations') });
    return response;
  };
  return {
    fetch: fetchImpl,
    exchanges,
    prefer(value: string | null) {
      prefer = value;
    },
    tamper(fn: ((request: Request) => Promise<Request>) | null) {
      tamper = fn;
    },
    last(): PrismExchange {
      const last = exchanges.at(-1);
      if (!last) throw new Error('no request was sent');
      return { status: last.status, violations: beyondPrism(last.violations) };
    },
  };
}
