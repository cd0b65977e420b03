import { packageBuild } from '../../tools/build/tsup-package.mjs';

// The conditional `#crypto`, `#transport` and `#zod-object` imports are resolved here, once per
// build: dist/node gets node:crypto, node:http and zod's compiled objects; dist gets WebCrypto, fetch
// and zod/mini's objects.
export default packageBuild({
  entry: {
    index: 'src/index.ts',
    public: 'src/public.ts',
    'crypto/node': 'src/crypto/node.ts',
    'crypto/web': 'src/crypto/web.ts',
  },
  splitting: true,
});
