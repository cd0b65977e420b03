import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the workspace packages from their sources, never from a stale dist.
const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
const alias = {
  '@rollcall/volcengine-rtc': source('volcengine-rtc'),
  '@rollcall/aliyun-live': source('aliyun-live'),
  '@rollcall/tencent-live': source('tencent-live'),
};

// Three projects: unit tests (stub fetch, frozen clocks, signing vectors), contract tests (the real
// clients against Prism mocks started from the specs) and pack tests (tarballs installed with npm).
export default defineConfig({
  resolve: { alias },
  test: {
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
          include: ['packages/*/test/contract/**/*.test.ts', 'packages/emulator/test/**/*.test.ts', 'packages/cli/test/**/*.test.ts', 'tests/pack/**/*.test.ts', 'tests/qps/**/*.test.ts'],
          globalSetup: ['packages/internal/test-support/prism-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
