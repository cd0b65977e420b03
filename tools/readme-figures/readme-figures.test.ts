// The figures READMEs quote are the bench's: written from its results files, never by hand.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { figures, fill, READMES } from './index.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('README figures', () => {
  it('match the results files the bench wrote', async () => {
    const values = await figures();
    for (const file of READMES) {
      const text = await readFile(path.join(root, file), 'utf8');
      expect(text, file).toMatch(/<!-- figures:/);
      expect(fill(text, values, file), `${file}: run node tools/readme-figures/index.mjs`).toBe(text);
    }
  });

  it('replaces a hand-edited figure and refuses a marker it does not know', () => {
    const values = { memory: 'measured' };
    expect(fill('a <!-- figures:memory -->999 MB<!-- /figures:memory --> b', values, 'x')).toBe('a <!-- figures:memory -->measured<!-- /figures:memory --> b');
    expect(() => fill('<!-- figures:speed -->1<!-- /figures:speed -->', values, 'x')).toThrow(/no figure named speed/);
  });
});
