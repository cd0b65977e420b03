import { packageBuild } from '../../tools/build/tsup-package.mjs';

// Node only: it is an HTTP server. The vendor packages it checks signatures with are dependencies.
export default packageBuild({ nodeOnly: true });
