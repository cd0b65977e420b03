// The one build every published package uses: ESM + .d.ts, with two entry builds chosen by the
// `node` / `default` export conditions: dist/node (node:crypto, node:http) on Node and
// Node-compatible runtimes, dist (WebCrypto, fetch) everywhere else. Dependencies, @rollcall/runtime
// among them, stay external, so an app carries one copy of the shared runtime.
import { rmSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { defineConfig } from 'tsup';

/**
 * `modules: true` (the vendor clients): one build for every runtime, one ES module per source file
 * instead of one bundled file, so that an application's bundler keeps only the modules and schemas
 * a call reaches (a bundled file turns `export * as schemas` into a namespace object built at load,
 * which no bundler can drop: it carried every schema, and zod with them, into a one-call bundle).
 * The clients need no Node-only build: what differs per runtime lives in @rollcall/runtime.
 */
export function packageBuild({ entry = ['src/index.ts'], splitting = false, nodeOnly = false, modules = false } = {}) {
  // dist is cleared once, here, before tsup starts its builds: the builds share it and run at once,
  // so none of them may clean it (and no stale file may reach a tarball). Only on the main thread:
  // tsup's declaration build loads this file again in a worker, and a clean from there, late on a
  // busy machine, deleted what the other builds had written (runtime's dist/public.* went missing
  // under turbo's parallel builds).
  if (isMainThread) rmSync('dist', { recursive: true, force: true });
  const shared = {
    entry,
    format: ['esm'],
    target: 'es2022',
    sourcemap: false,
    // Shared chunks keep one copy of shared code when a package has several entries.
    splitting,
    treeshake: true,
    removeNodeProtocol: false,
    // Node built-ins stay imports (the runtime's crypto/node entry is Node's only, in either build).
    external: [/^node:/],
  };
  if (modules) {
    return defineConfig({
      ...shared,
      // The spec's openapi-typescript view is types only, and its examples feed the contract tests.
      entry: ['src/**/*.ts', '!src/generated/types.ts', '!src/generated/examples.ts'],
      bundle: false,
      outDir: 'dist',
      platform: 'neutral',
      clean: false,
      dts: { entry: { index: 'src/index.ts' } },
    });
  }
  if (nodeOnly) {
    return defineConfig({ ...shared, outDir: 'dist/node', platform: 'node', clean: false, dts: true });
  }
  return defineConfig([
    { ...shared, outDir: 'dist/node', platform: 'node', clean: false, dts: false },
    { ...shared, outDir: 'dist', platform: 'neutral', clean: false, dts: true },
  ]);
}
