import { defineConfig } from 'tsup';

// A Node program. The rollcall packages it uses are dependencies, not bundled: an app that also
// uses presence-core shares one copy of each.
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist/node',
  clean: true,
  dts: false,
  removeNodeProtocol: false,
  banner: { js: '#!/usr/bin/env node' },
});
