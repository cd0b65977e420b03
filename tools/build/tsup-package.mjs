// The one build every published package uses: ESM + .d.ts, with the private @rollcall/internal
// runtime bundled in (so each tarball installs on its own) and two entry builds chosen by the
// `node` / `default` export conditions: node:crypto on Node, WebCrypto everywhere else.
import { defineConfig } from 'tsup';

export function packageBuild({ entry = ['src/index.ts'], splitting = false, bundle = ['@rollcall/internal'], nodeOnly = false } = {}) {
  const shared = {
    entry,
    format: ['esm'],
    target: 'es2022',
    sourcemap: false,
    // Shared chunks keep one copy of the runtime when a package has several entries.
    splitting,
    treeshake: true,
    noExternal: bundle,
    removeNodeProtocol: false,
  };
  if (nodeOnly) {
    return defineConfig({ ...shared, outDir: 'dist/node', platform: 'node', clean: true, dts: { resolve: bundle } });
  }
  return defineConfig([
    { ...shared, outDir: 'dist/node', platform: 'node', clean: true, dts: false },
    {
      ...shared,
      outDir: 'dist',
      platform: 'neutral',
      clean: false,
      dts: { resolve: bundle },
    },
  ]);
}
