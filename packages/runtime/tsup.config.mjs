import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup-package.mjs';

// The conditional `#crypto`, `#transport` and `#zod-object` imports are resolved here, once per
// build: dist/node gets node:crypto, node:http and zod's compiled objects; dist gets WebCrypto, fetch
// and zod/mini's objects.
//
// Each entry is one file (no shared chunks: every module a cold start loads costs time). `public`
// re-exports from `./index.js` as it is, so that both entries hand out the same classes.
const entries = packageBuild({ entry: { index: 'src/index.ts', 'crypto/node': 'src/crypto/node.ts', 'crypto/web': 'src/crypto/web.ts' } });
const publicEntry = packageBuild({ entry: { public: 'src/public.ts' } }).map((config) => ({
  ...config,
  external: [...config.external, './index.js'],
}));
// `otel` (OpenTelemetry's API, an optional peer) is an entry of its own: nothing else imports it.
const otelEntry = packageBuild({ entry: { otel: 'src/otel.ts' } });
export default defineConfig([...entries, ...publicEntry, ...otelEntry]);
