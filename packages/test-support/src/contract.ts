// What every contract test needs: the spec's examples, and a fetch that records what Prism said.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import './provided-context.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The spec, parsed (the contract tests take their inputs and expectations from its examples). */
export function loadSpec(file: string): any {
  return parse(readFileSync(path.join(root, file), 'utf8'));
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
      return last;
    },
  };
}
