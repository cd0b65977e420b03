import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the workspace packages from their sources, never from a stale dist. (What users get,
// the built tarballs, is tested in tests/pack and tests/consumer.)
const source = (file: string) => fileURLToPath(new URL(`./packages/${file}`, import.meta.url));
const exact = (specifier: string) => new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`);
const alias = [
  { find: exact('@rollcall/runtime'), replacement: source('runtime/src/index.ts') },
  { find: exact('@rollcall/runtime/public'), replacement: source('runtime/src/public.ts') },
  { find: exact('@rollcall/runtime/crypto/node'), replacement: source('runtime/src/crypto/node.ts') },
  { find: exact('@rollcall/runtime/crypto/web'), replacement: source('runtime/src/crypto/web.ts') },
  { find: exact('@rollcall/volcengine-rtc'), replacement: source('volcengine-rtc/src/index.ts') },
  { find: exact('@rollcall/aliyun-live'), replacement: source('aliyun-live/src/index.ts') },
  { find: exact('@rollcall/tencent-live'), replacement: source('tencent-live/src/index.ts') },
  { find: exact('@rollcall/presence-core'), replacement: source('presence-core/src/index.ts') },
  { find: exact('@rollcall/presence-core/volcengine'), replacement: source('presence-core/src/providers/volcengine.ts') },
  { find: exact('@rollcall/presence-core/aliyun'), replacement: source('presence-core/src/providers/aliyun.ts') },
  { find: exact('@rollcall/presence-core/tencent'), replacement: source('presence-core/src/providers/tencent.ts') },
  { find: exact('@rollcall/emulator'), replacement: source('emulator/src/index.ts') },
];

// Two projects: unit tests (stub fetch, frozen clocks, signing vectors) and contract tests (the
// real clients against Prism mocks started from the specs, the emulator, the CLI, tarball installs).
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
          include: ['packages/*/test/unit/**/*.test.ts', 'tools/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'contract',
          include: [
            'packages/*/test/contract/**/*.test.ts',
            'packages/emulator/test/**/*.test.ts',
            'packages/cli/test/**/*.test.ts',
            'tests/pack/**/*.test.ts',
            'tests/consumer/**/*.test.ts',
            'tests/release/**/*.test.ts',
            'tests/qps/**/*.test.ts',
          ],
          globalSetup: ['packages/test-support/src/prism-setup.ts', 'packages/test-support/src/tarball-setup.ts'],
        },
      },
    ],
  },
});
