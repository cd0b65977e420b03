import { packageBuild } from '../../tools/build/tsup-package.mjs';

// Node only: it is an HTTP server. The vendor packages it checks signatures with are dependencies.
// `wire` is the vendors' request routing and answer shapes, for other servers standing in for them.
export default packageBuild({ nodeOnly: true, entry: { index: 'src/index.ts', 'wire/index': 'src/wire/index.ts' }, splitting: true });
