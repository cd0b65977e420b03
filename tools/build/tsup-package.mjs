// The one build every published package uses: ESM + .d.ts, with the private @rollcall/internal
// runtime bundled in (so each tarball installs on its own) and two entry builds chosen by the
// `node` / `default` export conditions: node:crypto on Node, WebCrypto everywhere else.
import { defineConfig } from 'tsup';

export function packageBuild({ entry = ['src/index.ts'] } = {}) {
  const shared = {
    entry,
    format: ['esm'],
    target: 'es2022',
    sourcemap: false,
    splitting: false,
    treeshake: true,
    noExternal: ['@rollcall/internal'],
    removeNodeProtocol: false,
  };
  return defineConfig([
    { ...shared, outDir: 'dist/node', platform: 'node', clean: true, dts: false },
    {
      ...shared,
      outDir: 'dist',
      platform: 'neutral',
      clean: false,
      dts: { resolve: ['@rollcall/internal'] },
    },
  ]);
}
