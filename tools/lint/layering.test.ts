// The layering rules of biome.json hold: each case is linted as if it were the named file.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const biome = path.join(root, 'node_modules/.bin/biome');

// Each case is written at its path in a scratch tree that holds the project's biome.json.
const scratch = mkdtempSync(path.join(tmpdir(), 'rollcall-lint-'));
copyFileSync(path.join(root, 'biome.json'), path.join(scratch, 'biome.json'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function lint(file: string, source: string): string[] {
  mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
  writeFileSync(path.join(scratch, file), source);
  const result = spawnSync(biome, ['lint', '--vcs-enabled=false', '--colors=off', file], { cwd: scratch, encoding: 'utf8' });
  rmSync(path.join(scratch, file));
  return [...`${result.stdout}${result.stderr}`.matchAll(/^ {2}× (.+)$/gm)].map((m) => m[1]!).filter((m) => !m.startsWith('Some errors'));
}

describe('imports keep the layering', () => {
  const cases: Array<[string, string, string | null]> = [
    ['packages/presence-core/src/providers/x.ts', "import { operations } from '@rollcall/volcengine-rtc';", null],
    [
      'packages/presence-core/src/x.ts',
      "import { examples } from '../../aliyun-live/src/generated/examples.js';",
      'Code in packages/presence-core reaches another package only through its public exports',
    ],
    [
      'packages/test-support/src/x.ts',
      "import { examples } from '../../volcengine-rtc/src/generated/examples.js';",
      'Code in packages/test-support reaches another package only through its public exports',
    ],
    [
      'tests/qps/x.test.ts',
      "import { createPresence } from '../../packages/presence-core/src/index.js';",
      'Import a workspace package through its public exports',
    ],
    ['packages/cli/src/x.ts', "import { createEngine } from '@rollcall/runtime/src/engine.js';", 'Import a workspace package through its public exports'],
    ['packages/emulator/src/x.ts', "import { stubFetch } from '@rollcall/test-support';", 'Published code never depends on the test helpers.'],
    ['packages/emulator/test/x.test.ts', "import { stubFetch } from '@rollcall/test-support';", null],
    [
      'packages/runtime/src/x.ts',
      "import { operations } from '@rollcall/volcengine-rtc';",
      'The shared runtime is the base layer: it depends on no other rollcall package.',
    ],
    ['packages/runtime/src/x.ts', "import { crypto } from '@rollcall/runtime/crypto/node';", null],
  ];
  it.each(cases)('%s: %s', (file, source, expected) => {
    const messages = lint(file, `${source}\nexport const used = 1;\n`);
    if (expected === null) expect(messages).toEqual([]);
    else expect(messages.some((m) => m.startsWith(expected))).toBe(true);
  });
});
