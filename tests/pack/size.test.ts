// What one call costs in an application's bundle, measured on the packed tarballs as npm installs
// them (bench/size/measure.ts): within the budget, without zod, and as bench/results/size.md says
// (which the READMEs quote through tools/readme-figures).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshApp, withSiblings } from '@rollcall/test-support/tarballs';
import { type BundleSize, budget, CLIENT_ENTRIES, measureClients, SIZE_RESULTS, type SizedClient, sizeResults } from '../../bench/size/measure.js';

const tarballs = inject('tarballs');
let workDir: string;
let sizes: Record<SizedClient, BundleSize>;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'rollcall-size-'));
  const names = [...new Set(Object.values(CLIENT_ENTRIES).flatMap((name) => withSiblings(name)))];
  sizes = await measureClients(
    await freshApp(
      workDir,
      'size',
      names.map((name) => tarballs[name]!),
    ),
  );
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.each(Object.entries(CLIENT_ENTRIES))('%s: one call bundled from the tarball', (client, name) => {
  it('carries only the client and the shared runtime — no zod — within the budget', () => {
    const size = sizes[client as SizedClient];
    expect(size.packages).toEqual(['@rollcall/runtime', name].sort());
    expect(size.gzip).toBeLessThanOrEqual(budget.gzipBytes);
  });
});

describe('bench/results/size.md', () => {
  it('holds the sizes measured now (npm run size writes it, and the READMEs from it)', async () => {
    expect(await readFile(SIZE_RESULTS, 'utf8'), 'run npm run size').toBe(sizeResults(sizes));
  });
});
