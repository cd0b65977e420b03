import { defineConfig } from 'tsup';

// A Node program: one file with the workspace packages bundled in, so that the published CLI
// installs on its own.
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist/node',
  clean: true,
  dts: false,
  removeNodeProtocol: false,
  noExternal: [/^@rollcall\//],
  banner: { js: '#!/usr/bin/env node' },
});
