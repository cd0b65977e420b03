import { defineConfig } from 'vitest/config';

// Three projects: unit tests (stub fetch, frozen clocks, signing vectors), contract tests (the real
// clients against Prism mocks started from the specs) and pack tests (tarballs installed with npm).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/unit/**/*.test.ts', 'tools/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'contract',
          include: ['packages/*/test/contract/**/*.test.ts', 'tests/pack/**/*.test.ts'],
          globalSetup: ['packages/internal/test-support/prism-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
