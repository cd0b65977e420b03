import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { configDefaults, defineConfig } from 'vitest/config';

// Tests import the workspace packages from their sources, never from a stale dist, through the same
// map the type-checker uses (tsconfig.base.json `paths`). What users get, the built tarballs, is
// tested in tests/pack, tests/consumer and tests/release.
const base = ts.readConfigFile(fileURLToPath(new URL('./tsconfig.base.json', import.meta.url)), ts.sys.readFile).config;
const alias = Object.entries<string[]>(base.compilerOptions.paths).map(([specifier, [target]]) => ({
  find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
  replacement: fileURLToPath(new URL(target!, import.meta.url)),
}));

// Three projects: unit tests (stub fetch, frozen clocks, signing vectors) and contract tests (the
// real clients against Prism mocks started from the specs, the emulator, the CLI, tarball installs)
// run together; then the fleet's fault scenarios alone. They bring their own load (a fleet of
// processes, Redis, CPU hogs) and assert what a vendor counted, so they run after the rest rather
// than on top of two other test workers.
// Timeouts are generous on purpose: tests assert behaviour, never speed, and must pass on a busy
// 2-core machine (speed belongs in the benchmarks).
export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: [
            'packages/*/test/unit/**/*.test.ts',
            'tools/**/*.test.ts',
            'tests/faults/**/*.test.ts',
            'tests/credentials/**/*.test.ts',
            'tests/proxy/**/*.test.ts',
            'tests/telemetry/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'contract',
          sequence: { groupOrder: 0 },
          include: [
            'packages/*/test/contract/**/*.test.ts',
            'packages/emulator/test/**/*.test.ts',
            'packages/cli/test/**/*.test.ts',
            'tests/pack/**/*.test.ts',
            'tests/consumer/**/*.test.ts',
            'tests/release/**/*.test.ts',
            'tests/qps/**/*.test.ts',
            'tests/official-clients/**/*.test.ts',
            'tests/live/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, 'tests/qps/fleet-faults.test.ts'],
          globalSetup: ['packages/test-support/src/prism-setup.ts', 'packages/test-support/src/tarball-setup.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'fleet', sequence: { groupOrder: 1 }, include: ['tests/qps/fleet-faults.test.ts'] },
      },
    ],
  },
});
