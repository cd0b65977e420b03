// House rules for the specs that the linter does not check.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { targets } from './index.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every property schema in the document, with where it is. */
function properties(node: unknown, where: string, out: Array<[string, any]> = []): Array<[string, any]> {
  if (Array.isArray(node)) node.forEach((item, i) => properties(item, `${where}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'examples' || key === 'example') continue;
      if (key === 'properties' && value && typeof value === 'object') {
        for (const [name, schema] of Object.entries(value)) out.push([`${where}/properties/${name}`, schema]);
      }
      properties(value, `${where}/${key}`, out);
    }
  }
  return out;
}

describe.each(targets.map((t) => [t.spec]))('%s', (spec) => {
  const doc = parse(readFileSync(path.join(root, spec), 'utf8'));

  it('describes every request and response field (directly or through the schema it refers to)', () => {
    const schemas = doc.components.schemas;
    const undescribed = properties(doc, '#')
      .filter(([, schema]) => !schema.description && !(schema.$ref && schemas[schema.$ref.split('/').pop()]?.description))
      .map(([where]) => where);
    expect(undescribed).toEqual([]);
  });

  it('gives every operation a QPS and every server a region', () => {
    for (const item of Object.values<any>(doc.paths)) {
      for (const op of Object.values<any>(item)) expect(op['x-rollcall-qps']).toBeGreaterThan(0);
    }
    for (const server of doc.servers) expect(server['x-rollcall-region']).toMatch(/\S/);
  });
});
